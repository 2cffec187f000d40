//! Reading the practice slash commands (`/stats [@member]`, `/leaderboard [join|leave]`,
//! `/export [id]`, `/privacy forget confirm`) and rendering their answers as Block
//! Kit. Pure: no I/O, tested without Slack.

use super::blocks::{Rendered, SECTION_CHARS};
use serde_json::{Value, json};

pub const STATS_USAGE: &str = "Usage: `/stats` for yours, or `/stats @member` for a teammate's.";
pub const LEADERBOARD_USAGE: &str = "Usage: `/leaderboard` to see it, `/leaderboard join` to be on it, `/leaderboard leave` to come off it.";
pub const PRIVACY_USAGE: &str = "Usage: `/privacy forget confirm` erases your messages and code from every interview. It cannot be undone.";

/// `/stats [@member]`: the member's Slack user id, `None` for oneself.
pub fn parse_stats(text: &str) -> Result<Option<String>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    // With `should_escape`, Slack sends a mention as `<@U123|name>` or `<@U123>`.
    let inner = text
        .strip_prefix("<@")
        .and_then(|t| t.strip_suffix('>'))
        .ok_or_else(|| STATS_USAGE.to_string())?;
    let id = inner.split('|').next().unwrap_or_default();
    let valid = !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(Some(id.to_string()))
    } else {
        Err(STATS_USAGE.to_string())
    }
}

/// What `/leaderboard` asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardCommand {
    Show,
    Join,
    Leave,
}

pub fn parse_leaderboard(text: &str) -> Result<BoardCommand, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "show" => Ok(BoardCommand::Show),
        "join" => Ok(BoardCommand::Join),
        "leave" => Ok(BoardCommand::Leave),
        _ => Err(LEADERBOARD_USAGE.to_string()),
    }
}

/// `/export [id]`: the id, `None` for the member's latest interview in the channel.
pub fn parse_export(text: &str) -> Option<String> {
    let id = text.trim();
    (!id.is_empty()).then(|| id.to_string())
}

/// `/privacy forget [confirm]`: `Ok(true)` to erase, `Ok(false)` to ask for the confirm.
pub fn parse_privacy(text: &str) -> Result<bool, String> {
    let words: Vec<String> = text
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    match words
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["forget"] => Ok(false),
        ["forget", "confirm"] => Ok(true),
        _ => Err(PRIVACY_USAGE.to_string()),
    }
}

fn section(text: &str) -> Value {
    let text: String = text.chars().take(SECTION_CHARS).collect();
    json!({"type": "section", "text": {"type": "mrkdwn", "text": text}})
}

/// A titled list of (label, value) lines as Block Kit.
pub fn report(title: &str, lines: &[(String, String)]) -> Rendered {
    let mut blocks = vec![
        json!({"type": "header", "text": {"type": "plain_text", "text": title.chars().take(150).collect::<String>()}}),
    ];
    let mut text = title.to_string();
    for (label, value) in lines {
        blocks.push(section(&format!("*{label}*\n{value}")));
        text.push_str(&format!("\n{label}: {value}"));
    }
    Rendered {
        text,
        blocks: Some(Value::Array(blocks)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_takes_nothing_or_an_escaped_mention() {
        assert_eq!(parse_stats("  "), Ok(None));
        assert_eq!(parse_stats("<@U_ANA|ana>"), Ok(Some("U_ANA".into())));
        assert_eq!(parse_stats("<@U123>"), Ok(Some("U123".into())));
        assert_eq!(parse_stats("@ana"), Err(STATS_USAGE.into()));
        assert_eq!(parse_stats("<@>"), Err(STATS_USAGE.into()));
    }

    #[test]
    fn leaderboard_shows_joins_or_leaves() {
        assert_eq!(parse_leaderboard(""), Ok(BoardCommand::Show));
        assert_eq!(parse_leaderboard("JOIN"), Ok(BoardCommand::Join));
        assert_eq!(parse_leaderboard("leave"), Ok(BoardCommand::Leave));
        assert!(parse_leaderboard("top").is_err());
    }

    #[test]
    fn forgetting_needs_the_confirm_word() {
        assert_eq!(parse_privacy("forget"), Ok(false));
        assert_eq!(parse_privacy("forget CONFIRM"), Ok(true));
        assert!(parse_privacy("").is_err());
        assert!(parse_privacy("forget everyone").is_err());
    }

    #[test]
    fn a_report_is_a_header_and_one_section_per_line() {
        let r = report("Stats", &[("Score".into(), "7.0/10".into())]);
        let blocks = r.blocks.unwrap();
        assert_eq!(blocks[0]["type"], "header");
        assert_eq!(blocks[1]["text"]["text"], "*Score*\n7.0/10");
    }
}
