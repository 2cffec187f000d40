//! Chat-text utilities shared by the chat adapters (Discord, Slack): splitting long
//! replies without breaking a ``` code fence, recognising a message that is one fenced
//! code block (a submission), and guessing a language from an attachment's file name.
//!
//! Pure string functions: this module must never do I/O or know about a platform API.

/// The smallest `max_chars` [`split_message`] accepts: room for a reopened fence, its
/// closing line and a few characters of content.
pub const MIN_CHUNK_CHARS: usize = 16;

/// Longest fence tag carried over when a fence is reopened in the next chunk.
const MAX_TAG_CHARS: usize = 24;

/// Characters reserved for closing a fence at a chunk's end: `"\n```"`.
const CLOSE_RESERVE: usize = 4;

/// A message body that is a single fenced code block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock {
    /// The fence tag (```` ```rust ````), lower-cased; `None` when the fence has none.
    pub language: Option<String>,
    /// The code between the fences, without the final newline.
    pub code: String,
}

/// Splits `text` into chunks of at most `max_chars` characters (Unicode scalar values),
/// preferring line boundaries. A chunk that ends inside a ``` fence is closed with a
/// ```` ``` ```` line and the next chunk reopens it with the same language tag, so every
/// chunk renders on its own. Blank chunks are dropped.
///
/// # Panics
/// When `max_chars` is below [`MIN_CHUNK_CHARS`].
pub fn split_message(text: &str, max_chars: usize) -> Vec<String> {
    split_parts(text, max_chars)
        .into_iter()
        .map(|part| part.render())
        .filter(|chunk| !chunk.trim().is_empty())
        .collect()
}

/// Recognises a message whose body (surrounding whitespace aside) is one fenced code
/// block, e.g. ```` ```python\nprint(1)\n``` ````. Returns `None` for anything else,
/// including an empty block and text around the block.
pub fn parse_code_block(text: &str) -> Option<CodeBlock> {
    let inner = text.trim().strip_prefix("```")?.strip_suffix("```")?;
    if inner.contains("```") {
        return None;
    }
    let (language, code) = match inner.split_once('\n') {
        Some((first, rest)) if is_tag(first.trim()) => {
            (Some(first.trim().to_ascii_lowercase()), rest)
        }
        Some((first, rest)) if first.trim().is_empty() => (None, rest),
        _ => (None, inner),
    };
    let code = code.strip_suffix('\n').unwrap_or(code);
    let code = code.strip_suffix('\r').unwrap_or(code);
    if code.trim().is_empty() {
        return None;
    }
    Some(CodeBlock {
        language,
        code: code.to_string(),
    })
}

/// The language of a source file, from its extension (`"two_sum.py"` → `"python"`).
pub fn language_from_filename(name: &str) -> Option<&'static str> {
    let (_, ext) = name.rsplit_once('.')?;
    let language = match ext.to_ascii_lowercase().as_str() {
        "py" => "python",
        "rs" => "rust",
        "js" | "mjs" | "cjs" => "javascript",
        "ts" => "typescript",
        "java" => "java",
        "c" | "h" => "c",
        "cpp" | "cc" | "cxx" | "hpp" | "hh" => "cpp",
        "cs" => "csharp",
        "go" => "go",
        "rb" => "ruby",
        "kt" | "kts" => "kotlin",
        "swift" => "swift",
        "scala" => "scala",
        "php" => "php",
        "sql" => "sql",
        "sh" | "bash" => "bash",
        "hs" => "haskell",
        "ex" | "exs" => "elixir",
        "lua" => "lua",
        "dart" => "dart",
        "jl" => "julia",
        "ml" => "ocaml",
        "clj" => "clojure",
        "r" => "r",
        _ => return None,
    };
    Some(language)
}

/// Whether a fence's first line is a language tag (```` ```c++ ```` yes, ```` ```x = 1 ```` no).
fn is_tag(s: &str) -> bool {
    !s.is_empty()
        && s.chars().count() <= MAX_TAG_CHARS
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-' | '.' | '#'))
}

/// How a line changes the fence state: `None` when it does not; otherwise the new state
/// (`Some(Some(tag))` opens a fence, `Some(None)` closes it).
fn fence_change(line: &str, open: Option<&str>) -> Option<Option<String>> {
    let rest = line.trim_start().strip_prefix("```")?;
    if open.is_some() {
        return Some(None);
    }
    if rest.contains("```") {
        return None; // a whole block on one line: opens and closes
    }
    let tag = rest.split_whitespace().next().unwrap_or("");
    let tag = if is_tag(tag) { tag } else { "" };
    Some(Some(tag.to_string()))
}

/// The fence state after every line of `text`, starting outside a fence: `Some(tag)`
/// when `text` ends inside a fence.
pub(crate) fn open_fence_after(text: &str) -> Option<String> {
    let mut open: Option<String> = None;
    for line in text.lines() {
        if let Some(next) = fence_change(line, open.as_deref()) {
            open = next;
        }
    }
    open
}

/// One chunk before rendering: the inserted fence lines kept apart from the original
/// text, so tests can check that the bodies concatenate back to the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    /// Inserted ```` ```tag\n```` reopening a fence the previous chunk closed.
    pub reopen: Option<String>,
    /// A contiguous slice of the original text.
    pub body: String,
    /// Inserted closing fence, when the body ends inside a fence.
    pub close: Option<String>,
}

impl Part {
    /// The chunk as posted: reopening line, body, closing line.
    pub(crate) fn render(&self) -> String {
        let mut out = self.reopen.clone().unwrap_or_default();
        out.push_str(&self.body);
        if let Some(close) = &self.close {
            out.push_str(close);
        }
        out
    }
}

/// The splitter behind [`split_message`], working on line-sized segments (a line longer
/// than a chunk is cut at character boundaries and each piece treated as a line).
pub(crate) fn split_parts(text: &str, max_chars: usize) -> Vec<Part> {
    assert!(
        max_chars >= MIN_CHUNK_CHARS,
        "max_chars must be at least {MIN_CHUNK_CHARS}"
    );
    let mut parts = Vec::new();
    let mut open: Option<String> = None;
    let mut current = Part {
        reopen: None,
        body: String::new(),
        close: None,
    };
    let mut current_len = 0;
    let mut pending: Vec<&str> = text.split_inclusive('\n').rev().collect();
    while let Some(segment) = pending.pop() {
        let line = segment.trim_end_matches(['\n', '\r']);
        let after = fence_change(line, open.as_deref()).unwrap_or_else(|| open.clone());
        let reserve = if after.is_some() { CLOSE_RESERVE } else { 0 };
        let len = segment.chars().count();
        if current_len + len + reserve <= max_chars {
            current.body.push_str(segment);
            current_len += len;
            open = after;
            continue;
        }
        if !current.body.is_empty() {
            (current, current_len) = next_part(&mut parts, current, open.as_deref(), max_chars);
            pending.push(segment);
            continue;
        }
        // A segment too long for an empty chunk: cut it and treat the pieces as lines.
        let room = max_chars - current_len - CLOSE_RESERVE;
        let cut = segment
            .char_indices()
            .nth(room)
            .map_or(segment.len(), |(i, _)| i);
        let (head, tail) = segment.split_at(cut);
        pending.push(tail);
        open = fence_change(head, open.as_deref()).unwrap_or_else(|| open.clone());
        current.body.push_str(head);
        (current, current_len) = next_part(&mut parts, current, open.as_deref(), max_chars);
    }
    if !current.body.is_empty() {
        parts.push(finish(current, open.is_some()));
    }
    parts
}

/// Adds `current` to `parts` and starts the next part, reopening the fence `open`
/// names: the new part and the characters it holds already.
fn next_part(
    parts: &mut Vec<Part>,
    current: Part,
    open: Option<&str>,
    max_chars: usize,
) -> (Part, usize) {
    let reopen = reopen_line(open, max_chars);
    parts.push(finish(current, open.is_some()));
    let len = reopen.as_ref().map_or(0, |r| r.chars().count());
    let next = Part {
        reopen,
        body: String::new(),
        close: None,
    };
    (next, len)
}

/// Closes `part`'s fence when its body ends inside one.
fn finish(mut part: Part, in_fence: bool) -> Part {
    if in_fence {
        let close = if part.body.ends_with('\n') {
            "```"
        } else {
            "\n```"
        };
        part.close = Some(close.to_string());
    }
    part
}

/// The line reopening fence `open` at the start of the next chunk; the tag is dropped
/// when it would take too much of a small chunk.
fn reopen_line(open: Option<&str>, max_chars: usize) -> Option<String> {
    let tag = open?;
    let line = format!("```{tag}\n");
    if line.chars().count() + CLOSE_RESERVE <= max_chars / 2 {
        Some(line)
    } else {
        Some("```\n".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Whether every fence opened in `chunk` is closed in it.
    fn balanced(chunk: &str) -> bool {
        open_fence_after(chunk).is_none()
    }

    #[test]
    fn short_text_is_one_chunk() {
        assert_eq!(split_message("hello", 2000), vec!["hello".to_string()]);
        assert!(split_message("", 2000).is_empty());
    }

    #[test]
    fn a_fence_cut_in_two_is_closed_and_reopened_with_its_language() {
        let code: String = (0..20).map(|i| format!("x{i} = {i}\n")).collect();
        let text = format!("Here:\n```python\n{code}```\nDone.");
        let chunks = split_message(&text, 80);
        assert!(chunks.len() > 1);
        for chunk in &chunks {
            assert!(chunk.chars().count() <= 80, "{chunk:?}");
            assert!(balanced(chunk), "{chunk:?}");
        }
        assert!(chunks[1].starts_with("```python\n"), "{:?}", chunks[1]);
        assert!(chunks[0].ends_with("```"));
    }

    #[test]
    fn a_single_long_line_is_cut_at_character_boundaries() {
        let text = "é".repeat(100);
        let chunks = split_message(&text, 30);
        assert!(chunks.iter().all(|c| c.chars().count() <= 30));
        assert_eq!(chunks.concat(), text);
    }

    #[test]
    fn a_fenced_block_is_a_code_block_with_its_language() {
        let block = parse_code_block("  ```Python\ndef f():\n    return 1\n```\n").unwrap();
        assert_eq!(block.language.as_deref(), Some("python"));
        assert_eq!(block.code, "def f():\n    return 1");
    }

    #[test]
    fn a_fence_without_tag_has_no_language() {
        let block = parse_code_block("```\nint main() {}\n```").unwrap();
        assert_eq!(block.language, None);
        assert_eq!(block.code, "int main() {}");
        let inline = parse_code_block("```x = 1```").unwrap();
        assert_eq!(inline.code, "x = 1");
    }

    #[test]
    fn text_around_a_block_or_an_empty_block_is_not_a_submission() {
        assert_eq!(parse_code_block("look: ```py\nx\n```"), None);
        assert_eq!(parse_code_block("```py\nx\n``` thoughts?"), None);
        assert_eq!(parse_code_block("```py\n\n```"), None);
        assert_eq!(parse_code_block("```a``` and ```b```"), None);
        assert_eq!(parse_code_block("plain chat"), None);
    }

    #[test]
    fn file_names_map_to_languages() {
        assert_eq!(language_from_filename("two_sum.py"), Some("python"));
        assert_eq!(language_from_filename("Main.JAVA"), Some("java"));
        assert_eq!(language_from_filename("sol.cpp"), Some("cpp"));
        assert_eq!(language_from_filename("README"), None);
        assert_eq!(language_from_filename("notes.txt"), None);
    }

    /// Text made of prose lines, fences (with and without tags) and long lines.
    fn texty() -> impl Strategy<Value = String> {
        let line = prop_oneof![
            "[a-z é]{0,40}",
            Just("```".to_string()),
            "```[a-z+#]{1,8}",
            "  ```",
            "[a-z]{60,200}",
            "[ -~]{0,30}",
        ];
        prop::collection::vec(line, 0..40).prop_map(|lines| lines.join("\n"))
    }

    /// Any text at all: fences with short, long or no tags, indented and four-backtick
    /// fences, fences in the middle of long lines, CRLF and lone CR, tabs, and multibyte
    /// characters (accents, CJK, emoji, combining marks), besides arbitrary Unicode.
    fn any_text() -> impl Strategy<Value = String> {
        let line = prop_oneof![
            "\\PC{0,60}",
            "[a-zé漢😀\u{301} \t]{0,50}",
            "```[a-zA-Z0-9+#._-]{0,30}",
            "[ \t]{0,3}````?[a-z]{0,6}",
            "[a-z漢]{20,250}```[a-z]{0,10}",
            "[a-z`]{0,20}",
            Just("```".to_string()),
            Just(String::new()),
        ];
        let ending = prop_oneof![Just("\n"), Just("\r\n"), Just("\r")];
        prop::collection::vec((line, ending), 0..50).prop_map(|lines| {
            lines
                .into_iter()
                .map(|(line, end)| format!("{line}{end}"))
                .collect()
        })
    }

    fn any_limit() -> impl Strategy<Value = usize> {
        prop_oneof![MIN_CHUNK_CHARS..120, 120usize..2100]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn any_text_splits_into_parts_that_fit_and_close_their_fences(
            text in any_text(), max in any_limit()
        ) {
            let parts = split_parts(&text, max);
            for part in &parts {
                let rendered = part.render();
                prop_assert!(rendered.chars().count() <= max, "{} > {}: {:?}", rendered.chars().count(), max, rendered);
                prop_assert!(balanced(&rendered), "unbalanced: {:?}", rendered);
            }
            for chunk in split_message(&text, max) {
                prop_assert!(chunk.chars().count() <= max);
                prop_assert!(balanced(&chunk), "unbalanced: {:?}", chunk);
            }
        }

        #[test]
        fn any_text_is_given_back_by_its_bodies(text in any_text(), max in any_limit()) {
            let bodies: String = split_parts(&text, max).iter().map(|p| p.body.as_str()).collect();
            prop_assert_eq!(bodies, text);
        }

        #[test]
        // Whatever a chunk leaves open (by its own lines, as it renders), the next chunk
        // reopens with the same tag; only a tag too long for a small chunk is dropped.
        fn the_next_part_reopens_the_fence_with_the_same_language(
            text in any_text(), max in any_limit()
        ) {
            let parts = split_parts(&text, max);
            for pair in parts.windows(2) {
                let (before, after) = (&pair[0], &pair[1]);
                let left_open = open_fence_after(&format!(
                    "{}{}",
                    before.reopen.as_deref().unwrap_or(""),
                    before.body
                ));
                prop_assert_eq!(left_open.is_some(), before.close.is_some());
                match left_open {
                    None => prop_assert_eq!(&after.reopen, &None),
                    Some(tag) => {
                        let full = format!("```{tag}\n");
                        let reopen = after.reopen.clone().unwrap_or_default();
                        let dropped = reopen == "```\n"
                            && full.chars().count() + CLOSE_RESERVE > max / 2;
                        prop_assert!(reopen == full || dropped, "{:?} after {:?}", reopen, full);
                    }
                }
            }
        }

        #[test]
        fn arbitrary_strings_never_break_the_splitter(text in any::<String>(), max in any_limit()) {
            for chunk in split_message(&text, max) {
                prop_assert!(chunk.chars().count() <= max);
                prop_assert!(balanced(&chunk), "unbalanced: {:?}", chunk);
            }
            let bodies: String = split_parts(&text, max).iter().map(|p| p.body.as_str()).collect();
            prop_assert_eq!(bodies, text);
        }
    }

    proptest! {
        #[test]
        fn chunks_fit_and_have_balanced_fences(text in texty(), max in 16usize..300) {
            for chunk in split_message(&text, max) {
                prop_assert!(chunk.chars().count() <= max, "{} > {}: {:?}", chunk.chars().count(), max, chunk);
                prop_assert!(balanced(&chunk), "unbalanced: {:?}", chunk);
            }
        }

        #[test]
        fn bodies_concatenate_to_the_input(text in texty(), max in 16usize..300) {
            let parts = split_parts(&text, max);
            let bodies: String = parts.iter().map(|p| p.body.as_str()).collect();
            prop_assert_eq!(bodies, text);
        }

        #[test]
        fn only_fence_lines_are_inserted(text in texty(), max in 16usize..300) {
            for part in split_parts(&text, max) {
                if let Some(reopen) = &part.reopen {
                    prop_assert!(reopen.starts_with("```") && reopen.ends_with('\n'));
                    prop_assert_eq!(reopen.matches('\n').count(), 1);
                }
                if let Some(close) = &part.close {
                    prop_assert!(close == "```" || close == "\n```");
                }
                let rendered = part.render();
                prop_assert!(rendered.contains(&part.body));
            }
        }

        #[test]
        // From 80 characters up no line holding backticks is cut, so the fence state
        // of the original text is the splitter's.
        fn a_chunk_reopens_exactly_the_fence_its_predecessor_left_open(
            text in texty(), max in 80usize..300
        ) {
            let parts = split_parts(&text, max);
            let mut seen = String::new();
            for part in &parts {
                let open = open_fence_after(&seen);
                prop_assert_eq!(open.is_some(), part.reopen.is_some());
                seen.push_str(&part.body);
                prop_assert_eq!(open_fence_after(&seen).is_some(), part.close.is_some());
            }
        }
    }
}
