//! The serde shape of a native audit event, read borrowing from the value's text, and its record.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use super::record::RecordFields;
use super::skip::Skip;

/// The fields of a native audit event, each optional.
#[derive(Deserialize, Default)]
pub(super) struct RawEvent<'a> {
    #[serde(borrow)]
    pub kind: Option<Text<'a>>,
    #[serde(borrow, rename = "apiVersion")]
    pub api_version: Option<Text<'a>>,
    #[serde(borrow)]
    pub verb: Option<Text<'a>>,
    #[serde(borrow, rename = "auditID")]
    pub audit_id: Option<Text<'a>>,
    #[serde(borrow)]
    pub stage: Option<Text<'a>>,
    #[serde(borrow)]
    pub user: Option<RawUser<'a>>,
    #[serde(borrow, rename = "objectRef")]
    pub object_ref: Option<RawObjectRef<'a>>,
    #[serde(rename = "responseStatus")]
    pub response_status: Option<RawStatus>,
    #[serde(borrow, rename = "requestReceivedTimestamp")]
    pub request_received_timestamp: Option<Text<'a>>,
    /// v1beta1 and v1alpha1 name the receive time `timestamp`, as does a GKE log entry; a
    /// CloudWatch event has a number there (milliseconds since the epoch).
    #[serde(borrow)]
    pub timestamp: Option<TextOrNumber<'a>>,
}

#[derive(Deserialize)]
pub(super) struct RawUser<'a> {
    #[serde(borrow)]
    pub username: Option<Text<'a>>,
}

#[derive(Deserialize, Default)]
pub(super) struct RawObjectRef<'a> {
    #[serde(borrow)]
    pub resource: Option<Text<'a>>,
    #[serde(borrow)]
    pub subresource: Option<Text<'a>>,
    #[serde(borrow)]
    pub namespace: Option<Text<'a>>,
}

/// A JSON string, borrowed from the value's text unless escapes had to be decoded.
///
/// serde borrows a `Cow<str>` only where it is the field's whole type: inside an `Option` it
/// always copies, which cost every event an allocation per optional string before anything was
/// kept (figures: BENCHMARKS.md, "Ingest throughput (SPEC §8)").
pub(super) struct Text<'a>(Cow<'a, str>);

impl<'a> Text<'a> {
    pub(crate) fn borrowed(text: &'a str) -> Self {
        Text(Cow::Borrowed(text))
    }

    pub(crate) fn into_cow(self) -> Cow<'a, str> {
        self.0
    }
}

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            // As `String` says it, so that a skip's reason reads as before.
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(text)))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(text.to_string())))
            }
            fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(text)))
            }
        }
        deserializer.deserialize_string(TextVisitor)
    }
}

#[derive(Deserialize)]
pub(super) struct RawStatus {
    pub code: Option<i64>,
}

/// A field that is text in one shape and a number in another.
pub(super) enum TextOrNumber<'a> {
    Text(Cow<'a, str>),
    Number,
}

impl<'a> TextOrNumber<'a> {
    pub(crate) fn into_text(self) -> Option<Cow<'a, str>> {
        match self {
            TextOrNumber::Text(text) => Some(text),
            TextOrNumber::Number => None,
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for TextOrNumber<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextOrNumberVisitor;
        impl<'de> Visitor<'de> for TextOrNumberVisitor {
            type Value = TextOrNumber<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(TextOrNumber::Text(Cow::Borrowed(text)))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                Ok(TextOrNumber::Text(Cow::Owned(text.to_string())))
            }
            fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
                Ok(TextOrNumber::Text(Cow::Owned(text)))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(TextOrNumber::Number)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(TextOrNumber::Number)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(TextOrNumber::Number)
            }
        }
        deserializer.deserialize_any(TextOrNumberVisitor)
    }
}

/// What a value looked like, which names the file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// Not recognisably any accepted shape.
    Unknown,
    /// An `audit.k8s.io` Event.
    Event,
    Gke,
    Aks,
    CloudWatch,
    /// A list wrapper (`EventList`, `records`, `events`) whose list is not an array.
    Envelope,
}

/// Receives what a value decoded to: one record or one skip, or neither for an empty
/// `EventList`. Records go straight to the receiver, borrowing from the value's text, which
/// does not outlive the decode.
pub(super) trait DecodeSink {
    fn record(&mut self, shape: Shape, record: RecordFields<'_>);
    fn skip(&mut self, shape: Shape, skip: Skip);
}

/// A field's text; an empty string is no value.
fn text(value: Option<Text<'_>>) -> Option<Cow<'_, str>> {
    value.map(Text::into_cow).filter(|text| !text.is_empty())
}

impl<'a> RawEvent<'a> {
    pub(super) fn deliver(self, sink: &mut impl DecodeSink) {
        let shape = if self.looks_like_event() {
            Shape::Event
        } else {
            Shape::Unknown
        };
        match self.record() {
            Ok(record) => sink.record(shape, record),
            Err(skip) => sink.skip(shape, skip),
        }
    }

    pub(super) fn looks_like_event(&self) -> bool {
        self.verb.is_some()
            || self.kind.as_deref() == Some("Event")
            || self
                .api_version
                .as_deref()
                .is_some_and(|version| version.starts_with("audit.k8s.io/"))
    }

    /// The record of a native audit event.
    pub(crate) fn record(self) -> Result<RecordFields<'a>, Skip> {
        if let Some(kind) = self.kind.as_deref() {
            if kind != "Event" {
                return Err(Skip::new(format!("not an audit event (kind \"{kind}\")")));
            }
        }
        if let Some(api_version) = self.api_version.as_deref() {
            if !api_version.starts_with("audit.k8s.io/") {
                return Err(Skip::new(format!(
                    "not an audit event (apiVersion \"{api_version}\")"
                )));
            }
        }
        let looks_like_event = self.looks_like_event()
            || self.audit_id.is_some()
            || self.stage.is_some()
            || self.object_ref.is_some();
        let Some(verb) = text(self.verb) else {
            return Err(Skip::new(if looks_like_event {
                "audit event without a verb"
            } else {
                "not an audit event (no verb, kind or auditID)"
            }));
        };
        let (resource, subresource, namespace) = match self.object_ref {
            Some(object) => (
                text(object.resource),
                text(object.subresource),
                text(object.namespace),
            ),
            None => (None, None, None),
        };
        Ok(RecordFields {
            verb,
            resource,
            subresource,
            namespace,
            user: self.user.and_then(|user| text(user.username)),
            stage: text(self.stage),
            audit_id: text(self.audit_id),
            status_code: self
                .response_status
                .and_then(|status| status.code)
                .and_then(|code| u16::try_from(code).ok()),
            received_at: self
                .request_received_timestamp
                .map(Text::into_cow)
                .or(self.timestamp.and_then(TextOrNumber::into_text))
                .filter(|text| !text.is_empty()),
        })
    }
}
