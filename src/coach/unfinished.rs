//! Whether a text reply of the coach (a chat answer, a hint, approach feedback) is fit to
//! show: not cut by the provider's token limit (Anthropic's `stop_reason: "max_tokens"`,
//! OpenAI's `finish_reason: "length"`) and not caught in a repetition loop, which small
//! and local models fall into. The worker asks again with a firmer instruction (once for
//! Claude, `unfit_retries` times for an OpenAI-compatible server) and then records a
//! failure, so a member never reads half a sentence or the same line forty times.
//!
//! Pure: it judges text and the provider's stop reason, and must never change the text
//! or do I/O. The repetition rule is deliberately narrow (long exact runs only), so a
//! real answer that repeats a word for emphasis, or code with a few equal lines, passes.

/// Why a text reply is not fit to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unfinished {
    /// The provider stopped at the request's `max_tokens`.
    Cut { limit: u32 },
    /// The reply repeats itself (see [`looping`]); the text says what repeated.
    Looping(String),
}

impl Unfinished {
    /// The cause, for the log and the member.
    pub fn describe(&self) -> String {
        match self {
            Unfinished::Cut { limit } => format!("the reply was cut at the {limit}-token limit"),
            Unfinished::Looping(what) => format!("the reply was caught in a loop ({what})"),
        }
    }
}

/// Identical lines in a row that make a loop.
pub const LINE_RUN: usize = 4;
/// Non-blank characters a line needs to count towards a line run (so `}` or `---`
/// repeated in code or Markdown never does).
pub const LINE_MIN_CHARS: usize = 8;
/// The longest block of words checked for back-to-back repeats.
pub const MAX_NGRAM: usize = 16;
/// Back-to-back copies of a block of words that make a loop...
pub const NGRAM_COPIES: usize = 3;
/// ...when together they also cover at least this many words.
pub const NGRAM_MIN_WORDS: usize = 24;

/// Whether the provider's `stop_reason` says the reply hit the token limit.
pub fn hit_limit(stop_reason: Option<&str>) -> bool {
    matches!(stop_reason, Some("max_tokens" | "length"))
}

/// Judge a text reply: `None` when it is fit to show.
pub fn judge(text: &str, stop_reason: Option<&str>, limit: u32) -> Option<Unfinished> {
    if hit_limit(stop_reason) {
        return Some(Unfinished::Cut { limit });
    }
    looping(text).map(Unfinished::Looping)
}

/// The repetition rule. A reply is looping when either
/// - [`LINE_RUN`] or more consecutive lines are identical (trimmed), each with at least
///   [`LINE_MIN_CHARS`] non-blank characters and a letter or digit; or
/// - a block of n words (1 <= n <= [`MAX_NGRAM`]) follows itself back to back at least
///   [`NGRAM_COPIES`] times, the copies covering at least [`NGRAM_MIN_WORDS`] words.
///
/// Returns how it repeated (never the model's text, which goes nowhere), when it is.
pub fn looping(text: &str) -> Option<String> {
    line_run(text).or_else(|| word_run(text))
}

fn line_run(text: &str) -> Option<String> {
    let mut run = 0;
    let mut previous: Option<&str> = None;
    for line in text.lines().map(str::trim) {
        let counts = line.chars().filter(|c| !c.is_whitespace()).count() >= LINE_MIN_CHARS
            && line.chars().any(char::is_alphanumeric);
        run = match previous {
            Some(p) if counts && p == line => run + 1,
            _ if counts => 1,
            _ => 0,
        };
        previous = Some(line);
        if run >= LINE_RUN {
            return Some(format!("the same line {run} times in a row"));
        }
    }
    None
}

fn word_run(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    for n in 1..=MAX_NGRAM.min(words.len() / NGRAM_COPIES) {
        // `matched` counts positions j where words[j] == words[j - n] in a row: a run of
        // m such positions is a block of n words followed by m more words copying it.
        let mut matched = 0;
        for j in n..=words.len() {
            if j < words.len() && words[j] == words[j - n] {
                matched += 1;
                continue;
            }
            // The run ended here (or the text did): judge it whole.
            let covered = matched + n;
            if covered >= NGRAM_MIN_WORDS && covered >= n * NGRAM_COPIES {
                let what = match n {
                    1 => "one word".to_string(),
                    n => format!("a {n}-word phrase"),
                };
                return Some(format!("{what} repeated {} times", covered / n));
            }
            matched = 0;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_stopped_by_max_tokens_or_length_is_cut() {
        assert_eq!(
            judge("Use a hash", Some("max_tokens"), 512),
            Some(Unfinished::Cut { limit: 512 })
        );
        assert_eq!(
            judge("Use a hash", Some("length"), 64),
            Some(Unfinished::Cut { limit: 64 })
        );
    }

    #[test]
    fn a_reply_that_ended_on_its_own_is_fit() {
        for reason in [None, Some("end_turn"), Some("stop"), Some("stop_sequence")] {
            assert_eq!(
                judge("What is the time complexity?", reason, 512),
                None,
                "{reason:?}"
            );
        }
    }

    #[test]
    fn four_identical_lines_in_a_row_are_a_loop() {
        let text = "Think about the edge cases.\n".repeat(4);
        assert_eq!(looping(&text).unwrap(), "the same line 4 times in a row");
    }

    #[test]
    fn three_identical_lines_are_not_a_loop() {
        let text = format!(
            "{}And now the complexity?",
            "Think about the edge cases.\n".repeat(3)
        );
        assert_eq!(looping(&text), None);
    }

    #[test]
    fn short_or_punctuation_lines_never_make_a_line_run() {
        let code =
            "```rust\n    }\n    }\n    }\n    }\n--------\n--------\n--------\n--------\n```";
        assert_eq!(looping(code), None);
    }

    #[test]
    fn a_phrase_repeated_back_to_back_over_24_words_is_a_loop() {
        let text = format!(
            "Good start. {}",
            "you should consider the empty array case ".repeat(4)
        );
        assert_eq!(looping(&text).unwrap(), "a 7-word phrase repeated 4 times");
    }

    #[test]
    fn one_word_repeated_24_times_is_a_loop_but_a_few_times_is_emphasis() {
        assert_eq!(
            looping(&"very ".repeat(24)).unwrap(),
            "one word repeated 24 times"
        );
        assert_eq!(looping("This is very very very good."), None);
        assert_eq!(looping(&"very ".repeat(23)), None);
    }

    #[test]
    fn a_block_repeated_twice_is_not_a_loop_however_long() {
        let block = "walk me through how your loop handles duplicates in the input list and why it stays linear";
        let text = format!("{block} {block}");
        assert_eq!(looping(&text), None);
    }

    #[test]
    fn an_ordinary_answer_is_not_a_loop() {
        let text = "Good. A hash map gives O(1) lookups, so the pass is linear.\n\
                    - What happens with duplicates?\n- What if no pair sums to the target?\n\
                    Walk me through the example [2, 7, 11, 15] with target 9.";
        assert_eq!(judge(text, Some("end_turn"), 512), None);
    }

    #[test]
    fn the_cause_names_the_limit_or_what_repeated() {
        assert_eq!(
            Unfinished::Cut { limit: 300 }.describe(),
            "the reply was cut at the 300-token limit"
        );
        assert!(
            Unfinished::Looping("one word repeated 30 times".into())
                .describe()
                .contains("loop")
        );
    }
}
