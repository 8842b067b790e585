//! Cuts a stream of byte chunks into lines, whatever the chunk boundaries.
//!
//! Hand-written because the ingest is push-based (the browser hands over `File` slices as they
//! arrive), which `BufRead::lines` cannot serve; `memchr` does the scanning.

/// Lines longer than this are dropped (as one skipped record) rather than buffered without end.
pub(crate) const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

pub(crate) struct Line<'a> {
    /// Without the line end (`\n` or `\r\n`), and without a UTF-8 BOM on the first line.
    pub bytes: &'a [u8],
    /// 1-based.
    pub number: u64,
    /// False for a last line that had no line end: it may have been cut short.
    pub terminated: bool,
    /// The line was longer than [`MAX_LINE_BYTES`]: its bytes were dropped.
    pub overlong: bool,
}

#[derive(Default)]
pub(crate) struct LineSplitter {
    pending: Vec<u8>,
    next_number: u64,
    overlong: bool,
}

impl LineSplitter {
    /// A splitter whose first line is number `first_line` (1-based) of the file.
    pub(crate) fn starting_at(first_line: u64) -> Self {
        Self {
            next_number: first_line.saturating_sub(1),
            ..Self::default()
        }
    }

    pub(crate) fn push(&mut self, mut chunk: &[u8], mut on_line: impl FnMut(Line<'_>)) {
        while let Some(end) = memchr::memchr(b'\n', chunk) {
            let (head, rest) = (&chunk[..end], &chunk[end + 1..]);
            // Whole in this chunk: no copy (the length limit still applies, whatever the chunking).
            if self.pending.is_empty() && !self.overlong && head.len() <= MAX_LINE_BYTES {
                self.emit(head, true, &mut on_line);
            } else {
                self.append(head);
                let pending = std::mem::take(&mut self.pending);
                self.emit(&pending, true, &mut on_line);
                self.pending = pending;
                self.pending.clear();
            }
            chunk = rest;
        }
        self.append(chunk);
    }

    /// Number of the line the next byte belongs to.
    pub(crate) fn line(&self) -> u64 {
        self.next_number + 1
    }

    pub(crate) fn finish(&mut self, mut on_line: impl FnMut(Line<'_>)) {
        if !self.pending.is_empty() || self.overlong {
            let pending = std::mem::take(&mut self.pending);
            self.emit(&pending, false, &mut on_line);
        }
    }

    fn append(&mut self, bytes: &[u8]) {
        if self.overlong {
            return;
        }
        if self.pending.len() + bytes.len() > MAX_LINE_BYTES {
            self.overlong = true;
            self.pending = Vec::new();
        } else {
            self.pending.extend_from_slice(bytes);
        }
    }

    fn emit(&mut self, mut bytes: &[u8], terminated: bool, on_line: &mut impl FnMut(Line<'_>)) {
        self.next_number += 1;
        if self.overlong {
            self.overlong = false;
            on_line(Line {
                bytes: &[],
                number: self.next_number,
                terminated,
                overlong: true,
            });
            return;
        }
        if self.next_number == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        if let Some(stripped) = bytes.strip_suffix(b"\r") {
            bytes = stripped;
        }
        on_line(Line {
            bytes,
            number: self.next_number,
            terminated,
            overlong: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(chunks: &[&[u8]]) -> Vec<(String, u64, bool)> {
        let mut splitter = LineSplitter::default();
        let mut lines = Vec::new();
        let mut collect = |line: Line<'_>| {
            lines.push((
                String::from_utf8_lossy(line.bytes).into_owned(),
                line.number,
                line.terminated,
            ))
        };
        for chunk in chunks {
            splitter.push(chunk, &mut collect);
        }
        splitter.finish(&mut collect);
        lines
    }

    #[test]
    fn lines_survive_any_chunking() {
        let text = b"\xEF\xBB\xBFalpha\r\nbeta\n\ngamma";
        let whole = split(&[text]);
        assert_eq!(
            whole,
            vec![
                ("alpha".into(), 1, true),
                ("beta".into(), 2, true),
                ("".into(), 3, true),
                ("gamma".into(), 4, false),
            ]
        );
        for cut in 0..text.len() {
            assert_eq!(split(&[&text[..cut], &text[cut..]]), whole, "cut at {cut}");
        }
        let bytewise: Vec<&[u8]> = text.chunks(1).collect();
        assert_eq!(split(&bytewise), whole);
    }
}
