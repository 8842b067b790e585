//! Why a line or value gave no record: what every decoder answers with instead of one.

/// Why a line or value gave no record; `incomplete` when it ended before its record did, which
/// on an unterminated last line means the file was cut short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Skip {
    pub reason: String,
    pub incomplete: bool,
}

impl Skip {
    pub(crate) fn new(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            incomplete: false,
        }
    }

    pub(crate) fn incomplete(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            incomplete: true,
        }
    }
}
