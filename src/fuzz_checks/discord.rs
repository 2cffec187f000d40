//! The `discord_parse` target: what a Discord member types or attaches, through the
//! submission parser (fenced code, its language, the text around it), the modal and
//! attachment paths, and the thread name. Checks only; never called by the service.

use super::lines;
use crate::platforms::discord::parse::{
    self, AttachmentError, MAX_ATTACHMENT_BYTES, MAX_THREAD_NAME,
};
use crate::platforms::text::parse_code_block;

/// Input: two lines (a file name, a language as a member would give it; empty for
/// none), then the message or file body. A submission is exactly a message that is one
/// fenced block: its code is non-blank, holds no fence and is a slice of the message,
/// its language a lower-case tag; the note about fences is only given for a message
/// that is not a submission; every path names a language; an attachment is refused
/// only for its size or for not being text; names fit Discord's limits.
pub fn discord_parse(data: &[u8]) {
    let ([filename, language], body) = lines::<2>(data);
    let explicit = Some(language.as_str()).filter(|l| !l.is_empty());
    let text = String::from_utf8_lossy(body);
    let block = parse_code_block(&text);
    if let Some(block) = &block {
        assert!(!block.code.trim().is_empty(), "a blank submission");
        assert!(!block.code.contains("```"), "code holding a fence");
        assert!(text.contains(&block.code), "code not from the message");
        let trimmed = text.trim();
        assert!(trimmed.starts_with("```") && trimmed.ends_with("```"));
        if let Some(tag) = &block.language {
            assert!(!tag.is_empty() && tag.chars().count() <= 24, "{tag:?}");
            assert!(
                tag.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_+-.#".contains(c))
            );
            assert_eq!(*tag, tag.to_ascii_lowercase());
        }
    }
    let submission = parse::submission_from_message(&text, explicit);
    assert_eq!(submission.is_some(), block.is_some());
    if let (Some(submission), Some(block)) = (&submission, &block) {
        assert_eq!(submission.code, block.code);
        assert!(!submission.language.is_empty());
    }
    if parse::fence_note(&text).is_some() {
        assert!(block.is_none(), "a note on a real submission");
    }
    let modal = parse::submission_from_modal(&text, explicit, None);
    assert!(!modal.language.is_empty());
    if block.is_none() {
        assert_eq!(modal.code, text, "plain modal text kept as typed");
    }
    check_attachment(&filename, body, explicit);
    let normal = parse::normalise_language(&language);
    assert_eq!(
        parse::normalise_language(&normal),
        normal,
        "not a fixed point"
    );
    let name = parse::thread_name(&text, &filename);
    assert!(name.chars().count() <= MAX_THREAD_NAME, "{name:?}");
    let max = body.len() % 50 + 1;
    assert!(parse::truncate_chars(&text, max).chars().count() <= max);
}

fn check_attachment(filename: &str, body: &[u8], explicit: Option<&str>) {
    let too_large = body.len() > MAX_ATTACHMENT_BYTES as usize;
    match parse::submission_from_attachment(filename, body, explicit, None) {
        Ok(submission) => {
            assert!(!too_large);
            let text = std::str::from_utf8(body).expect("an attachment taken is text");
            assert_eq!(
                submission.code,
                text.strip_prefix('\u{feff}').unwrap_or(text)
            );
            assert!(!submission.language.is_empty());
        }
        Err(AttachmentError::TooLarge { .. }) => assert!(too_large),
        Err(AttachmentError::NotText) => assert!(std::str::from_utf8(body).is_err()),
    }
}
