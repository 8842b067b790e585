//! Reading small files the user chose (model files, configurations) as text. Logs are never read
//! this way: the worker reads them in slices.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The files chosen in the `<input type=file>` an event came from; the input is then cleared, so
/// that choosing the same file again still fires a change.
pub(crate) fn chosen_files(event: &web_sys::Event) -> Vec<web_sys::File> {
    let Some(input) = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return Vec::new();
    };
    let files = input
        .files()
        .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
        .unwrap_or_default();
    input.set_value("");
    files
}

/// The whole text of a small file, or why it could not be read.
pub(crate) async fn read_text(file: &web_sys::File) -> Result<String, String> {
    JsFuture::from(file.text())
        .await
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| format!("{}: the browser could not read the file", file.name()))
}
