//! The daily problem on Slack, pure (issue 16): reading `/daily [set ...|off]` and
//! `/streak [@member]`, the day's post as Block Kit with its Solve button, and a press
//! on Solve. No I/O; tested without Slack.

use super::blocks::Rendered;
use crate::domain::{DailyPosted, Difficulty};
use crate::platforms::daily_text;
use chrono::NaiveTime;
use serde_json::{Value, json};

/// The Solve button's action id; its value is the day (`2026-03-29`).
pub const ACTION_SOLVE: &str = "ic_daily_solve";

pub const DAILY_USAGE: &str = "Usage: `/daily` shows today's problem; `/daily set HH:MM Time/Zone [#channel] [easy|medium|hard] [topic, topic]` posts one every day (admins or the channel's creator), e.g. `/daily set 09:00 Europe/Berlin medium arrays, graphs`; `/daily off` stops it.";
pub const STREAK_USAGE: &str = "Usage: `/streak` for yours, or `/streak @member` for a teammate's.";

/// What `/daily` asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DailyRequest {
    Show,
    Set {
        time: NaiveTime,
        zone: String,
        /// A channel id from a `<#C123|name>` mention; the command's channel when `None`.
        channel: Option<String>,
        difficulty: Option<Difficulty>,
        topics: Vec<String>,
    },
    Off,
}

/// Read `/daily ...`; `Err` is the message to show.
pub fn parse_daily(text: &str) -> Result<DailyRequest, String> {
    let mut words = text.split_whitespace();
    match words.next().map(str::to_ascii_lowercase).as_deref() {
        None | Some("show") | Some("today") => return Ok(DailyRequest::Show),
        Some("off") => return Ok(DailyRequest::Off),
        Some("set") => {}
        Some(_) => return Err(DAILY_USAGE.to_string()),
    }
    let time = words.next().ok_or_else(|| DAILY_USAGE.to_string())?;
    let time = daily_text::local_time(time)
        .ok_or_else(|| daily_text::BAD_LOCAL_TIME.replace("{}", time))?;
    let zone = words
        .next()
        .ok_or_else(|| DAILY_USAGE.to_string())?
        .to_string();
    let mut channel = None;
    let mut difficulty = None;
    let mut rest = Vec::new();
    for word in words {
        if let Some(id) = channel_mention(word) {
            channel = Some(id);
        } else if let (None, Some(d)) = (difficulty, Difficulty::parse(word)) {
            difficulty = Some(d);
        } else {
            rest.push(word);
        }
    }
    Ok(DailyRequest::Set {
        time,
        zone,
        channel,
        difficulty,
        topics: daily_text::topic_list(&rest.join(" ")),
    })
}

/// The channel id of a `<#C123|name>` (or `<#C123>`) mention.
fn channel_mention(word: &str) -> Option<String> {
    let inner = word.strip_prefix("<#")?.strip_suffix('>')?;
    let id = inner.split('|').next()?;
    (!id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric())).then(|| id.to_string())
}

/// `/streak [@member]`: the member's Slack user id, `None` for oneself.
pub fn parse_streak(text: &str) -> Result<Option<String>, String> {
    super::practice::parse_stats(text).map_err(|_| STREAK_USAGE.to_string())
}

/// The day's post: the problem and a Solve button carrying the day.
pub fn post(p: &DailyPosted) -> Rendered {
    let headline = daily_text::post_headline(p).replace("**", "*");
    let blocks = json!([
        {"type": "section", "text": {"type": "mrkdwn", "text": headline}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "Press *Solve* to open your own interview on it. It counts for your streak when a submission passes every hidden test today."}},
        {"type": "actions", "block_id": "daily_actions", "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": "Solve"},
             "action_id": ACTION_SOLVE, "value": p.day.to_string(), "style": "primary"}
        ]},
    ]);
    Rendered {
        text: headline,
        blocks: Some(blocks),
    }
}

/// A press on Solve, read from an interaction payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolvePress {
    pub team: String,
    pub channel: String,
    pub user_id: String,
    pub user_name: String,
    /// The day whose problem to open.
    pub day: String,
    /// Unique per press: the key the interview is started under.
    pub action_ts: String,
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(v, |v, k| v.get(*k))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// The Solve press in a `block_actions` payload, if that is what it is.
pub fn solve_press(p: &Value) -> Option<SolvePress> {
    let action = p.get("actions")?.as_array()?.first()?;
    if str_at(action, &["action_id"])? != ACTION_SOLVE {
        return None;
    }
    let user_id = str_at(p, &["user", "id"])?.to_string();
    Some(SolvePress {
        team: str_at(p, &["team", "id"])?.to_string(),
        channel: str_at(p, &["channel", "id"])
            .or_else(|| str_at(p, &["container", "channel_id"]))?
            .to_string(),
        user_name: str_at(p, &["user", "username"])
            .or_else(|| str_at(p, &["user", "name"]))
            .unwrap_or(&user_id)
            .to_string(),
        user_id,
        day: str_at(action, &["value"])?.to_string(),
        action_ts: str_at(action, &["action_ts"])?.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daily_set_reads_time_zone_channel_difficulty_and_topics_in_any_order() {
        let got = parse_daily("set 09:00 Europe/Berlin hard <#C42|practice> arrays, graphs");
        assert_eq!(
            got,
            Ok(DailyRequest::Set {
                time: NaiveTime::from_hms_opt(9, 0, 0).expect("valid"),
                zone: "Europe/Berlin".into(),
                channel: Some("C42".into()),
                difficulty: Some(Difficulty::Hard),
                topics: vec!["arrays".into(), "graphs".into()],
            })
        );
    }

    #[test]
    fn daily_alone_shows_and_a_bad_time_is_named() {
        assert_eq!(parse_daily(""), Ok(DailyRequest::Show));
        assert_eq!(parse_daily("off"), Ok(DailyRequest::Off));
        let err = parse_daily("set 9am Europe/Berlin").unwrap_err();
        assert!(err.contains("`9am`"), "{err}");
        assert_eq!(parse_daily("sometimes"), Err(DAILY_USAGE.to_string()));
    }

    #[test]
    fn a_solve_press_carries_its_day_and_action_ts() {
        let payload = json!({"type": "block_actions", "team": {"id": "T1"},
            "channel": {"id": "C1"}, "user": {"id": "U_ANA", "username": "ana"},
            "trigger_id": "t", "actions": [{"action_id": ACTION_SOLVE,
            "value": "2026-03-29", "action_ts": "1700000000.5"}]});
        let press = solve_press(&payload).expect("a solve press");
        assert_eq!(
            (press.day.as_str(), press.user_id.as_str()),
            ("2026-03-29", "U_ANA")
        );
    }
}
