//! Saving a file the page made: a Blob, an object URL, and a click on a temporary link. No
//! request leaves the page; the browser writes the file.

use wasm_bindgen::JsCast;

/// Offers `contents` as a download named `file_name`.
pub(crate) fn download_text(file_name: &str, mime: &str, contents: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(contents));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser could not make the file".to_string())?;
    download_blob(file_name, &blob)
}

/// Offers a Blob as a download named `file_name`.
pub(crate) fn download_blob(file_name: &str, blob: &web_sys::Blob) -> Result<(), String> {
    let url = web_sys::Url::create_object_url_with_blob(blob)
        .map_err(|_| "the browser could not make the file".to_string())?;
    let result = click_link(file_name, &url);
    // The click has handed the URL to the download already.
    let _ = web_sys::Url::revoke_object_url(&url);
    result
}

/// Offers a `data:` URL (a canvas's PNG) as a download.
pub(crate) fn download_url(file_name: &str, url: &str) -> Result<(), String> {
    click_link(file_name, url)
}

fn click_link(file_name: &str, url: &str) -> Result<(), String> {
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or("no document")?;
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .ok()
        .and_then(|element| element.dyn_into().ok())
        .ok_or("the browser could not make a link")?;
    link.set_href(url);
    link.set_download(file_name);
    link.click();
    Ok(())
}
