//! Block Kit rendering: the interview's root message with its five buttons, the coach's
//! replies, code analyses, failures (with a Retry button), summaries, the modals, and
//! (in `runs`) test runs.
//! Pure: engine output in, Slack JSON out; tested without Slack.

use super::inbound::*;
use crate::domain::{Analysis, CoachFailed, Rubric, SummaryWritten};
use crate::platforms::text::split_message;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

/// Longest text of one section block (Slack's limit is 3000).
pub const SECTION_CHARS: usize = 2900;
/// Longest plain-text message we post; longer coach text is split (fence-aware).
pub const MESSAGE_CHARS: usize = 3500;
/// Slack's limit on a plain-text input.
pub const INPUT_MAX_CHARS: usize = 3000;

/// A message to post: the fallback/notification text and optional blocks.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub text: String,
    pub blocks: Option<Value>,
}

/// What the root message shows.
#[derive(Debug, Clone)]
pub struct RootInfo<'a> {
    pub title: &'a str,
    pub statement: &'a str,
    pub candidate_id: &'a str,
    pub difficulty: Option<&'a str>,
    pub language: Option<&'a str>,
    pub deadline: Option<DateTime<Utc>>,
}

/// Text as Slack shows it literally: `&`, `<` and `>` escaped as Slack documents, so
/// nothing a candidate or the model wrote can form a mention (`<@U1>`), a channel
/// ping (`<!channel>`) or a disguised link (`<https://evil|docs>`).
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Markdown (as the coach and the problem bank write it) as Slack mrkdwn: `**b**` and
/// headings become `*b*`; code fences are left alone; every line is escaped.
pub fn mrkdwn(markdown: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in markdown.lines() {
        let line = &escape(line);
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            out.push(line.to_string());
        } else if in_fence {
            out.push(line.to_string());
        } else if let Some(h) = line.trim_start().strip_prefix('#') {
            out.push(format!("*{}*", h.trim_start_matches('#').trim()));
        } else {
            out.push(line.replace("**", "*"));
        }
    }
    out.join("\n")
}

pub(super) fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut t: String = text.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

pub(super) fn section(text: &str) -> Value {
    json!({"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_CHARS)}})
}

pub(super) fn header(text: &str) -> Value {
    json!({"type": "header", "text": {"type": "plain_text", "text": clip(text, 150)}})
}

pub(super) fn context(text: &str) -> Value {
    json!({"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, SECTION_CHARS)}]})
}

fn button(text: &str, action_id: &str, style: Option<&str>) -> Value {
    let mut b = json!({"type": "button", "text": {"type": "plain_text", "text": text}, "action_id": action_id, "value": action_id});
    if let Some(s) = style {
        b["style"] = json!(s);
    }
    b
}

/// Slack's date formatting with a UTC fallback.
pub fn slack_date(at: DateTime<Utc>) -> String {
    format!(
        "<!date^{}^{{date_short_pretty}} at {{time}}|{}>",
        at.timestamp(),
        at.format("%Y-%m-%d %H:%M UTC")
    )
}

/// The interview's root message: problem, candidate, deadline, and the five buttons.
pub fn root_message(info: &RootInfo) -> Rendered {
    let mut facts = vec![format!("*Candidate:* <@{}>", info.candidate_id)];
    if let Some(d) = info.difficulty {
        facts.push(format!("*Difficulty:* {d}"));
    }
    if let Some(l) = info.language {
        facts.push(format!("*Language:* {}", escape(l)));
    }
    facts.push(match info.deadline {
        Some(at) => format!("*Deadline:* {}", slack_date(at)),
        None => "*Deadline:* none".to_string(),
    });
    let blocks = json!([
        header(&format!("Mock interview: {}", info.title)),
        section(&facts.join("   ")),
        section(&mrkdwn(info.statement)),
        {"type": "actions", "block_id": "interview_actions", "elements": [
            button("Explain approach", ACTION_APPROACH, Some("primary")),
            button("Submit code", ACTION_SUBMIT, None),
            button("Run tests", ACTION_RUN, None),
            button("Hint", ACTION_HINT, None),
            button("End", ACTION_END, Some("danger")),
        ]},
        context("Reply in this thread to talk to the coach. A message that is one ```code block``` is a submission; `run` followed by a ```code block``` only runs the tests (`run` alone: your last code; `run input: {...}`: your own input)."),
    ]);
    Rendered {
        text: format!(
            "Mock interview for <@{}>: {}",
            info.candidate_id, info.title
        ),
        blocks: Some(blocks),
    }
}

/// A coach reply as one or more plain messages, split without breaking code fences.
pub fn coach_reply(text: &str) -> Vec<Rendered> {
    split_message(&mrkdwn(text), MESSAGE_CHARS)
        .into_iter()
        .map(|text| Rendered { text, blocks: None })
        .collect()
}

fn rubric_fields(rubric: &Rubric) -> Value {
    let fields: Vec<Value> = rubric
        .dimensions()
        .iter()
        .map(|(name, r)| {
            let name = name.replace('_', " ");
            json!({"type": "mrkdwn", "text": clip(&format!("*{name}:* {}/4 ({})\n{}", r.score.get(), r.score.label(), escape(&r.evidence)), 1900)})
        })
        .collect();
    json!({"type": "section", "fields": fields})
}

/// A code analysis as Block Kit sections.
pub fn analysis(a: &Analysis) -> Rendered {
    let blocks = json!([
        header(&format!("Code review: {}", a.score)),
        section(&format!("*Correctness*\n{}", mrkdwn(&a.correctness))),
        section(&format!(
            "*Technical feedback*\n{}",
            mrkdwn(&a.technical_feedback)
        )),
        section(&format!("*Complexity*\n{}", mrkdwn(&a.complexity_analysis))),
        section(&format!("*Code quality*\n{}", mrkdwn(&a.code_quality))),
        rubric_fields(&a.rubric),
        section(&format!(
            "*Follow-up question*\n{}",
            mrkdwn(&a.follow_up_question)
        )),
    ]);
    Rendered {
        text: format!(
            "Code review: {}. {}",
            a.score,
            clip(&escape(&a.follow_up_question), 200)
        ),
        blocks: Some(blocks),
    }
}

/// A coach failure, with a Retry button when retrying can help.
pub fn failure(f: &CoachFailed) -> Rendered {
    let mut blocks = vec![section(&format!(
        ":warning: The coach could not answer: {}",
        escape(&f.message)
    ))];
    if f.retryable {
        blocks.push(json!({"type": "actions", "elements": [button("Retry", ACTION_RETRY, Some("primary"))]}));
    }
    Rendered {
        text: format!("The coach could not answer: {}", escape(&f.message)),
        blocks: Some(Value::Array(blocks)),
    }
}

fn bullets(items: &[String]) -> String {
    if items.is_empty() {
        return "-".to_string();
    }
    items
        .iter()
        .map(|i| format!("• {}", mrkdwn(i)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The end-of-interview summary as Block Kit.
pub fn summary(s: &SummaryWritten) -> Rendered {
    let minutes = s.duration_seconds / 60;
    let blocks = json!([
        header("Interview summary"),
        section(&mrkdwn(&s.overall)),
        section(&format!("*Strengths*\n{}", bullets(&s.strengths))),
        section(&format!("*To improve*\n{}", bullets(&s.improvements))),
        rubric_fields(&s.rubric),
        context(&format!(
            "Signal: {} · {} min · {} submission(s) · {} hint(s)",
            s.hire_signal.as_str().replace('_', " "),
            minutes,
            s.submissions,
            s.hints_used
        )),
    ]);
    Rendered {
        text: format!("Interview summary: {}", clip(&escape(&s.overall), 200)),
        blocks: Some(blocks),
    }
}

fn text_input(
    block: &str,
    label: &str,
    multiline: bool,
    initial: Option<&str>,
    optional: bool,
) -> Value {
    let mut element =
        json!({"type": "plain_text_input", "action_id": block, "multiline": multiline});
    if multiline {
        element["max_length"] = json!(INPUT_MAX_CHARS);
    }
    if let Some(i) = initial {
        element["initial_value"] = json!(i);
    }
    json!({"type": "input", "block_id": block, "optional": optional,
           "label": {"type": "plain_text", "text": label}, "element": element})
}

fn modal(callback_id: &str, title: &str, metadata: &str, blocks: Vec<Value>) -> Value {
    json!({
        "type": "modal", "callback_id": callback_id, "private_metadata": metadata,
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    })
}

/// The modal for explaining an approach.
pub fn approach_modal(metadata: &str) -> Value {
    modal(
        MODAL_APPROACH,
        "Explain your approach",
        metadata,
        vec![text_input(INPUT_TEXT, "Your approach", true, None, false)],
    )
}

/// The modal for submitting code (up to Slack's input limit). A modal has one submit
/// button, so a choice says whether to submit for review or only run the tests.
pub fn submit_modal(metadata: &str, language: Option<&str>) -> Value {
    modal(
        MODAL_SUBMIT,
        "Submit code",
        metadata,
        vec![
            text_input(INPUT_LANGUAGE, "Language", false, language, true),
            text_input(INPUT_CODE, "Code", true, None, false),
            mode_choice(),
            context("Longer than 3000 characters? Post it in the thread as one ```code block```."),
        ],
    )
}

fn mode_choice() -> Value {
    let option = |text: &str, value: &str| json!({"text": {"type": "plain_text", "text": text}, "value": value});
    let submit = option("Submit for review", MODE_SUBMIT);
    json!({"type": "input", "block_id": INPUT_MODE, "optional": true,
           "label": {"type": "plain_text", "text": "What to do"},
           "element": {"type": "radio_buttons", "action_id": INPUT_MODE,
                       "initial_option": submit,
                       "options": [submit, option("Run tests only (not reviewed)", MODE_RUN)]}})
}

pub mod runs;

#[cfg(test)]
mod tests;
