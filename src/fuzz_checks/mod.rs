//! The checks behind the `cargo fuzz` targets (`fuzz/fuzz_targets/`, one function per
//! target). Each takes the fuzzer's raw bytes, feeds them to the real entry point (the
//! WebSocket message decoder, the Slack signature check and payload parsers, the
//! Discord submission parser, the store's event decoder, the fence-aware splitter) and
//! asserts what must hold for every input, not only that nothing panics. The corpus
//! replay test (`tests/it/fuzz_corpus.rs`) runs the committed corpus through these same
//! functions, so CI checks it on every run without cargo-fuzz.
//!
//! A broken invariant is a panic here on purpose: that is what the fuzzer reports. The
//! service must never call these functions, and they must never do I/O.

mod discord;
mod events;
mod slack;
mod split;
mod web;

pub use discord::discord_parse;
pub use events::event_decode;
pub use slack::{slack_payload, slack_signature};
pub use split::split_message;
pub use web::ws_protocol;

/// A target's check: panics when its input breaks an invariant.
pub type Check = fn(&[u8]);

/// Every target, by the name of its `cargo fuzz` binary and corpus folder.
pub const TARGETS: [(&str, Check); 6] = [
    ("ws_protocol", ws_protocol),
    ("slack_signature", slack_signature),
    ("slack_payload", slack_payload),
    ("discord_parse", discord_parse),
    ("event_decode", event_decode),
    ("split_message", split_message),
];

/// Splits the first `N` lines off `data` (each as text, invalid UTF-8 replaced; a
/// missing line is empty) and returns them with the bytes after them. Inputs framed
/// this way stay readable in the corpus: header lines first, then a raw body.
fn lines<const N: usize>(data: &[u8]) -> ([String; N], &[u8]) {
    let mut rest = data;
    let head = std::array::from_fn(|_| {
        let end = rest.iter().position(|&b| b == b'\n');
        let (line, after) = match end {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        rest = after;
        String::from_utf8_lossy(line).into_owned()
    });
    (head, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_off_a_header_and_leave_the_body_raw() {
        let (head, body) = lines::<2>(b"a\nb\nbody\nmore");
        assert_eq!(head, ["a".to_string(), "b".to_string()]);
        assert_eq!(body, b"body\nmore");
        let (head, body) = lines::<3>(b"only");
        assert_eq!(head, ["only".to_string(), String::new(), String::new()]);
        assert!(body.is_empty());
    }

    #[test]
    fn every_target_accepts_empty_and_junk_input() {
        for (_, check) in TARGETS {
            check(b"");
            check(b"\xff\xfe\n\n\n\n{");
        }
    }
}
