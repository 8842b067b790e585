//! The serde shapes of the cloud wrappers around audit events (a GKE `LogEntry` with its
//! `AuditLog` payload, an AKS diagnostic record, a CloudWatch Logs event) and of list wrappers:
//! only the fields that tell them apart and that their records read.

use std::borrow::Cow;
use std::fmt;

use serde::de::{
    self, value::MapAccessDeserializer, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde::Deserialize;

use super::raw_event::RawEvent;

/// The fields of the cloud wrappers and list wrappers, each optional.
#[derive(Deserialize)]
pub(super) struct RawWrapper<'a> {
    /// GKE: the Cloud Audit Logs `AuditLog` payload.
    #[serde(borrow, rename = "protoPayload")]
    pub proto_payload: Option<RawAuditLog<'a>>,
    #[serde(borrow, rename = "insertId")]
    pub insert_id: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "receiveTimestamp")]
    pub receive_timestamp: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub operation: Option<RawOperation<'a>>,

    /// AKS: `kube-audit`, `kube-audit-admin`, or another diagnostic category.
    #[serde(borrow)]
    pub category: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub properties: Option<RawProperties<'a>>,

    /// CloudWatch Logs: the audit event as JSON text.
    #[serde(borrow)]
    pub message: Option<Cow<'a, str>>,

    /// Envelopes, whose elements the splitter normally hands over one by one.
    items: Option<IgnoredAny>,
    records: Option<IgnoredAny>,
    events: Option<IgnoredAny>,
}

impl RawWrapper<'_> {
    /// An `items`, `records` or `events` field, and none of an entry's own.
    pub(super) fn is_list_wrapper(&self) -> bool {
        self.proto_payload.is_none()
            && self.category.is_none()
            && self.properties.is_none()
            && self.message.is_none()
            && (self.items.is_some() || self.records.is_some() || self.events.is_some())
    }
}

#[derive(Deserialize)]
pub(super) struct RawAuditLog<'a> {
    #[serde(borrow, rename = "@type")]
    pub(super) type_url: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "serviceName")]
    pub(super) service_name: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "methodName")]
    pub(super) method_name: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "resourceName")]
    pub(super) resource_name: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "authenticationInfo")]
    pub(super) authentication_info: Option<RawAuthentication<'a>>,
    pub(super) status: Option<RawRpcStatus>,
    /// The API server's response: for a failed request a Kubernetes `Status` with the HTTP code.
    pub(super) response: Option<RawResponse>,
}

#[derive(Deserialize)]
pub(super) struct RawAuthentication<'a> {
    #[serde(borrow, rename = "principalEmail")]
    pub(super) principal_email: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
pub(super) struct RawRpcStatus {
    /// A `google.rpc.Code`; proto3 leaves out the default, so `{}` means 0 (OK).
    pub(super) code: Option<i64>,
}

#[derive(Deserialize)]
pub(super) struct RawResponse {
    pub(super) kind: Option<Loose<String>>,
    pub(super) code: Option<Loose<i64>>,
}

/// `LogEntry.operation`: `id` is the Kubernetes audit ID; `first` and `last` mark the entries
/// of a request logged in several stages.
#[derive(Deserialize)]
pub(super) struct RawOperation<'a> {
    #[serde(borrow)]
    pub(super) id: Option<Cow<'a, str>>,
    pub(super) first: Option<Loose<bool>>,
    pub(super) last: Option<Loose<bool>>,
}

/// A field whose value is kept only if it has the expected type: the response object is the
/// user's own resource, whose `kind`/`code` may be anything, and exports made by other tools
/// write `first`/`last` as strings.
pub(super) struct Loose<T>(pub(super) Option<T>);

impl<T> Loose<T> {
    pub(super) fn get(this: Option<Self>) -> Option<T> {
        this.and_then(|loose| loose.0)
    }
}

impl<'de, T: LooseValue> Deserialize<'de> for Loose<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LooseVisitor::<T>(std::marker::PhantomData))
    }
}

trait LooseValue: Sized {
    fn from_i64(_: i64) -> Option<Self> {
        None
    }
    fn from_bool(_: bool) -> Option<Self> {
        None
    }
    fn from_str(_: &str) -> Option<Self> {
        None
    }
}

impl LooseValue for i64 {
    fn from_i64(value: i64) -> Option<Self> {
        Some(value)
    }
}

impl LooseValue for bool {
    fn from_bool(value: bool) -> Option<Self> {
        Some(value)
    }
    fn from_str(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl LooseValue for String {
    fn from_str(text: &str) -> Option<Self> {
        Some(text.to_string())
    }
}

struct LooseVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: LooseValue> Visitor<'de> for LooseVisitor<T> {
    type Value = Loose<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
        Ok(Loose(T::from_bool(value)))
    }
    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Loose(T::from_i64(value)))
    }
    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(Loose(i64::try_from(value).ok().and_then(T::from_i64)))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Loose(None))
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Loose(T::from_str(text)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Loose(None))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Loose(None))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Loose(None))
    }
}

#[derive(Deserialize)]
pub(super) struct RawProperties<'a> {
    #[serde(borrow)]
    pub(super) log: Option<LogPayload<'a>>,
}

/// `properties.log`: Azure's diagnostic settings write the event as JSON text; some exports
/// (and Log Analytics queries) give it as an object.
pub(super) enum LogPayload<'a> {
    Text(Cow<'a, str>),
    Event(Box<RawEvent<'a>>),
}

impl<'de: 'a, 'a> Deserialize<'de> for LogPayload<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PayloadVisitor;
        impl<'de> Visitor<'de> for PayloadVisitor {
            type Value = LogPayload<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an audit event, as JSON text or as an object")
            }
            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(LogPayload::Text(Cow::Borrowed(text)))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                Ok(LogPayload::Text(Cow::Owned(text.to_string())))
            }
            fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
                Ok(LogPayload::Text(Cow::Owned(text)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                RawEvent::deserialize(MapAccessDeserializer::new(map))
                    .map(|event| LogPayload::Event(Box::new(event)))
            }
        }
        deserializer.deserialize_any(PayloadVisitor)
    }
}
