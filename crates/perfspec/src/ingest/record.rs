//! One Kubernetes API request as the audit log recorded it, reduced to what the learning phase
//! uses, and [`AuditRecords`], the compact form in which an ingest keeps them.
//!
//! An ingest of a large log keeps hundreds of thousands of records. Held as owned strings, each
//! cost several allocations and a few hundred bytes, and the allocations were a sizeable share of
//! the read in WebAssembly. [`AuditRecords`] interns the few distinct verbs, resources, users,
//! namespaces and stages, packs UUID audit IDs into 16 bytes and puts the remaining text (receive
//! times, other audit IDs) back to back in one buffer: no allocation per record, and a fraction
//! of the memory (figures: BENCHMARKS.md, "Memory").

use std::borrow::Cow;
use std::fmt;
use std::num::NonZeroU32;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// One audit record, whatever format it came from, as plain owned strings.
///
/// Strings are kept as written; the preset decides what counts as an event. An ingest keeps its
/// records in [`AuditRecords`]; this form is what [`AuditRecords::to_vec`] gives back and what
/// [`AuditRecords`] can be built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AuditRecord {
    pub verb: String,
    /// `objectRef.resource`; `None` for non-resource requests such as `/readyz` or discovery.
    pub resource: Option<String>,
    pub subresource: Option<String>,
    pub namespace: Option<String>,
    pub user: Option<String>,
    pub stage: Option<String>,
    pub audit_id: Option<String>,
    pub status_code: Option<u16>,
    /// `requestReceivedTimestamp` (or v1beta1 `timestamp`) as written, RFC 3339.
    pub received_at: Option<String>,
    /// Index of the file among those ingested together.
    pub file: u32,
    /// 1-based line of the file the record started on.
    pub line: u64,
}

/// The fields of one record as a format reader found them, borrowed from the input where they
/// can be (a JSON string with escapes, or a name a reader derives, is owned).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RecordFields<'a> {
    pub verb: Cow<'a, str>,
    pub resource: Option<Cow<'a, str>>,
    pub subresource: Option<Cow<'a, str>>,
    pub namespace: Option<Cow<'a, str>>,
    pub user: Option<Cow<'a, str>>,
    pub stage: Option<Cow<'a, str>>,
    pub audit_id: Option<Cow<'a, str>>,
    pub status_code: Option<u16>,
    pub received_at: Option<Cow<'a, str>>,
}

impl RecordFields<'_> {
    /// The same fields, owning their text: for the wrapped formats, whose events are parsed
    /// from text that does not outlive the parse.
    pub(crate) fn into_owned(self) -> RecordFields<'static> {
        fn owned(text: Option<Cow<'_, str>>) -> Option<Cow<'static, str>> {
            text.map(|text| Cow::Owned(text.into_owned()))
        }
        RecordFields {
            verb: Cow::Owned(self.verb.into_owned()),
            resource: owned(self.resource),
            subresource: owned(self.subresource),
            namespace: owned(self.namespace),
            user: owned(self.user),
            stage: owned(self.stage),
            audit_id: owned(self.audit_id),
            status_code: self.status_code,
            received_at: owned(self.received_at),
        }
    }

    #[cfg(test)]
    pub(crate) fn to_record(&self) -> AuditRecord {
        let owned = |text: &Option<Cow<'_, str>>| text.as_deref().map(str::to_string);
        AuditRecord {
            verb: self.verb.to_string(),
            resource: owned(&self.resource),
            subresource: owned(&self.subresource),
            namespace: owned(&self.namespace),
            user: owned(&self.user),
            stage: owned(&self.stage),
            audit_id: owned(&self.audit_id),
            status_code: self.status_code,
            received_at: owned(&self.received_at),
            file: 0,
            line: 0,
        }
    }
}

/// An interned string of one [`AuditRecords`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Symbol(NonZeroU32);

/// The distinct low-cardinality strings of the records, each stored once.
///
/// Written here rather than taken from `lasso` or `string-interner`: all that is needed is a map
/// and a list (with `FxHash`, which is what the fast path wants for short keys), the table
/// must be cloned and compared with its records, and a crate would bring its own arena and
/// hasher choices for a dozen lines of code.
#[derive(Debug, Clone, Default)]
struct Strings {
    index: FxHashMap<Box<str>, Symbol>,
    texts: Vec<Box<str>>,
}

impl Strings {
    fn intern(&mut self, text: &str) -> Symbol {
        if let Some(&symbol) = self.index.get(text) {
            return symbol;
        }
        let number = u32::try_from(self.texts.len() + 1)
            .ok()
            .and_then(NonZeroU32::new)
            .expect("fewer than 2^32 distinct strings");
        let symbol = Symbol(number);
        self.texts.push(text.into());
        self.index.insert(text.into(), symbol);
        symbol
    }

    fn get(&self, symbol: Symbol) -> &str {
        &self.texts[symbol.0.get() as usize - 1]
    }
}

/// Where a text lies in [`AuditRecords::text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: usize,
    len: u32,
}

/// An `auditID`: a UUID in the lowercase form the API server writes, as its 16 bytes, which
/// give the text back exactly; anything else as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StoredId {
    Uuid([u8; 16]),
    Text(Span),
}

/// An `auditID` as one [`AuditRecords`] holds it: equal keys are equal IDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum AuditKey<'a> {
    Uuid([u8; 16]),
    Text(&'a str),
}

/// Whether a dash precedes the byte of a UUID at this index, in its text form.
fn dash_before(index: usize) -> bool {
    matches!(index, 4 | 6 | 8 | 10)
}

fn parse_uuid(text: &str) -> Option<[u8; 16]> {
    fn digit(byte: u8) -> Option<u8> {
        match byte {
            b'0'..=b'9' => Some(byte - b'0'),
            // Uppercase would not come back as written.
            b'a'..=b'f' => Some(byte - b'a' + 10),
            _ => None,
        }
    }
    let bytes = text.as_bytes();
    if bytes.len() != 36 {
        return None;
    }
    let mut uuid = [0u8; 16];
    let mut at = 0;
    for (index, byte) in uuid.iter_mut().enumerate() {
        if dash_before(index) {
            if bytes[at] != b'-' {
                return None;
            }
            at += 1;
        }
        *byte = digit(bytes[at])? << 4 | digit(bytes[at + 1])?;
        at += 2;
    }
    Some(uuid)
}

fn format_uuid(uuid: &[u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(36);
    for (index, byte) in uuid.iter().enumerate() {
        if dash_before(index) {
            text.push('-');
        }
        text.push(char::from(HEX[usize::from(byte >> 4)]));
        text.push(char::from(HEX[usize::from(byte & 15)]));
    }
    text
}

/// One kept record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stored {
    line: u64,
    file: u32,
    verb: Symbol,
    resource: Option<Symbol>,
    subresource: Option<Symbol>,
    namespace: Option<Symbol>,
    user: Option<Symbol>,
    stage: Option<Symbol>,
    status_code: Option<u16>,
    audit_id: Option<StoredId>,
    received_at: Option<Span>,
}

/// The records of an ingest, in input order, compactly.
///
/// Requests without a resource (discovery, `/readyz`: most of a real log) never become events
/// under any prepare option, so by default they are only counted: [`AuditRecords::len`] counts
/// them, [`AuditRecords::iter`] does not give them. [`AuditRecords::keeping_every_record`] keeps
/// them too, for tools and tests that look at every record.
#[derive(Debug, Clone, Default)]
pub struct AuditRecords {
    strings: Strings,
    /// Receive times and audit IDs that are not UUIDs, back to back.
    text: String,
    stored: Vec<Stored>,
    /// Requests without a resource that were counted and not kept.
    counted_without_resource: u64,
    keep_without_resource: bool,
    /// The symbol each interned field had in the last record: consecutive records often share
    /// a stage, user or namespace, and comparing with it is cheaper than hashing.
    recent: [Option<Symbol>; FIELDS],
}

/// The interned fields of a record, as indexes of [`AuditRecords::recent`].
const FIELDS: usize = 6;
const VERB: usize = 0;
const RESOURCE: usize = 1;
const SUBRESOURCE: usize = 2;
const NAMESPACE: usize = 3;
const USER: usize = 4;
const STAGE: usize = 5;

impl AuditRecords {
    /// Records that keep the requests without a resource as well.
    pub fn keeping_every_record() -> Self {
        Self {
            keep_without_resource: true,
            ..Self::default()
        }
    }

    /// Records read, kept or (requests without a resource) only counted.
    pub fn len(&self) -> usize {
        self.stored.len() + self.counted_without_resource as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Requests without a resource, kept or only counted.
    pub fn without_resource(&self) -> u64 {
        let kept = if self.keep_without_resource {
            self.stored.iter().filter(|s| s.resource.is_none()).count() as u64
        } else {
            0
        };
        self.counted_without_resource + kept
    }

    /// The kept records, in input order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = RecordRef<'_>> + Clone + '_ {
        self.stored.iter().map(move |stored| RecordRef {
            records: self,
            stored,
        })
    }

    /// The kept record at `index` (of [`AuditRecords::iter`]).
    pub fn get(&self, index: usize) -> Option<RecordRef<'_>> {
        self.stored.get(index).map(|stored| RecordRef {
            records: self,
            stored,
        })
    }

    /// The kept records as plain records.
    pub fn to_vec(&self) -> Vec<AuditRecord> {
        self.iter().map(|record| record.to_record()).collect()
    }

    /// Adds a record read from line `line` of file `file`.
    pub(crate) fn push(&mut self, fields: &RecordFields<'_>, file: u32, line: u64) {
        if fields.resource.is_none() && !self.keep_without_resource {
            self.counted_without_resource += 1;
            return;
        }
        let verb = self.intern(VERB, &fields.verb);
        let mut intern = |field: usize, text: &Option<Cow<'_, str>>| {
            text.as_deref().map(|text| self.intern(field, text))
        };
        let resource = intern(RESOURCE, &fields.resource);
        let subresource = intern(SUBRESOURCE, &fields.subresource);
        let namespace = intern(NAMESPACE, &fields.namespace);
        let user = intern(USER, &fields.user);
        let stage = intern(STAGE, &fields.stage);
        let audit_id = fields.audit_id.as_deref().map(|id| match parse_uuid(id) {
            Some(uuid) => StoredId::Uuid(uuid),
            None => StoredId::Text(self.append(id)),
        });
        let received_at = fields.received_at.as_deref().map(|time| self.append(time));
        self.stored.push(Stored {
            line,
            file,
            verb,
            resource,
            subresource,
            namespace,
            user,
            stage,
            status_code: fields.status_code,
            audit_id,
            received_at,
        });
    }

    fn intern(&mut self, field: usize, text: &str) -> Symbol {
        if let Some(symbol) = self.recent[field] {
            if self.strings.get(symbol) == text {
                return symbol;
            }
        }
        let symbol = self.strings.intern(text);
        self.recent[field] = Some(symbol);
        symbol
    }

    fn append(&mut self, text: &str) -> Span {
        let start = self.text.len();
        self.text.push_str(text);
        Span {
            start,
            len: u32::try_from(text.len()).expect("a field shorter than 4 GiB"),
        }
    }

    fn span(&self, span: Span) -> &str {
        &self.text[span.start..span.start + span.len as usize]
    }

    /// The string of a symbol of these records.
    pub(crate) fn symbol(&self, symbol: Symbol) -> &str {
        self.strings.get(symbol)
    }
}

impl FromIterator<AuditRecord> for AuditRecords {
    /// Keeps every record given, requests without a resource too.
    fn from_iter<I: IntoIterator<Item = AuditRecord>>(records: I) -> Self {
        let mut all = AuditRecords::keeping_every_record();
        for record in records {
            let fields = RecordFields {
                verb: Cow::Borrowed(&record.verb),
                resource: record.resource.as_deref().map(Cow::Borrowed),
                subresource: record.subresource.as_deref().map(Cow::Borrowed),
                namespace: record.namespace.as_deref().map(Cow::Borrowed),
                user: record.user.as_deref().map(Cow::Borrowed),
                stage: record.stage.as_deref().map(Cow::Borrowed),
                audit_id: record.audit_id.as_deref().map(Cow::Borrowed),
                status_code: record.status_code,
                received_at: record.received_at.as_deref().map(Cow::Borrowed),
            };
            all.push(&fields, record.file, record.line);
        }
        all
    }
}

/// Equal when they hold the same records (field by field, whatever the symbols' numbers) and
/// counted as many requests without a resource.
impl PartialEq for AuditRecords {
    fn eq(&self, other: &Self) -> bool {
        self.counted_without_resource == other.counted_without_resource
            && self.stored.len() == other.stored.len()
            && self.iter().eq(other.iter())
    }
}

impl Eq for AuditRecords {}

/// One kept record of an [`AuditRecords`].
#[derive(Clone, Copy)]
pub struct RecordRef<'a> {
    records: &'a AuditRecords,
    stored: &'a Stored,
}

impl<'a> RecordRef<'a> {
    fn text(&self, symbol: Option<Symbol>) -> Option<&'a str> {
        symbol.map(|symbol| self.records.strings.get(symbol))
    }

    pub fn verb(&self) -> &'a str {
        self.records.strings.get(self.stored.verb)
    }

    /// `objectRef.resource`; `None` for non-resource requests such as `/readyz` or discovery.
    pub fn resource(&self) -> Option<&'a str> {
        self.text(self.stored.resource)
    }

    pub fn subresource(&self) -> Option<&'a str> {
        self.text(self.stored.subresource)
    }

    pub fn namespace(&self) -> Option<&'a str> {
        self.text(self.stored.namespace)
    }

    pub fn user(&self) -> Option<&'a str> {
        self.text(self.stored.user)
    }

    pub fn stage(&self) -> Option<&'a str> {
        self.text(self.stored.stage)
    }

    pub fn audit_id(&self) -> Option<Cow<'a, str>> {
        self.audit_key().map(|key| match key {
            AuditKey::Uuid(uuid) => Cow::Owned(format_uuid(&uuid)),
            AuditKey::Text(text) => Cow::Borrowed(text),
        })
    }

    pub fn status_code(&self) -> Option<u16> {
        self.stored.status_code
    }

    /// `requestReceivedTimestamp` (or v1beta1 `timestamp`) as written, RFC 3339.
    pub fn received_at(&self) -> Option<&'a str> {
        self.stored.received_at.map(|span| self.records.span(span))
    }

    /// Index of the file among those ingested together.
    pub fn file(&self) -> u32 {
        self.stored.file
    }

    /// 1-based line of the file the record started on.
    pub fn line(&self) -> u64 {
        self.stored.line
    }

    pub(crate) fn audit_key(&self) -> Option<AuditKey<'a>> {
        self.stored.audit_id.map(|id| match id {
            StoredId::Uuid(uuid) => AuditKey::Uuid(uuid),
            StoredId::Text(span) => AuditKey::Text(self.records.span(span)),
        })
    }

    pub(crate) fn verb_symbol(&self) -> Symbol {
        self.stored.verb
    }

    pub(crate) fn resource_symbol(&self) -> Option<Symbol> {
        self.stored.resource
    }

    pub(crate) fn subresource_symbol(&self) -> Option<Symbol> {
        self.stored.subresource
    }

    pub fn to_record(&self) -> AuditRecord {
        AuditRecord {
            verb: self.verb().to_string(),
            resource: self.resource().map(str::to_string),
            subresource: self.subresource().map(str::to_string),
            namespace: self.namespace().map(str::to_string),
            user: self.user().map(str::to_string),
            stage: self.stage().map(str::to_string),
            audit_id: self.audit_id().map(Cow::into_owned),
            status_code: self.status_code(),
            received_at: self.received_at().map(str::to_string),
            file: self.file(),
            line: self.line(),
        }
    }
}

impl PartialEq for RecordRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.verb() == other.verb()
            && self.resource() == other.resource()
            && self.subresource() == other.subresource()
            && self.namespace() == other.namespace()
            && self.user() == other.user()
            && self.stage() == other.stage()
            && self.audit_key() == other.audit_key()
            && self.status_code() == other.status_code()
            && self.received_at() == other.received_at()
            && self.file() == other.file()
            && self.line() == other.line()
    }
}

impl fmt::Debug for RecordRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.to_record().fmt(f)
    }
}

/// What [`crate::prepare::prepare`] reads: an ingest's [`AuditRecords`], or plain
/// [`AuditRecord`]s, which are compacted first.
pub trait ToAuditRecords {
    fn to_audit_records(&self) -> Cow<'_, AuditRecords>;
}

impl ToAuditRecords for AuditRecords {
    fn to_audit_records(&self) -> Cow<'_, AuditRecords> {
        Cow::Borrowed(self)
    }
}

impl ToAuditRecords for [AuditRecord] {
    fn to_audit_records(&self) -> Cow<'_, AuditRecords> {
        Cow::Owned(self.iter().cloned().collect())
    }
}

impl ToAuditRecords for Vec<AuditRecord> {
    fn to_audit_records(&self) -> Cow<'_, AuditRecords> {
        self.as_slice().to_audit_records()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_pack_only_when_they_come_back_as_written() {
        let id = "033d17af-082d-4b24-aa22-627752e83d71";
        assert_eq!(format_uuid(&parse_uuid(id).unwrap()), id);
        for other in [
            "033D17AF-082D-4B24-AA22-627752E83D71",
            "033d17af082d4b24aa22627752e83d71",
            "8e6e8f52-3224",
            "033d17af-082d-4b24-aa22-627752e83d7g",
            "033d17af-082d-4b24-aa22+627752e83d71",
            "",
        ] {
            assert_eq!(parse_uuid(other), None, "{other}");
        }
    }

    #[test]
    fn records_come_back_as_they_went_in() {
        let records = vec![
            AuditRecord {
                verb: "create".into(),
                resource: Some("pods".into()),
                subresource: Some("binding".into()),
                namespace: Some("ns".into()),
                user: Some("system:kube-scheduler".into()),
                stage: Some("ResponseComplete".into()),
                audit_id: Some("033d17af-082d-4b24-aa22-627752e83d71".into()),
                status_code: Some(201),
                received_at: Some("2023-01-27T18:28:08.129781Z".into()),
                file: 2,
                line: 7,
            },
            AuditRecord {
                verb: "get".into(),
                audit_id: Some("8E6E8F52-3224".into()),
                received_at: Some("not a time".into()),
                line: 8,
                ..AuditRecord::default()
            },
            AuditRecord {
                verb: "create".into(),
                resource: Some("pods".into()),
                ..AuditRecord::default()
            },
        ];
        let compact: AuditRecords = records.iter().cloned().collect();
        assert_eq!(compact.len(), 3);
        assert_eq!(compact.without_resource(), 1);
        assert_eq!(compact.to_vec(), records);
        assert_eq!(compact.get(0).unwrap().verb(), "create");
        let again: AuditRecords = records.into_iter().collect();
        assert!(compact == again);
    }

    #[test]
    fn requests_without_a_resource_are_counted_unless_kept() {
        let fields = |resource: Option<&'static str>| RecordFields {
            verb: Cow::Borrowed("get"),
            resource: resource.map(Cow::Borrowed),
            ..RecordFields::default()
        };
        let mut counted = AuditRecords::default();
        let mut kept = AuditRecords::keeping_every_record();
        for records in [&mut counted, &mut kept] {
            records.push(&fields(None), 0, 1);
            records.push(&fields(Some("pods")), 0, 2);
        }
        assert_eq!((counted.len(), counted.iter().len()), (2, 1));
        assert_eq!((kept.len(), kept.iter().len()), (2, 2));
        assert_eq!(counted.without_resource(), 1);
        assert_eq!(kept.without_resource(), 1);
        assert_eq!(counted.get(0).unwrap().line(), 2);
    }
}
