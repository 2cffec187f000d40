//! A `run` reply in an interview's thread: `run` followed by one fenced code block (run
//! that code), `run` alone (the last code submitted), and `input: <json>` after `run`
//! for the candidate's own input (`run input: {"n": 3}` then, optionally, the code;
//! typographic quotes a client's autocorrect put in are read as `"`).
//!
//! Pure parsing of the reply's text: it never decides whether the run may happen (the
//! domain does, through the runner) and never treats chat as a run: anything after
//! `run` that is neither `input:` nor a code block makes the reply ordinary chat.

use crate::platforms::text::{CodeBlock, parse_code_block};

/// What a `run` reply asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunReply {
    /// The code to run; `None`: the last code submitted.
    pub code: Option<CodeBlock>,
    /// The candidate's own input, as written after `input:`.
    pub input: Option<String>,
}

/// The run a reply asks for, or `None` when the reply is not a `run` command.
pub fn parse(text: &str) -> Option<RunReply> {
    let text = text.trim();
    let word = text.get(..3)?;
    if !word.eq_ignore_ascii_case("run") {
        return None;
    }
    let rest = &text[3..];
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace) || rest.starts_with("```")) {
        return None;
    }
    let rest = rest.trim_start();
    let (input, rest) = match strip_prefix_ignore_case(rest, "input:") {
        Some(after) => {
            let (input, code) = match after.find("```") {
                Some(fence) => (&after[..fence], &after[fence..]),
                None => (after, ""),
            };
            (Some(plain_quotes(unquote(input.trim()))), code)
        }
        None => (None, rest),
    };
    let code = match rest.trim() {
        "" => None,
        block => Some(parse_code_block(block)?),
    };
    Some(RunReply { code, input })
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// Typographic quotes (a client's autocorrect) as the JSON quotes they stand for.
fn plain_quotes(input: &str) -> String {
    input.replace(['\u{201c}', '\u{201d}'], "\"")
}

/// The input without the inline-code backticks Slack users put around it.
fn unquote(input: &str) -> &str {
    input
        .strip_prefix('`')
        .and_then(|i| i.strip_suffix('`'))
        .unwrap_or(input)
        .trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_alone_runs_the_last_code() {
        assert_eq!(
            parse("  Run "),
            Some(RunReply {
                code: None,
                input: None
            })
        );
    }

    #[test]
    fn run_with_a_code_block_runs_that_code_in_its_language() {
        let r = parse("run\n```python\nprint(1)\n```").expect("a run");
        let code = r.code.expect("code");
        assert_eq!(code.language.as_deref(), Some("python"));
        assert_eq!(code.code, "print(1)");
        assert_eq!(r.input, None);
        assert!(parse("run```py\nx = 1\n```").is_some_and(|r| r.code.is_some()));
    }

    #[test]
    fn run_input_takes_the_json_up_to_the_code_block() {
        let r = parse("run input: {\"nums\": [1, 2], \"target\": 3}\n```python\nx = 1\n```")
            .expect("a run");
        assert_eq!(
            r.input.as_deref(),
            Some("{\"nums\": [1, 2], \"target\": 3}")
        );
        assert_eq!(r.code.map(|c| c.code).as_deref(), Some("x = 1"));
        let r = parse("run INPUT: `{\"n\": 3}`").expect("a run");
        assert_eq!(r.input.as_deref(), Some("{\"n\": 3}"));
        let r = parse("run input: {\u{201c}n\u{201d}: 3}").expect("a run");
        assert_eq!(
            r.input.as_deref(),
            Some("{\"n\": 3}"),
            "autocorrected quotes"
        );
        assert_eq!(r.code, None);
    }

    #[test]
    fn chat_that_starts_with_run_is_not_a_run() {
        assert_eq!(parse("running time is O(n)"), None);
        assert_eq!(parse("run it again please"), None);
        assert_eq!(parse("run ```python\nx\n``` and tell me"), None);
        assert_eq!(parse("```python\nrun\n```"), None);
        assert_eq!(parse("ru"), None);
        assert_eq!(parse("rün"), None);
    }
}
