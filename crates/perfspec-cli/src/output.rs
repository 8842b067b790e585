//! What a command gives back: text or JSON on stdout, and a failure's message and exit code.

/// A message for stderr and the exit code that goes with it.
pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self {
            code: 2,
            message: message.into(),
        }
    }

    pub(crate) fn no_events(message: impl Into<String>) -> Self {
        Self {
            code: 1,
            message: message.into(),
        }
    }
}

/// One line on stderr for the charts written, so that stdout stays the table or the JSON.
pub(crate) fn report_charts(directory: Option<&str>, files: &[String]) {
    if let Some(directory) = directory {
        let charts = files.iter().filter(|file| file.ends_with(".svg")).count();
        eprintln!("perfspec: wrote {charts} charts (SVG, with CSV tables) to {directory}");
    }
}

pub(crate) fn print_json(value: &impl serde::Serialize) {
    // Serialising plain data to a String cannot fail.
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    print_text(&text);
}

/// Writes to stdout; a closed pipe (`perfspec ... | head`) ends the output quietly.
pub(crate) fn print_text(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}
