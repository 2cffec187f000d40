//! An incremental Server-Sent Events parser: feed it bytes as they arrive, in chunks
//! split anywhere (mid-line, mid-CRLF, mid-UTF-8 character), and take out whole events.
//!
//! It follows the WHATWG `text/event-stream` rules for `event:`, `data:` (multi-line),
//! `id:`, comments and LF/CRLF/CR line ends. [`read_events`] drives it over a response
//! body. It only parses: it must never interpret the data, never hand out an event whose
//! lines have not fully arrived, and never treat a stream that stopped early as complete.

use super::{LlmError, stream_error};

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    /// The `event:` field; `None` means the default type, `message`.
    pub event: Option<String>,
    /// The `data:` lines joined with `\n`.
    pub data: String,
    /// The last `id:` seen, if any.
    pub id: Option<String>,
}

#[derive(Debug, Default)]
pub struct SseParser {
    /// Bytes of the current, unfinished line.
    line: Vec<u8>,
    /// The last line ended in CR, so an LF opening the next chunk belongs to it.
    after_cr: bool,
    /// No line has been completed yet (a UTF-8 BOM may open the stream).
    started: bool,
    event: Option<String>,
    /// Each data line followed by `\n`; empty means no data line yet.
    data: String,
    id: Option<String>,
}

impl SseParser {
    pub fn new() -> SseParser {
        SseParser::default()
    }

    /// Consumes the next chunk and returns the events it completed, in order.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        let mut events = Vec::new();
        let mut rest = chunk;
        while let Some((&first, tail)) = rest.split_first() {
            if std::mem::take(&mut self.after_cr) && first == b'\n' {
                rest = tail;
                continue;
            }
            match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
                Some(end) => {
                    self.line.extend_from_slice(&rest[..end]);
                    self.after_cr = rest[end] == b'\r';
                    rest = &rest[end + 1..];
                    let line = std::mem::take(&mut self.line);
                    events.extend(self.take_line(&line));
                }
                None => {
                    self.line.extend_from_slice(rest);
                    rest = &[];
                }
            }
        }
        events
    }

    /// The end of the stream. An unfinished line is dropped (it may be cut short); an
    /// event whose lines all arrived but that lacks the closing blank line is returned.
    pub fn finish(&mut self) -> Option<SseEvent> {
        self.line.clear();
        self.dispatch()
    }

    fn take_line(&mut self, raw: &[u8]) -> Option<SseEvent> {
        let mut raw = raw;
        if !std::mem::replace(&mut self.started, true) {
            raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
        }
        if raw.is_empty() {
            return self.dispatch();
        }
        let line = String::from_utf8_lossy(raw);
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_ref(), ""),
        };
        match field {
            "event" => self.event = Some(value.to_string()),
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
            }
            "id" if !value.contains('\0') => self.id = Some(value.to_string()),
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<SseEvent> {
        let event = self.event.take();
        if self.data.is_empty() {
            return None;
        }
        let mut data = std::mem::take(&mut self.data);
        data.pop();
        Some(SseEvent {
            event,
            data,
            id: self.id.clone(),
        })
    }
}

/// Feeds a streamed response through the SSE parser. `handle` returns `Ok(true)` at the
/// provider's final event; a stream that ends before it is an error.
pub(crate) async fn read_events(
    response: reqwest::Response,
    mut handle: impl FnMut(SseEvent) -> Result<bool, LlmError>,
) -> Result<(), LlmError> {
    use futures::StreamExt;
    let mut parser = SseParser::new();
    let mut body = response.bytes_stream();
    while let Some(chunk) = body.next().await {
        for event in parser.push(&chunk.map_err(stream_error)?) {
            if handle(event)? {
                return Ok(());
            }
        }
    }
    if let Some(event) = parser.finish()
        && handle(event)?
    {
        return Ok(());
    }
    Err(LlmError::Stream(
        "the stream ended before its final event".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\u{feff}: a comment\r\n\
        event: message_start\r\n\
        data: {\"a\":1}\r\n\
        \r\n\
        event:ping\n\
        data\n\
        \n\
        data: line one\r\
        data:  two spaces kept but one\r\
        \r\
        id: 7\n\
        data: h\u{e9}llo \u{1f980}\n\
        retry: 100\n\
        unknown: field\n\
        \n\
        event: empty\n\
        \n\
        data: [DONE]\n\n";

    fn expected() -> Vec<SseEvent> {
        let event = |event: Option<&str>, data: &str, id: Option<&str>| SseEvent {
            event: event.map(str::to_string),
            data: data.to_string(),
            id: id.map(str::to_string),
        };
        vec![
            event(Some("message_start"), "{\"a\":1}", None),
            event(Some("ping"), "", None),
            event(None, "line one\n two spaces kept but one", None),
            event(None, "h\u{e9}llo \u{1f980}", Some("7")),
            event(None, "[DONE]", Some("7")),
        ]
    }

    fn parse(chunks: &[&[u8]]) -> Vec<SseEvent> {
        let mut parser = SseParser::new();
        let mut events: Vec<SseEvent> = chunks.iter().flat_map(|c| parser.push(c)).collect();
        events.extend(parser.finish());
        events
    }

    #[test]
    fn the_sample_parses_in_one_chunk() {
        assert_eq!(parse(&[SAMPLE.as_bytes()]), expected());
    }

    #[test]
    fn every_single_split_point_gives_the_same_events() {
        let bytes = SAMPLE.as_bytes();
        for at in 0..=bytes.len() {
            let (a, b) = bytes.split_at(at);
            assert_eq!(parse(&[a, b]), expected(), "split at {at}");
        }
    }

    #[test]
    fn every_pair_of_split_points_gives_the_same_events() {
        let bytes = SAMPLE.as_bytes();
        for i in 0..=bytes.len() {
            for j in i..=bytes.len() {
                let chunks = [&bytes[..i], &bytes[i..j], &bytes[j..]];
                assert_eq!(parse(&chunks), expected(), "split at {i} and {j}");
            }
        }
    }

    #[test]
    fn fixed_size_chunkings_give_the_same_events() {
        let bytes = SAMPLE.as_bytes();
        for size in 1..=9 {
            let chunks: Vec<&[u8]> = bytes.chunks(size).collect();
            assert_eq!(parse(&chunks), expected(), "chunks of {size}");
        }
    }

    #[test]
    fn a_cut_line_is_never_dispatched() {
        let mut parser = SseParser::new();
        assert!(parser.push(b"data: {\"type\":\"message_st").is_empty());
        assert_eq!(parser.finish(), None);
    }

    #[test]
    fn complete_lines_without_the_closing_blank_line_are_dispatched_at_the_end() {
        let mut parser = SseParser::new();
        assert!(parser.push(b"data: [DONE]\n").is_empty());
        assert_eq!(parser.finish().map(|e| e.data), Some("[DONE]".to_string()));
    }
}
