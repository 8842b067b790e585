//! A native audit event read without serde: the usual value of a log (an NDJSON line, an
//! element of a webhook batch). The scanner reads the few fields a record needs ([`RawEvent`])
//! and steps over the rest, finding where each string ends sixteen bytes at a time (SSE2
//! natively, simd128 in WebAssembly: [`string_stop`]).
//!
//! Why by hand: in WebAssembly serde_json looks for a string's end four bytes at a time, and
//! that was most of the browser's ingest. simd-json (which has a simd128 stage) read these
//! events slower than serde_json even natively, on simulated lines: it parses in place, so each
//! line is first copied, and it indexes every structural character of the event before its serde
//! layer reads a field. This reader needs a dozen of an event's forty-odd fields and only steps
//! over the others (figures: BENCHMARKS.md, "Ingest throughput (SPEC §8)").
//!
//! It only answers when it is sure serde_json would read the same event from the text, and
//! declines everything else, which then takes the serde path and gets its exact outcome or
//! reason: a field it keeps holding an escape, a type other than expected, a repeated field, a
//! number it would have to convert, nesting deeper than [`MAX_DEPTH`], or anything that is not
//! valid JSON (a control byte inside a string among it).

use super::raw_event::{RawEvent, RawObjectRef, RawStatus, RawUser, Text, TextOrNumber};
use super::string_end::string_stop;

/// Deeper than an audit event nests; serde_json gives up at 128.
const MAX_DEPTH: u32 = 64;

/// The event in the text, or `None` where serde_json must decide.
pub(super) fn scan_event(line: &str) -> Option<RawEvent<'_>> {
    let mut cursor = Cursor {
        text: line,
        bytes: line.as_bytes(),
        pos: 0,
    };
    cursor.skip_whitespace();
    let event = cursor.event()?;
    cursor.skip_whitespace();
    (cursor.pos == line.len()).then_some(event)
}

/// A field of the event that the record keeps.
#[derive(Clone, Copy)]
enum Kept {
    Kind,
    ApiVersion,
    Verb,
    AuditId,
    Stage,
    User,
    ObjectRef,
    ResponseStatus,
    RequestReceivedTimestamp,
    Timestamp,
}

impl Kept {
    fn of(key: &[u8]) -> Option<Self> {
        Some(match key {
            b"kind" => Kept::Kind,
            b"apiVersion" => Kept::ApiVersion,
            b"verb" => Kept::Verb,
            b"auditID" => Kept::AuditId,
            b"stage" => Kept::Stage,
            b"user" => Kept::User,
            b"objectRef" => Kept::ObjectRef,
            b"responseStatus" => Kept::ResponseStatus,
            b"requestReceivedTimestamp" => Kept::RequestReceivedTimestamp,
            b"timestamp" => Kept::Timestamp,
            _ => return None,
        })
    }
}

struct Cursor<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.skip_whitespace();
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    fn eat_literal(&mut self, literal: &[u8]) -> Option<()> {
        let end = self.pos + literal.len();
        (self.bytes.get(self.pos..end)? == literal).then(|| self.pos = end)
    }

    /// The native event's fields.
    fn event(&mut self) -> Option<RawEvent<'a>> {
        let mut event = RawEvent::default();
        let mut seen = 0u16;
        self.object(0, |cursor, key| {
            let Some(field) = Kept::of(key) else {
                return cursor.skip_value(1);
            };
            // One bit per kept field, to decline a repeated one as serde's derive refuses it.
            let bit = 1u16 << field as u16;
            if seen & bit != 0 {
                return None;
            }
            seen |= bit;
            match field {
                Kept::Kind => event.kind = cursor.text_field()?,
                Kept::ApiVersion => event.api_version = cursor.text_field()?,
                Kept::Verb => event.verb = cursor.text_field()?,
                Kept::AuditId => event.audit_id = cursor.text_field()?,
                Kept::Stage => event.stage = cursor.text_field()?,
                Kept::User => event.user = cursor.user()?,
                Kept::ObjectRef => event.object_ref = cursor.object_ref()?,
                Kept::ResponseStatus => event.response_status = cursor.status()?,
                Kept::RequestReceivedTimestamp => {
                    event.request_received_timestamp = cursor.text_field()?;
                }
                Kept::Timestamp => event.timestamp = cursor.text_or_integer()?,
            }
            Some(())
        })?;
        Some(event)
    }

    fn user(&mut self) -> Option<Option<RawUser<'a>>> {
        if self.null()? {
            return Some(None);
        }
        let mut username = None;
        let mut seen = false;
        self.object(1, |cursor, key| {
            if key == b"username" {
                if std::mem::replace(&mut seen, true) {
                    return None;
                }
                username = cursor.text_field()?;
                Some(())
            } else {
                cursor.skip_value(2)
            }
        })?;
        Some(Some(RawUser { username }))
    }

    fn object_ref(&mut self) -> Option<Option<RawObjectRef<'a>>> {
        if self.null()? {
            return Some(None);
        }
        let mut object = RawObjectRef::default();
        let mut seen = 0u8;
        self.object(1, |cursor, key| {
            let (bit, field) = match key {
                b"resource" => (1, &mut object.resource),
                b"subresource" => (2, &mut object.subresource),
                b"namespace" => (4, &mut object.namespace),
                _ => return cursor.skip_value(2),
            };
            if seen & bit != 0 {
                return None;
            }
            seen |= bit;
            *field = cursor.text_field()?;
            Some(())
        })?;
        Some(Some(object))
    }

    fn status(&mut self) -> Option<Option<RawStatus>> {
        if self.null()? {
            return Some(None);
        }
        let mut code = None;
        let mut seen = false;
        self.object(1, |cursor, key| {
            if key == b"code" {
                if std::mem::replace(&mut seen, true) {
                    return None;
                }
                code = if cursor.null()? {
                    None
                } else {
                    Some(cursor.integer()?)
                };
                Some(())
            } else {
                cursor.skip_value(2)
            }
        })?;
        Some(Some(RawStatus { code }))
    }

    /// `Some(true)` after a `null`; `Some(false)`, consuming nothing, before anything else.
    fn null(&mut self) -> Option<bool> {
        self.skip_whitespace();
        if self.peek()? == b'n' {
            self.eat_literal(b"null")?;
            Some(true)
        } else {
            Some(false)
        }
    }

    /// A string field: its text if it has no escape, nothing for `null`.
    fn text_field(&mut self) -> Option<Option<Text<'a>>> {
        if self.null()? {
            return Some(None);
        }
        let (text, escaped) = self.string()?;
        (!escaped).then(|| Some(Text::borrowed(text)))
    }

    /// `timestamp`: text in v1beta1 events; a number only in wrappers, which have no verb and
    /// so never reach a record from here.
    fn text_or_integer(&mut self) -> Option<Option<TextOrNumber<'a>>> {
        if self.null()? {
            return Some(None);
        }
        if self.peek()? == b'"' {
            let (text, escaped) = self.string()?;
            return (!escaped).then(|| Some(TextOrNumber::Text(text.into())));
        }
        self.integer()?;
        Some(Some(TextOrNumber::Number))
    }

    /// A non-negative integer that fits an `i64` for certain; serde decides the rest.
    fn integer(&mut self) -> Option<i64> {
        let start = self.pos;
        while self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
            self.pos += 1;
        }
        let digits = &self.bytes[start..self.pos];
        let plain = matches!(digits.len(), 1..=18) && (digits == b"0" || digits[0] != b'0');
        if !plain || matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        Some(
            digits
                .iter()
                .fold(0, |value, digit| value * 10 + i64::from(digit - b'0')),
        )
    }

    /// The members of an object; `field` reads or skips each value.
    fn object(
        &mut self,
        depth: u32,
        mut field: impl FnMut(&mut Self, &'a [u8]) -> Option<()>,
    ) -> Option<()> {
        self.container(b'{', b'}', depth, |cursor| {
            cursor.skip_whitespace();
            let (key, escaped) = cursor.string()?;
            if escaped {
                // It might spell a kept field's name.
                return None;
            }
            cursor.eat(b':')?;
            cursor.skip_whitespace();
            field(cursor, key.as_bytes())
        })
    }

    fn array(&mut self, depth: u32) -> Option<()> {
        self.container(b'[', b']', depth, |cursor| cursor.skip_value(depth + 1))
    }

    /// An object or array: `open`, members read by `member` and separated by commas, `close`.
    fn container(
        &mut self,
        open: u8,
        close: u8,
        depth: u32,
        mut member: impl FnMut(&mut Self) -> Option<()>,
    ) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.eat(open)?;
        self.skip_whitespace();
        if self.peek()? == close {
            self.pos += 1;
            return Some(());
        }
        loop {
            member(self)?;
            self.skip_whitespace();
            match self.peek()? {
                b',' => self.pos += 1,
                byte if byte == close => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn skip_value(&mut self, depth: u32) -> Option<()> {
        self.skip_whitespace();
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' => self.object(depth, |cursor, _| cursor.skip_value(depth + 1)),
            b'[' => self.array(depth),
            b't' => self.eat_literal(b"true"),
            b'f' => self.eat_literal(b"false"),
            b'n' => self.eat_literal(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    /// A number as JSON writes it: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    fn number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek()? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.some_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.some_digits()?;
        }
        Some(())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    fn some_digits(&mut self) -> Option<()> {
        let start = self.pos;
        self.digits();
        (self.pos > start).then_some(())
    }

    /// A string at the cursor: its text between the quotes, as written, and whether it holds
    /// an escape (each checked as serde_json checks one it skips).
    fn string(&mut self) -> Option<(&'a str, bool)> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.pos + 1;
        let mut pos = start;
        let mut escaped = false;
        loop {
            pos += string_stop(&self.bytes[pos..])?;
            if self.bytes[pos] == b'"' {
                self.pos = pos + 1;
                // Both ends sit next to an ASCII quote, so they are character boundaries.
                return Some((&self.text[start..pos], escaped));
            }
            if self.bytes[pos] != b'\\' {
                // A control byte: invalid JSON, which serde should name.
                return None;
            }
            escaped = true;
            pos += match *self.bytes.get(pos + 1)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => 2,
                b'u' => {
                    let hex = self.bytes.get(pos + 2..pos + 6)?;
                    if !hex.iter().all(u8::is_ascii_hexdigit) {
                        return None;
                    }
                    6
                }
                _ => return None,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use proptest::prelude::*;

    use super::*;

    /// What an event decodes to, comparable across the two readers.
    fn outcome(event: RawEvent<'_>) -> String {
        match event.record() {
            Ok(record) => format!("{:?}", record.to_record()),
            Err(skip) => format!("skip: {}", skip.reason),
        }
    }

    fn scanned(line: &str) -> Option<String> {
        scan_event(line).map(outcome)
    }

    /// serde's reading of the same text, when it reads one.
    fn serde_read(line: &str) -> Option<String> {
        serde_json::from_str::<RawEvent<'_>>(line).ok().map(outcome)
    }

    /// The scanner must decline or agree with serde: never answer where serde fails, never
    /// answer differently.
    fn assert_agrees(line: &str) {
        if let Some(answer) = scanned(line) {
            assert_eq!(Some(answer), serde_read(line), "{line}");
        }
    }

    /// A file of the repository, by its path from the repository's root.
    fn in_repo(path: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(path)
    }

    /// Lines of the bundled real logs (origins and licences in `sample_logs/README.md` and
    /// `tests/fixtures/README.md`): the audit2rbac demo log as written, and each falco and AKS
    /// event both as written (pretty) and compacted.
    fn real_lines() -> &'static [String] {
        static LINES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        LINES.get_or_init(read_real_lines)
    }

    fn read_real_lines() -> Vec<String> {
        let audit2rbac =
            std::fs::read_to_string(in_repo("sample_logs/demo.v1beta1.log")).expect("bundled log");
        let mut lines: Vec<String> = audit2rbac.lines().map(str::to_string).collect();
        for dir in ["falco", "aks"] {
            let mut paths: Vec<_> = std::fs::read_dir(in_repo(&format!("tests/fixtures/{dir}")))
                .expect("bundled fixtures")
                .map(|entry| entry.expect("readable").path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
                .collect();
            paths.sort();
            for path in paths {
                let text = std::fs::read_to_string(&path).expect("readable");
                if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) {
                    lines.push(value.to_string());
                }
                lines.push(text);
            }
        }
        lines
    }

    #[test]
    fn answers_for_real_events_as_serde_does() {
        let lines = real_lines();
        let answered = lines.iter().filter(|line| scanned(line).is_some()).count();
        for line in lines {
            assert_agrees(line);
        }
        // The audit2rbac log is plain NDJSON: the scanner must not leave it to serde.
        assert!(
            answered * 10 >= lines.len() * 9,
            "{answered} of {}",
            lines.len()
        );
    }

    #[test]
    fn answers_for_every_simulated_event_as_serde_does() {
        use perfspec_simulate::{simulate, SimulationConfig, SimulationLimit};
        let mut bytes = Vec::new();
        let config = SimulationConfig {
            seed: 3,
            limit: SimulationLimit::Events(3_000),
        };
        simulate(&config, &mut bytes).expect("writing to memory");
        let text = String::from_utf8(bytes).expect("UTF-8");
        for line in text.lines() {
            assert_eq!(scanned(line), serde_read(line), "{line}");
        }
    }

    /// Edits that break or bend JSON where the scanner looks: quotes, escapes, brackets,
    /// separators, digits, literals, whitespace and control bytes.
    fn edit() -> impl Strategy<Value = (usize, usize, &'static str)> {
        let fragments = prop::sample::select(vec![
            "",
            "\"",
            "\\",
            "\\u00",
            "\\u0041",
            "\\n",
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "0",
            "-",
            "1e5",
            "01",
            ".",
            "null",
            "true",
            "nul",
            " ",
            "\t",
            "\u{1}",
            "é",
            "\"verb\":\"x\",",
            "\"user\":null,",
            "\"verb\":",
            "\"code\":",
        ]);
        (any::<usize>(), 0..4usize, fragments)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn edited_real_events_are_declined_or_read_as_serde_reads_them(
            pick in any::<usize>(),
            edits in prop::collection::vec(edit(), 1..4),
        ) {
            let lines = real_lines();
                let mut line = lines[pick % lines.len()].clone();
            for (at, cut, fragment) in edits {
                let mut start = at % (line.len() + 1);
                while !line.is_char_boundary(start) {
                    start -= 1;
                }
                let mut end = (start + cut).min(line.len());
                while !line.is_char_boundary(end) {
                    end += 1;
                }
                line.replace_range(start..end, fragment);
            }
            assert_agrees(&line);
        }
    }

    #[test]
    fn reads_a_compact_event() {
        let line = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a-1","stage":"ResponseComplete","requestURI":"/api/v1/pods?limit=500\u0026x=1","verb":"list","user":{"username":"alice","groups":["a","b"]},"sourceIPs":["::1"],"objectRef":{"resource":"pods","namespace":"ns","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2023-01-27T18:28:08.129781Z","annotations":{"k":""},"n":-1.5e+3,"t":true,"f":false,"z":null}"#;
        let event = scan_event(line).expect("scanned");
        assert_eq!(event.verb.as_deref(), Some("list"));
        assert_eq!(
            event.user.and_then(|user| user.username).as_deref(),
            Some("alice")
        );
        let object = event.object_ref.expect("objectRef");
        assert_eq!(object.resource.as_deref(), Some("pods"));
        assert_eq!(object.namespace.as_deref(), Some("ns"));
        assert!(object.subresource.is_none());
        assert_eq!(
            event.response_status.and_then(|status| status.code),
            Some(200)
        );
    }

    #[test]
    fn declines_what_serde_must_decide() {
        for line in [
            // An escape in a kept field, or in a key.
            r#"{"verb":"g\u0065t"}"#,
            r#"{"ver\u0062":"get"}"#,
            // Repeated kept fields, at the top and inside.
            r#"{"verb":"get","verb":"list"}"#,
            r#"{"verb":"get","objectRef":{"resource":"a","resource":"b"}}"#,
            // Types other than expected.
            r#"{"verb":5}"#,
            r#"{"verb":"get","user":"alice"}"#,
            r#"{"verb":"get","responseStatus":{"code":2.5}}"#,
            r#"{"verb":"get","responseStatus":{"code":-1}}"#,
            // Not valid JSON.
            r#"{"verb":"get","x":01}"#,
            r#"{"verb":"get","x":[1,]}"#,
            r#"{"verb":"get",}"#,
            r#"{"verb":"get","x":"\q"}"#,
            r#"{"verb":"get","x":"\u12"}"#,
            r#"{"verb":"get"} x"#,
            r#"{"verb":"get""#,
            "{\"verb\":\"get\",\"x\":\"a\tb\"}",
            r#"["get"]"#,
        ] {
            assert!(scan_event(line).is_none(), "{line}");
        }
    }

    #[test]
    fn agrees_with_serde_where_it_answers() {
        for line in [
            r#"{"verb":"get"}"#,
            " \t{\"verb\":\t\"get\"}\r\n ",
            r#"{"verb":"","objectRef":null,"user":null,"responseStatus":{"code":null}}"#,
            r#"{"kind":"Pod","verb":"get"}"#,
            r#"{"apiVersion":"v1","verb":"get"}"#,
            r#"{"verb":"get","timestamp":"2020-01-01T00:00:00Z","responseStatus":{"code":99999}}"#,
            r#"{"verb":"get","user":{"username":""},"x":{"y":[{"z":[]}]}}"#,
        ] {
            let serde = super::super::audit_json::parse_event(line)
                .map(|record| format!("{record:?}"))
                .unwrap_or_else(|skip| format!("skip: {}", skip.reason));
            assert_eq!(scanned(line).as_deref(), Some(serde.as_str()), "{line}");
        }
    }
}
