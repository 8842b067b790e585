//! Cuts a stream of byte chunks into JSON values, whatever the chunk boundaries, without holding
//! more than one value in memory.
//!
//! Hand-written because the ingest is push-based (the browser worker hands over `File` slices as
//! they arrive): `serde_json::StreamDeserializer` pulls from a reader or needs the whole input as
//! one slice, and neither fits. The scanner only tracks what it needs to find where a value ends
//! (nesting, strings, escapes, and enough grammar to notice a broken value early); each value it
//! cuts out is then parsed by serde_json, which gives the precise error when one is wrong.
//!
//! What it emits as values ("element position"):
//! - every top-level value (NDJSON lines, pretty-printed or concatenated objects);
//! - for a top-level array, each element rather than the array;
//! - for an object at element position with an `items`, `records` or `events` array (an
//!   `EventList`, AKS diagnostic records, a CloudWatch `filter-log-events` export), each element
//!   of that array rather than the object: such envelopes can be as large as the file.
//!
//! Layout: when the first top-level value ends on the line it started on, the file is taken as
//! line-delimited (NDJSON). Then a value still open at the end of its line is cut there and the
//! next line starts afresh, so one broken line never swallows its neighbours, and each line is
//! first offered whole to the reader ([`ValueSink::line`]), which parses it in place: one serde
//! parse per line, as fast as a plain line reader. Otherwise values may span lines, and after a
//! broken one the scanner resynchronises on the next line that starts with `{` or `[`.

use memchr::{memchr, memchr3};

/// The UTF-8 byte order mark, which some tools write before the first line or value.
pub(super) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A value longer than this is skipped (as one record) rather than buffered without end.
pub(crate) const MAX_VALUE_BYTES: usize = 16 * 1024 * 1024;
/// Deeper nesting is treated as broken JSON (serde_json itself stops at 128 levels).
const MAX_DEPTH: usize = 512;
/// Keys longer than this cannot be an envelope key, so only this much of a key is kept.
const MAX_KEY_BYTES: usize = 8;

/// How the file lays out its values, as far as the scanner has seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// No top-level value has ended yet.
    Undecided,
    /// One value per line (NDJSON).
    Lines,
    /// Values span lines (pretty-printed JSON).
    Multiline,
}

/// Where a value sat in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Container {
    TopLevel,
    /// An element of a top-level array.
    Array,
    /// An element of an envelope object's array.
    Envelope(EnvelopeKey),
}

/// The array-valued keys whose elements are emitted one by one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EnvelopeKey {
    /// `EventList.items`, the audit webhook's batch.
    Items,
    /// AKS diagnostic settings' `records`.
    Records,
    /// CloudWatch Logs' `filter-log-events` / `get-log-events` output.
    Events,
}

impl EnvelopeKey {
    fn from_key(key: &[u8]) -> Option<Self> {
        match key {
            b"items" => Some(Self::Items),
            b"records" => Some(Self::Records),
            b"events" => Some(Self::Events),
            _ => None,
        }
    }
}

/// How a value ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    /// The value closed normally (its JSON may still be invalid: the reader's parser decides).
    Complete,
    /// The scanner found it broken (a line ended inside it in NDJSON, or a byte that cannot
    /// continue it); the bytes run up to and including the point where that became clear.
    Broken,
    /// The input ended inside it; `on_last_line` when it started on the last line.
    Truncated { on_last_line: bool },
    /// Longer than [`MAX_VALUE_BYTES`]; the bytes are empty.
    Overlong,
}

/// One value cut out of the stream.
pub(crate) struct Value<'a> {
    pub bytes: &'a [u8],
    /// 1-based line of its first byte.
    pub line: u64,
    pub end: End,
    pub container: Container,
}

/// Receives what the splitter cuts out.
pub(crate) trait ValueSink {
    /// A whole line of an NDJSON file, starting with `{`: returns true if it was read as one
    /// value (and so needs no scanning), false to have it scanned like any other input.
    fn line(&mut self, bytes: &[u8], line: u64) -> bool;
    /// A value at element position.
    fn value(&mut self, value: Value<'_>);
    /// Bytes that are not part of any value: reported once per occurrence, with a reason.
    fn garbage(&mut self, line: u64, reason: String);
}

/// What the grammar allows next, at the current nesting level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Between top-level values: `{`, `[`, whitespace, or a `,` some tools put between objects.
    TopLevel,
    Value,
    /// Just after `[`.
    ValueOrClose,
    Key,
    /// Just after `{`.
    KeyOrClose,
    Colon,
    CommaOrClose,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lex {
    Between,
    /// Inside a string; `key` when it is an object key.
    Str {
        key: bool,
        escape: bool,
    },
    /// Inside a number or a literal (`true`, `false`, `null`, or garbage serde will name).
    Scalar,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Nested inside a value (or inside an envelope, outside its element array).
    Inner,
    /// An object at element position, or an envelope: its keys are checked for envelope keys.
    Watched,
    /// An array whose elements are emitted one by one.
    Elements(Container),
}

#[derive(Debug, Clone, Copy)]
struct Frame {
    object: bool,
    role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Recovery {
    None,
    /// Skip to the end of the line (garbage at top level, or a broken NDJSON line).
    SkipLine,
    /// Skip to the next line that starts with `{` or `[` (a broken multi-line value).
    Resync,
}

/// The value being cut out: bytes from earlier chunks are in `buffer`, those of the current
/// chunk from `from` on are copied only when the chunk ends or the value does.
#[derive(Debug, Clone, Copy)]
struct Capture {
    line: u64,
    /// Nesting depth outside the value.
    depth: usize,
    container: Container,
    /// Start of the not-yet-buffered bytes in the current chunk.
    from: usize,
    overlong: bool,
}

pub(crate) struct JsonSplitter {
    line: u64,
    /// The next byte is the first of its line.
    column0: bool,
    layout: Layout,
    /// Line where the current top-level value started (for the layout decision).
    top_line: u64,
    frames: Vec<Frame>,
    expect: Expect,
    lex: Lex,
    recovery: Recovery,
    /// How many bytes of a UTF-8 byte order mark have been seen between top-level values
    /// (concatenated files each keep their own).
    bom: usize,
    capture: Option<Capture>,
    buffer: Vec<u8>,
    /// Whether the key being read is in a watched object and may still be an envelope key.
    watching_key: bool,
    /// That key's bytes so far.
    key: Vec<u8>,
    /// The last key read in a watched object was an envelope key, its value not yet begun.
    pending_envelope: Option<EnvelopeKey>,
    /// The first envelope descended into.
    first_envelope: Option<EnvelopeKey>,
}

impl JsonSplitter {
    /// A splitter whose first byte is on line `first_line` (1-based), at the start of that line.
    pub(crate) fn new(first_line: u64) -> Self {
        Self {
            line: first_line,
            column0: true,
            layout: Layout::Undecided,
            top_line: first_line,
            frames: Vec::new(),
            expect: Expect::TopLevel,
            lex: Lex::Between,
            recovery: Recovery::None,
            bom: 0,
            capture: None,
            buffer: Vec::new(),
            watching_key: false,
            key: Vec::with_capacity(MAX_KEY_BYTES),
            pending_envelope: None,
            first_envelope: None,
        }
    }

    pub(crate) fn layout(&self) -> Layout {
        self.layout
    }

    /// The first envelope whose elements were emitted, if any (it names an empty one's kind).
    pub(crate) fn first_envelope(&self) -> Option<EnvelopeKey> {
        self.first_envelope
    }

    /// Line of the next byte.
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    pub(crate) fn push(&mut self, chunk: &[u8], sink: &mut impl ValueSink) {
        if let Some(capture) = &mut self.capture {
            capture.from = 0;
        }
        let mut at = 0;
        while at < chunk.len() {
            at = self.step(chunk, at, sink);
        }
        self.stash(chunk);
    }

    /// Ends the input: a value still open is emitted as truncated.
    pub(crate) fn finish(&mut self, sink: &mut impl ValueSink) {
        if self.lex == Lex::Scalar {
            // A number or literal ends where the input does.
            self.lex = Lex::Between;
            self.value_done(&[], 0, sink);
        }
        if let Some(capture) = self.capture {
            let end = if capture.overlong {
                End::Overlong
            } else {
                End::Truncated {
                    on_last_line: capture.line == self.line,
                }
            };
            self.emit(&[], 0, end, sink);
        }
        self.reset();
    }

    /// Handles the byte at `at` (and possibly a run after it); returns where to go on.
    fn step(&mut self, chunk: &[u8], at: usize, sink: &mut impl ValueSink) -> usize {
        match self.recovery {
            Recovery::SkipLine => {
                return match memchr(b'\n', &chunk[at..]) {
                    Some(offset) => {
                        self.recovery = Recovery::None;
                        self.new_line();
                        at + offset + 1
                    }
                    None => {
                        self.column0 = false;
                        chunk.len()
                    }
                };
            }
            Recovery::Resync => return self.resync(chunk, at),
            Recovery::None => {}
        }
        match self.lex {
            Lex::Str { key, escape } => self.string(chunk, at, key, escape, sink),
            Lex::Scalar => self.scalar(chunk, at, sink),
            Lex::Between => self.between(chunk, at, sink),
        }
    }

    fn resync(&mut self, chunk: &[u8], mut at: usize) -> usize {
        loop {
            if self.column0 && at < chunk.len() && matches!(chunk[at], b'{' | b'[') {
                self.recovery = Recovery::None;
                return at;
            }
            match memchr(b'\n', &chunk[at..]) {
                Some(offset) => {
                    at += offset + 1;
                    self.new_line();
                }
                None => {
                    if at < chunk.len() {
                        self.column0 = false;
                    }
                    return chunk.len();
                }
            }
        }
    }

    fn string(
        &mut self,
        chunk: &[u8],
        at: usize,
        key: bool,
        escape: bool,
        sink: &mut impl ValueSink,
    ) -> usize {
        if escape {
            if chunk[at] == b'\n' {
                return self.broken(chunk, at, sink);
            }
            self.key_bytes(&chunk[at..at + 1]);
            self.lex = Lex::Str { key, escape: false };
            self.column0 = false;
            return at + 1;
        }
        let Some(offset) = memchr3(b'"', b'\\', b'\n', &chunk[at..]) else {
            self.key_bytes(&chunk[at..]);
            self.column0 = false;
            return chunk.len();
        };
        let end = at + offset;
        self.key_bytes(&chunk[at..end]);
        match chunk[end] {
            b'"' => {
                self.column0 = false;
                self.lex = Lex::Between;
                if key {
                    self.expect = Expect::Colon;
                    self.pending_envelope = std::mem::take(&mut self.watching_key)
                        .then(|| EnvelopeKey::from_key(&self.key))
                        .flatten();
                } else {
                    self.value_done(chunk, end + 1, sink);
                }
                end + 1
            }
            b'\\' => {
                self.key_bytes(b"\\");
                self.column0 = false;
                self.lex = Lex::Str { key, escape: true };
                end + 1
            }
            // A raw line end cannot be inside a JSON string: the value was cut short.
            _ => self.broken(chunk, end, sink),
        }
    }

    fn key_bytes(&mut self, bytes: &[u8]) {
        if self.watching_key {
            if self.key.len() + bytes.len() > MAX_KEY_BYTES {
                self.watching_key = false;
            } else {
                self.key.extend_from_slice(bytes);
            }
        }
    }

    fn scalar(&mut self, chunk: &[u8], at: usize, sink: &mut impl ValueSink) -> usize {
        let run = chunk[at..]
            .iter()
            .position(|&byte| !is_scalar_byte(byte))
            .map_or(chunk.len(), |offset| at + offset);
        if run > at {
            self.column0 = false;
            return run;
        }
        // The byte at `at` ends the scalar; it is handled on the next step.
        self.lex = Lex::Between;
        self.value_done(chunk, at, sink);
        at
    }

    fn between(&mut self, chunk: &[u8], at: usize, sink: &mut impl ValueSink) -> usize {
        if self.column0 && self.layout == Layout::Lines && self.expect == Expect::TopLevel {
            if let Some(next) = self.offer_line(chunk, at, sink) {
                return next;
            }
        }
        let byte = chunk[at];
        match byte {
            b'\n' => {
                if self.layout == Layout::Lines && self.expect != Expect::TopLevel {
                    return self.broken(chunk, at, sink);
                }
                self.new_line();
                at + 1
            }
            b' ' | b'\t' | b'\r' => {
                self.column0 = false;
                at + 1
            }
            _ => {
                let next = self.token(chunk, at, sink);
                if next > at {
                    self.column0 = false;
                }
                next
            }
        }
    }

    /// The NDJSON fast path: a line wholly inside this chunk is offered to the reader as is.
    fn offer_line(&mut self, chunk: &[u8], at: usize, sink: &mut impl ValueSink) -> Option<usize> {
        let offset = memchr(b'\n', &chunk[at..])?;
        let line = &chunk[at..at + offset];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let first = line.iter().position(|byte| !byte.is_ascii_whitespace())?;
        // Over-long lines go through the scanner, so the size limit applies whatever the chunking.
        if line[first] != b'{' || line.len() > MAX_VALUE_BYTES {
            return None;
        }
        if !sink.line(line, self.line) {
            return None;
        }
        self.new_line();
        Some(at + offset + 1)
    }

    /// A byte that is neither whitespace nor inside a string or scalar.
    fn token(&mut self, chunk: &[u8], at: usize, sink: &mut impl ValueSink) -> usize {
        let byte = chunk[at];
        match self.expect {
            Expect::TopLevel => self.top_level(chunk, at, sink),
            Expect::Value | Expect::ValueOrClose => {
                if byte == b']' && self.expect == Expect::ValueOrClose {
                    return self.close(chunk, at, false, sink);
                }
                // Formatters put a member's value on its key's line; `{` opening a line there
                // is the next top-level value after one cut short just after its colon.
                let member = self.frames.last().is_some_and(|frame| frame.object);
                if self.column0 && member && matches!(byte, b'{' | b'[') {
                    return self.broken(chunk, at, sink);
                }
                self.begin_value(chunk, at, sink)
            }
            Expect::Key | Expect::KeyOrClose => match byte {
                b'"' => {
                    let watched = self.frames.last().map(|frame| frame.role) == Some(Role::Watched);
                    self.watching_key = watched;
                    self.key.clear();
                    self.lex = Lex::Str {
                        key: true,
                        escape: false,
                    };
                    at + 1
                }
                b'}' if self.expect == Expect::KeyOrClose => self.close(chunk, at, true, sink),
                _ => self.broken(chunk, at, sink),
            },
            Expect::Colon => {
                if byte == b':' {
                    self.expect = Expect::Value;
                    at + 1
                } else {
                    self.broken(chunk, at, sink)
                }
            }
            Expect::CommaOrClose => {
                let object = self.frames.last().is_some_and(|frame| frame.object);
                match byte {
                    b',' => {
                        self.expect = if object { Expect::Key } else { Expect::Value };
                        at + 1
                    }
                    b'}' if object => self.close(chunk, at, true, sink),
                    b']' if !object => self.close(chunk, at, false, sink),
                    _ => self.broken(chunk, at, sink),
                }
            }
        }
    }

    fn top_level(&mut self, chunk: &[u8], at: usize, sink: &mut impl ValueSink) -> usize {
        let byte = chunk[at];
        if self.bom < BOM.len() && byte == BOM[self.bom] {
            self.bom = (self.bom + 1) % BOM.len();
            return at + 1;
        }
        self.bom = 0;
        match byte {
            b',' => at + 1,
            b'{' => {
                self.top_line = self.line;
                self.begin_capture(at, Container::TopLevel);
                self.open(true, Role::Watched, sink, chunk, at)
            }
            b'[' => {
                self.top_line = self.line;
                self.open(false, Role::Elements(Container::Array), sink, chunk, at)
            }
            _ => {
                sink.garbage(
                    self.line,
                    format!(
                        "not JSON: expected an object or an array, found {}",
                        describe(byte)
                    ),
                );
                self.recovery = Recovery::SkipLine;
                at
            }
        }
    }

    fn begin_value(&mut self, chunk: &[u8], at: usize, sink: &mut impl ValueSink) -> usize {
        let byte = chunk[at];
        let parent = self.frames.last().map(|frame| frame.role);
        let envelope = self.pending_envelope.take();
        let element = match parent {
            Some(Role::Elements(container)) => Some(container),
            _ => None,
        };
        match byte {
            b'{' => {
                if let Some(container) = element {
                    self.begin_capture(at, container);
                }
                let role = if element.is_some() {
                    Role::Watched
                } else {
                    Role::Inner
                };
                self.open(true, role, sink, chunk, at)
            }
            b'[' => match envelope {
                Some(key) if parent == Some(Role::Watched) => {
                    // The object is an envelope: its elements are the values, not itself.
                    if self
                        .capture
                        .is_some_and(|capture| capture.depth + 1 == self.frames.len())
                    {
                        self.capture = None;
                        self.buffer.clear();
                    }
                    self.first_envelope.get_or_insert(key);
                    self.open(
                        false,
                        Role::Elements(Container::Envelope(key)),
                        sink,
                        chunk,
                        at,
                    )
                }
                _ => {
                    if let Some(container) = element {
                        self.begin_capture(at, container);
                    }
                    self.open(false, Role::Inner, sink, chunk, at)
                }
            },
            b'"' => {
                if let Some(container) = element {
                    self.begin_capture(at, container);
                }
                self.lex = Lex::Str {
                    key: false,
                    escape: false,
                };
                at + 1
            }
            b'}' | b']' | b':' | b',' => self.broken(chunk, at, sink),
            _ => {
                if let Some(container) = element {
                    self.begin_capture(at, container);
                }
                self.lex = Lex::Scalar;
                at
            }
        }
    }

    fn open(
        &mut self,
        object: bool,
        role: Role,
        sink: &mut impl ValueSink,
        chunk: &[u8],
        at: usize,
    ) -> usize {
        if self.frames.len() >= MAX_DEPTH {
            return self.broken(chunk, at, sink);
        }
        self.frames.push(Frame { object, role });
        self.expect = if object {
            Expect::KeyOrClose
        } else {
            Expect::ValueOrClose
        };
        at + 1
    }

    fn close(&mut self, chunk: &[u8], at: usize, object: bool, sink: &mut impl ValueSink) -> usize {
        debug_assert_eq!(self.frames.last().map(|frame| frame.object), Some(object));
        self.frames.pop();
        self.value_done(chunk, at + 1, sink);
        at + 1
    }

    fn begin_capture(&mut self, at: usize, container: Container) {
        self.buffer.clear();
        self.capture = Some(Capture {
            line: self.line,
            depth: self.frames.len(),
            container,
            from: at,
            overlong: false,
        });
    }

    /// A value just ended, its last byte before `end` in `chunk`.
    fn value_done(&mut self, chunk: &[u8], end: usize, sink: &mut impl ValueSink) {
        if self
            .capture
            .is_some_and(|capture| capture.depth == self.frames.len())
        {
            self.emit(chunk, end, End::Complete, sink);
        }
        if self.frames.is_empty() {
            self.expect = Expect::TopLevel;
            if self.layout == Layout::Undecided {
                self.layout = if self.top_line == self.line {
                    Layout::Lines
                } else {
                    Layout::Multiline
                };
            }
        } else {
            self.expect = Expect::CommaOrClose;
        }
    }

    /// Emits the captured value, whose bytes in this chunk end before `end`.
    fn emit(&mut self, chunk: &[u8], end: usize, end_kind: End, sink: &mut impl ValueSink) {
        let Some(capture) = self.capture.take() else {
            return;
        };
        let tail = &chunk[capture.from.min(end)..end];
        let overlong = capture.overlong || self.buffer.len() + tail.len() > MAX_VALUE_BYTES;
        let (bytes, end_kind): (&[u8], End) = if overlong {
            self.buffer = Vec::new();
            (&[], End::Overlong)
        } else if self.buffer.is_empty() {
            (tail, end_kind)
        } else {
            self.buffer.extend_from_slice(tail);
            (&self.buffer, end_kind)
        };
        sink.value(Value {
            bytes,
            line: capture.line,
            end: end_kind,
            container: capture.container,
        });
        self.buffer.clear();
    }

    /// At the end of a chunk, the open value's bytes move to the buffer.
    fn stash(&mut self, chunk: &[u8]) {
        let Some(capture) = &mut self.capture else {
            return;
        };
        if capture.overlong {
            return;
        }
        let tail = &chunk[capture.from.min(chunk.len())..];
        if self.buffer.len() + tail.len() > MAX_VALUE_BYTES {
            capture.overlong = true;
            self.buffer = Vec::new();
        } else {
            self.buffer.extend_from_slice(tail);
        }
        capture.from = chunk.len();
    }

    /// The byte at `at` cannot continue what is open: the open value (if any) is emitted as
    /// broken, and scanning starts over according to the layout.
    fn broken(&mut self, chunk: &[u8], at: usize, sink: &mut impl ValueSink) -> usize {
        let byte = chunk[at];
        let starts_line = self.column0;
        if self.capture.is_some() {
            let end = if byte == b'\n' { at } else { at + 1 };
            self.emit(chunk, end, End::Broken, sink);
        } else if !self.frames.is_empty() || self.lex != Lex::Between {
            sink.garbage(
                self.line,
                format!("invalid JSON: unexpected {}", describe(byte)),
            );
        }
        self.reset();
        if byte == b'\n' {
            self.new_line();
            if self.layout != Layout::Lines {
                self.recovery = Recovery::Resync;
            }
            return at + 1;
        }
        if self.layout == Layout::Lines {
            self.recovery = Recovery::SkipLine;
            return at + 1;
        }
        if starts_line && matches!(byte, b'{' | b'[') {
            // Most likely the next value of a file whose previous one was cut short.
            return at;
        }
        self.column0 = false;
        self.recovery = Recovery::Resync;
        at + 1
    }

    fn reset(&mut self) {
        self.frames.clear();
        self.expect = Expect::TopLevel;
        self.lex = Lex::Between;
        self.capture = None;
        self.buffer.clear();
        self.watching_key = false;
        self.pending_envelope = None;
    }

    fn new_line(&mut self) {
        self.line += 1;
        self.column0 = true;
    }
}

/// Bytes that continue a number or literal (anything but whitespace and structure: serde
/// names the error if the token is not valid JSON).
fn is_scalar_byte(byte: u8) -> bool {
    !matches!(
        byte,
        b' ' | b'\t' | b'\r' | b'\n' | b',' | b':' | b'{' | b'}' | b'[' | b']' | b'"'
    )
}

fn describe(byte: u8) -> String {
    match byte {
        b'\n' => "a line end".to_string(),
        0x21..=0x7e => format!("`{}`", byte as char),
        _ => format!("byte 0x{byte:02x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Collect {
        fast: bool,
        out: Vec<String>,
    }

    impl ValueSink for Collect {
        fn line(&mut self, bytes: &[u8], line: u64) -> bool {
            if self.fast && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok() {
                self.out
                    .push(format!("{line} {}", String::from_utf8_lossy(bytes).trim()));
                return true;
            }
            false
        }
        fn value(&mut self, value: Value<'_>) {
            let tag = match value.end {
                End::Complete => "",
                End::Broken => " (broken)",
                End::Truncated { .. } => " (truncated)",
                End::Overlong => " (overlong)",
            };
            self.out.push(format!(
                "{} {}{tag}",
                value.line,
                String::from_utf8_lossy(value.bytes)
            ));
        }
        fn garbage(&mut self, line: u64, reason: String) {
            self.out.push(format!("{line} garbage: {reason}"));
        }
    }

    fn split_with(chunks: &[&[u8]], fast: bool) -> Vec<String> {
        let mut splitter = JsonSplitter::new(1);
        let mut sink = Collect {
            fast,
            ..Collect::default()
        };
        for chunk in chunks {
            splitter.push(chunk, &mut sink);
        }
        splitter.finish(&mut sink);
        sink.out
    }

    /// Splits `text` whole, byte by byte and at every cut point, and checks all agree.
    fn split(text: &str) -> Vec<String> {
        let bytes = text.as_bytes();
        let whole = split_with(&[bytes], false);
        for cut in 0..bytes.len() {
            assert_eq!(
                split_with(&[&bytes[..cut], &bytes[cut..]], false),
                whole,
                "cut at {cut}"
            );
        }
        let bytewise: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(split_with(&bytewise, false), whole);
        assert_eq!(split_with(&[bytes], true), whole, "fast path agrees");
        whole
    }

    #[test]
    fn pretty_printed_and_concatenated_objects() {
        let out =
            split("{\n  \"a\": \"x}\\\"{\",\n  \"b\": [1, {\"c\": null}]\n}\n{\"d\":2}{\"e\":3}\n");
        assert_eq!(
            out,
            vec![
                "1 {\n  \"a\": \"x}\\\"{\",\n  \"b\": [1, {\"c\": null}]\n}",
                "5 {\"d\":2}",
                "5 {\"e\":3}",
            ]
        );
    }

    #[test]
    fn arrays_and_envelopes_give_their_elements() {
        let out = split("[{\"a\":1},\n {\"b\":2}, 3]\n{\"kind\":\"EventList\",\"items\":[{\"c\":[]}\n,{\"d\":{}}],\"x\":{\"items\":[9]}}");
        assert_eq!(
            out,
            vec![
                "1 {\"a\":1}",
                "2 {\"b\":2}",
                "2 3",
                "3 {\"c\":[]}",
                "4 {\"d\":{}}",
            ]
        );
        // Nested envelopes are descended too; a non-array envelope key is an ordinary value.
        let out = split("{\"records\":[{\"events\":[{\"m\":1}]}]}\n{\"items\":5}\n");
        assert_eq!(out, vec!["1 {\"m\":1}", "2 {\"items\":5}"]);
    }

    #[test]
    fn a_broken_ndjson_line_does_not_swallow_the_next() {
        let out = split("{\"a\":1}\n{\"b\": {\n{\"c\":\"x\n{\"d\":4}\n{\"e\":\"tail");
        assert_eq!(
            out,
            vec![
                "1 {\"a\":1}",
                "2 {\"b\": { (broken)",
                "3 {\"c\":\"x (broken)",
                "4 {\"d\":4}",
                "5 {\"e\":\"tail (truncated)",
            ]
        );
    }

    #[test]
    fn multiline_values_resynchronise_after_a_broken_one() {
        let out =
            split("{\n \"a\": 1\n}\n{\n \"b\": \"cut\n \"c\": 2\n}\n{\"d\":\n [}\n{\"e\": 5}\n");
        assert_eq!(
            out,
            vec![
                "1 {\n \"a\": 1\n}",
                "4 {\n \"b\": \"cut (broken)",
                "8 {\"d\":\n [} (broken)",
                "10 {\"e\": 5}",
            ]
        );
        // Cut just after a colon: a line opening with `{` there starts the next value.
        let out = split("{\n \"a\": 1\n}\n{\n \"b\":\n{\n \"c\": 2\n}\n");
        assert_eq!(
            out,
            vec![
                "1 {\n \"a\": 1\n}",
                "4 {\n \"b\":\n{ (broken)",
                "6 {\n \"c\": 2\n}"
            ]
        );
    }

    #[test]
    fn garbage_is_reported_once_per_line() {
        let out = split("\u{feff}{\"a\":1}\nnot json {\"x\":1}\n}\n{\"b\":2}\n");
        assert_eq!(
            out,
            vec![
                "1 {\"a\":1}",
                "2 garbage: not JSON: expected an object or an array, found `n`",
                "3 garbage: not JSON: expected an object or an array, found `}`",
                "4 {\"b\":2}",
            ]
        );
    }

    #[test]
    fn layout_follows_the_first_value() {
        let mut splitter = JsonSplitter::new(1);
        splitter.push(b"{\"a\":1}\n{", &mut Collect::default());
        assert_eq!(splitter.layout(), Layout::Lines);
        let mut splitter = JsonSplitter::new(1);
        splitter.push(b"{\n}\n", &mut Collect::default());
        assert_eq!(splitter.layout(), Layout::Multiline);
    }
}
