//! The `split_message` target: the fence-aware splitter that cuts long coach replies
//! for Discord and Slack. Checks only; never called by the service.

use crate::platforms::text::{self, MIN_CHUNK_CHARS, open_fence_after, split_parts};

/// Input: two bytes choosing the limit (16 to 2,115 characters), then the text. No
/// part exceeds the limit or leaves a fence open; the parts' bodies are the text, in
/// order, with nothing lost; the splitter only adds fence lines; a part closes a fence
/// exactly when its own lines leave one open; and `split_message` gives the parts that
/// are not blank.
pub fn split_message(data: &[u8]) {
    let [a, b, rest @ ..] = data else {
        return;
    };
    let max = MIN_CHUNK_CHARS + usize::from(u16::from_le_bytes([*a, *b])) % 2100;
    let text = String::from_utf8_lossy(rest);
    let parts = split_parts(&text, max);
    let mut rendered = Vec::new();
    for part in &parts {
        let chunk = part.render();
        assert!(
            chunk.chars().count() <= max,
            "a part of {} characters over {max}: {chunk:?}",
            chunk.chars().count()
        );
        assert!(
            open_fence_after(&chunk).is_none(),
            "a broken fence: {chunk:?}"
        );
        if let Some(reopen) = &part.reopen {
            assert!(
                reopen.starts_with("```") && reopen.ends_with('\n'),
                "{reopen:?}"
            );
            assert_eq!(reopen.matches('\n').count(), 1, "{reopen:?}");
        }
        assert!(matches!(
            part.close.as_deref(),
            None | Some("```" | "\n```")
        ));
        let own = format!("{}{}", part.reopen.as_deref().unwrap_or(""), part.body);
        assert_eq!(
            open_fence_after(&own).is_some(),
            part.close.is_some(),
            "{own:?}"
        );
        rendered.push(chunk);
    }
    let bodies: String = parts.iter().map(|p| p.body.as_str()).collect();
    assert_eq!(bodies, text, "the parts do not give the text back");
    rendered.retain(|chunk| !chunk.trim().is_empty());
    assert_eq!(text::split_message(&text, max), rendered);
}
