//! Turning what a Discord member typed into values the engine understands: the problem
//! chosen in `/interview start`, the code of a submission (modal, attachment or fenced
//! message) and its language, and the thread's name.
//!
//! Pure functions, tested without Discord: no I/O and no serenity types here.

use crate::domain::{Difficulty, MAX_CODE_BYTES, Problem};
use crate::platforms::text::{language_from_filename, parse_code_block};
use crate::problems::{BankProblem, ProblemBank, Selection};
use std::collections::HashSet;

/// Longest thread name Discord accepts.
pub const MAX_THREAD_NAME: usize = 100;

/// Largest code attachment read, in bytes: the one code size limit, the domain's
/// (64 KiB = 65,536 bytes), so a file the check lets through is never refused later.
pub const MAX_ATTACHMENT_BYTES: u32 = MAX_CODE_BYTES as u32;

/// Language recorded when neither the member, the fence, the file nor the interview
/// names one.
pub const UNKNOWN_LANGUAGE: &str = "text";

/// The problem of a new interview and the statement to post in its thread.
#[derive(Debug, Clone, PartialEq)]
pub struct ChosenProblem {
    pub problem: Problem,
    pub statement: String,
    /// Length of the bank problem's hint ladder, for `RequestHint::max_hints`.
    pub hints: Option<u32>,
}

/// Resolves the `problem` option of `/interview start`: a bank id (what autocomplete
/// sends), a bank title, or else the member's own problem text. With no option, the
/// `roll`-th bank problem of the requested difficulty (callers pass a random number),
/// among those not in `done` while any is left.
pub fn choose_problem(
    bank: &ProblemBank,
    input: Option<&str>,
    difficulty: Option<Difficulty>,
    done: &HashSet<String>,
    roll: usize,
) -> Option<ChosenProblem> {
    let input = input.map(str::trim).filter(|s| !s.is_empty());
    let Some(input) = input else {
        let selection = Selection {
            difficulty: difficulty.map(|d| d.as_str().to_string()),
            topic: None,
        };
        return bank.select(&selection, done, |n| roll % n).map(from_bank);
    };
    let by_title = || bank.all().find(|p| p.title.eq_ignore_ascii_case(input));
    if let Some(p) = bank.get(input).or_else(by_title) {
        return Some(from_bank(p));
    }
    Some(ChosenProblem {
        problem: Problem::custom(input),
        statement: input.to_string(),
        hints: None,
    })
}

fn from_bank(p: &BankProblem) -> ChosenProblem {
    ChosenProblem {
        problem: Problem::Bank {
            id: p.id.clone(),
            version: p.version,
            title: p.title.clone(),
        },
        statement: p.full_statement(),
        hints: Some(p.hints.len() as u32),
    }
}

/// Autocomplete choices for the `problem` option: (label, value = bank id), at most 25.
pub fn problem_choices(bank: &ProblemBank, partial: &str) -> Vec<(String, String)> {
    bank.search(partial)
        .into_iter()
        .take(25)
        .map(|p| {
            let label = format!("{} ({})", p.title, p.difficulty);
            (truncate_chars(&label, 100), p.id.clone())
        })
        .collect()
}

/// The thread of an interview: "{problem} · {candidate}", within Discord's limit.
pub fn thread_name(problem_title: &str, candidate: &str) -> String {
    let candidate = truncate_chars(candidate.trim(), 32);
    let room = MAX_THREAD_NAME - candidate.chars().count() - 3;
    format!(
        "{} · {}",
        truncate_chars(problem_title.trim(), room),
        candidate
    )
}

/// Code and language of one submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub language: String,
    pub code: String,
}

/// Why an attachment is not a submission; the text is shown to the member.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    #[error("that file is too large ({got} bytes; the limit is {max} bytes)")]
    TooLarge { got: u32, max: u32 },
    #[error("that file is not text (UTF-8); attach a source file")]
    NotText,
}

/// The language of a submission: the member's explicit choice, else what the code
/// itself says (fence tag or file name), else the interview's language.
pub fn pick_language(
    explicit: Option<&str>,
    detected: Option<&str>,
    interview: Option<&str>,
) -> String {
    [explicit, detected, interview]
        .into_iter()
        .flatten()
        .map(normalise_language)
        .find(|l| !l.is_empty())
        .unwrap_or_else(|| UNKNOWN_LANGUAGE.to_string())
}

/// A language name or fence tag in the coach's vocabulary: `py` → `python`, `C++` → `cpp`.
pub fn normalise_language(tag: &str) -> String {
    let tag = tag.trim().to_ascii_lowercase();
    let alias = match tag.as_str() {
        "c++" => Some("cpp"),
        "c#" => Some("csharp"),
        "golang" => Some("go"),
        "shell" | "zsh" => Some("bash"),
        "python3" | "py3" => Some("python"),
        _ => language_from_filename(&format!("file.{tag}")),
    };
    alias.map_or(tag, str::to_string)
}

/// A message in the thread that is a submission: its body is one fenced code block.
pub fn submission_from_message(text: &str, interview_language: Option<&str>) -> Option<Submission> {
    let block = parse_code_block(text)?;
    Some(Submission {
        language: pick_language(None, block.language.as_deref(), interview_language),
        code: block.code,
    })
}

/// Why a message that looks like a fenced code block is not taken as a submission,
/// when that is the reason: the code itself holds a line of three backticks, which
/// closes Discord's block early. `None` for a real block and for plain chat.
pub fn fence_note(text: &str) -> Option<&'static str> {
    let t = text.trim();
    let looks_fenced = t.starts_with("```") && t.ends_with("```") && t.len() > 6;
    (looks_fenced && parse_code_block(t).is_none()).then_some(
        "I took this as chat, not as a submission: the code holds a line of three backticks (```), which ends a Discord code block early. Submit it with `/submit` (the editor, or `file:` for a source file) instead.",
    )
}

/// The modal's paragraph: code as typed, or a fenced block pasted whole.
pub fn submission_from_modal(
    text: &str,
    explicit_language: Option<&str>,
    interview_language: Option<&str>,
) -> Submission {
    match parse_code_block(text) {
        Some(block) => Submission {
            language: pick_language(
                explicit_language,
                block.language.as_deref(),
                interview_language,
            ),
            code: block.code,
        },
        None => Submission {
            language: pick_language(explicit_language, None, interview_language),
            code: text.to_string(),
        },
    }
}

/// Checks an attachment's declared size before downloading it.
pub fn check_attachment_size(size: u32) -> Result<(), AttachmentError> {
    if size > MAX_ATTACHMENT_BYTES {
        return Err(AttachmentError::TooLarge {
            got: size,
            max: MAX_ATTACHMENT_BYTES,
        });
    }
    Ok(())
}

/// A downloaded attachment as a submission.
pub fn submission_from_attachment(
    filename: &str,
    bytes: &[u8],
    explicit_language: Option<&str>,
    interview_language: Option<&str>,
) -> Result<Submission, AttachmentError> {
    check_attachment_size(u32::try_from(bytes.len()).unwrap_or(u32::MAX))?;
    let text = std::str::from_utf8(bytes).map_err(|_| AttachmentError::NotText)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(Submission {
        language: pick_language(
            explicit_language,
            language_from_filename(filename),
            interview_language,
        ),
        code: text.to_string(),
    })
}

/// The first `max` characters of `s`, with an ellipsis when cut.
pub fn truncate_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bank() -> ProblemBank {
        ProblemBank::load_default().expect("the bundled problem bank loads")
    }

    #[test]
    fn an_autocompleted_id_picks_the_bank_problem() {
        let bank = bank();
        let first = bank.all().next().unwrap();
        let chosen = choose_problem(&bank, Some(&first.id), None, &HashSet::new(), 0).unwrap();
        assert!(matches!(chosen.problem, Problem::Bank { ref id, .. } if *id == first.id));
        assert_eq!(chosen.hints, Some(first.hints.len() as u32));
        assert!(chosen.statement.contains(&first.title));
    }

    #[test]
    fn a_typed_title_picks_the_bank_problem_ignoring_case() {
        let bank = bank();
        let first = bank.all().next().unwrap();
        let chosen = choose_problem(
            &bank,
            Some(&first.title.to_uppercase()),
            None,
            &HashSet::new(),
            0,
        )
        .unwrap();
        assert_eq!(chosen.problem.title(), first.title);
    }

    #[test]
    fn free_text_is_a_custom_problem() {
        let chosen = choose_problem(
            &bank(),
            Some("Reverse a linked list in place"),
            None,
            &HashSet::new(),
            0,
        )
        .unwrap();
        assert!(matches!(chosen.problem, Problem::Custom { .. }));
        assert_eq!(chosen.statement, "Reverse a linked list in place");
        assert_eq!(chosen.hints, None);
    }

    #[test]
    fn no_problem_picks_one_of_the_requested_difficulty() {
        let bank = bank();
        for roll in 0..5 {
            let chosen =
                choose_problem(&bank, None, Some(Difficulty::Easy), &HashSet::new(), roll).unwrap();
            let Problem::Bank { id, .. } = chosen.problem else {
                panic!("a bank problem")
            };
            assert_eq!(bank.get(&id).unwrap().difficulty, "easy");
        }
    }

    #[test]
    fn a_random_problem_avoids_those_already_done() {
        let bank = bank();
        let easy: Vec<&BankProblem> = bank.all().filter(|p| p.difficulty == "easy").collect();
        let left = easy[0].id.clone();
        let done: HashSet<String> = easy.iter().skip(1).map(|p| p.id.clone()).collect();
        for roll in 0..20 {
            let chosen = choose_problem(&bank, None, Some(Difficulty::Easy), &done, roll).unwrap();
            assert!(matches!(chosen.problem, Problem::Bank { ref id, .. } if *id == left));
        }
    }

    #[test]
    fn autocomplete_offers_at_most_25_ids() {
        let choices = problem_choices(&bank(), "");
        assert!(!choices.is_empty() && choices.len() <= 25);
        assert!(
            choices
                .iter()
                .all(|(label, _)| label.chars().count() <= 100)
        );
    }

    #[test]
    fn thread_names_fit_discord() {
        assert_eq!(
            thread_name("Merge Intervals", "Maya"),
            "Merge Intervals · Maya"
        );
        let long = thread_name(&"x".repeat(300), &"y".repeat(300));
        assert!(
            long.chars().count() <= MAX_THREAD_NAME,
            "{}",
            long.chars().count()
        );
    }

    #[test]
    fn a_fenced_message_is_a_submission_in_the_fence_language() {
        let s = submission_from_message("```python\nprint(1)\n```", Some("rust")).unwrap();
        assert_eq!(s.language, "python");
        assert_eq!(s.code, "print(1)");
        let s = submission_from_message("```\nfn main() {}\n```", Some("Rust")).unwrap();
        assert_eq!(s.language, "rust");
        assert_eq!(submission_from_message("I'd use a heap", None), None);
    }

    #[test]
    fn fence_tags_and_aliases_become_language_names() {
        assert_eq!(normalise_language("py"), "python");
        assert_eq!(normalise_language("C++"), "cpp");
        assert_eq!(normalise_language("golang"), "go");
        assert_eq!(normalise_language("Python"), "python");
        assert_eq!(normalise_language("zig"), "zig");
    }

    #[test]
    fn modal_text_may_be_plain_or_fenced() {
        let plain = submission_from_modal("x = 1", None, Some("python"));
        assert_eq!(
            (plain.language.as_str(), plain.code.as_str()),
            ("python", "x = 1")
        );
        let fenced = submission_from_modal("```go\nfunc f() {}\n```", None, None);
        assert_eq!(fenced.language, "go");
        assert_eq!(fenced.code, "func f() {}");
        let explicit = submission_from_modal("```go\nx\n```", Some("Java"), None);
        assert_eq!(explicit.language, "java");
        assert_eq!(
            submission_from_modal("x", None, None).language,
            UNKNOWN_LANGUAGE
        );
    }

    #[test]
    fn attachments_take_their_language_from_the_file_name() {
        let s = submission_from_attachment("sol.py", b"def f(): pass\n", None, Some("go")).unwrap();
        assert_eq!(s.language, "python");
        let s = submission_from_attachment("sol.py", b"x", Some("cpp"), None).unwrap();
        assert_eq!(s.language, "cpp");
        let s = submission_from_attachment("notes", b"x", None, Some("go")).unwrap();
        assert_eq!(s.language, "go");
    }

    #[test]
    fn binary_or_huge_attachments_are_refused() {
        assert_eq!(
            submission_from_attachment("a.py", &[0xff, 0xfe, 0x00], None, None),
            Err(AttachmentError::NotText)
        );
        assert!(matches!(
            check_attachment_size(MAX_ATTACHMENT_BYTES + 1),
            Err(AttachmentError::TooLarge { .. })
        ));
    }

    #[test]
    fn code_holding_a_fence_line_is_chat_with_a_note_and_a_real_block_is_not() {
        let nested = "```python\nmd = \"\"\"\n```\n\"\"\"\nprint(md)\n```";
        assert!(submission_from_message(nested, None).is_none());
        assert!(fence_note(nested).is_some_and(|n| n.contains("/submit")));
        assert_eq!(fence_note("```python\nprint(1)\n```"), None);
        assert_eq!(fence_note("just chat"), None);
    }

    #[test]
    fn the_attachment_limit_is_the_domains_code_limit() {
        assert_eq!(MAX_ATTACHMENT_BYTES, 65_536);
        assert_eq!(check_attachment_size(65_536), Ok(()));
    }
}
