//! Peer interviews on Slack (issue 16), the pure half: reading the interviewer's and
//! the candidate's button presses and forms, and the Block Kit of the brief, the panel,
//! the forms and the side-by-side. Every peer button carries its interview's thread in
//! its `value` (`{channel}|{thread_ts}`), since the panel is an ephemeral message.
//!
//! Pure: Slack JSON in, values out, and back; tested without Slack. It never decides
//! who may act (the domain does) and never posts.

use super::blocks::{Rendered, clip, context, escape, header, mrkdwn, section};
use super::inbound::{SlackUser, str_at, user_of};
use crate::practice::peer::Brief;
use serde_json::{Value, json};

/// The peer buttons, by `action_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerAction {
    Hint,
    Question,
    AskCoach,
    AskAloud,
    End,
    Leave,
    Rubric,
    Rate,
    Swap,
}

impl PeerAction {
    const ALL: [PeerAction; 9] = [
        PeerAction::Hint,
        PeerAction::Question,
        PeerAction::AskCoach,
        PeerAction::AskAloud,
        PeerAction::End,
        PeerAction::Leave,
        PeerAction::Rubric,
        PeerAction::Rate,
        PeerAction::Swap,
    ];

    pub fn action_id(self) -> &'static str {
        match self {
            PeerAction::Hint => "peer_hint",
            PeerAction::Question => "peer_question",
            PeerAction::AskCoach => "peer_ask_coach",
            PeerAction::AskAloud => "peer_ask_aloud",
            PeerAction::End => "peer_end",
            PeerAction::Leave => "peer_leave",
            PeerAction::Rubric => "peer_rubric",
            PeerAction::Rate => "peer_rate",
            PeerAction::Swap => "peer_swap",
        }
    }

    fn label(self) -> &'static str {
        match self {
            PeerAction::Hint => "Reveal next hint",
            PeerAction::Question => "Ask next question",
            PeerAction::AskCoach => "Ask the coach (private)",
            PeerAction::AskAloud => "Let the coach speak",
            PeerAction::End => "End",
            PeerAction::Leave => "Leave",
            PeerAction::Rubric => "Fill rubric",
            PeerAction::Rate => "Rate interviewer",
            PeerAction::Swap => "Swap roles",
        }
    }

    fn of(action_id: &str) -> Option<PeerAction> {
        PeerAction::ALL
            .into_iter()
            .find(|a| a.action_id() == action_id)
    }
}

/// A press on a peer button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerPress {
    pub action: PeerAction,
    pub team: String,
    pub channel: String,
    pub thread_ts: String,
    pub user: SlackUser,
    pub trigger_id: String,
    /// Unique per press; the idempotency key.
    pub action_ts: String,
}

/// Which peer form was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Ask { aloud: bool },
    Rubric,
    Rate,
}

/// A peer form as submitted: its fields by block id, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerForm {
    pub kind: FormKind,
    pub view_id: String,
    pub team: String,
    pub channel: String,
    pub thread_ts: String,
    pub user: SlackUser,
    pub fields: Vec<(String, String)>,
}

impl PeerForm {
    pub fn field(&self, block: &str) -> &str {
        self.fields
            .iter()
            .find(|(b, _)| b == block)
            .map_or("", |(_, v)| v.as_str())
    }
}

pub const FIELD_QUESTION: &str = "peer_question";
pub const FIELD_NOTES: &str = "peer_notes";
pub const FIELD_STARS: &str = "peer_stars";
/// The rubric's four band fields, named as the rubric's dimensions.
pub const BAND_FIELDS: [&str; 4] = [
    "communication",
    "problem_solving",
    "technical_competency",
    "testing",
];
const FORM_ASK: &str = "peer_ask_form";
const FORM_ASK_ALOUD: &str = "peer_ask_aloud_form";
const FORM_RUBRIC: &str = "peer_rubric_form";
const FORM_RATE: &str = "peer_rate_form";

/// A `block_actions` payload on a peer button.
pub fn press(p: &Value) -> Option<PeerPress> {
    let action = p.get("actions")?.as_array()?.first()?;
    let kind = PeerAction::of(str_at(action, &["action_id"])?)?;
    let (channel, thread_ts) = str_at(action, &["value"])?.split_once('|')?;
    if channel.is_empty() || thread_ts.is_empty() {
        return None;
    }
    let (trigger_id, action_ts) = (str_at(p, &["trigger_id"])?, str_at(action, &["action_ts"])?);
    if trigger_id.is_empty() || action_ts.is_empty() {
        return None;
    }
    Some(PeerPress {
        action: kind,
        team: str_at(p, &["team", "id"])?.to_string(),
        channel: channel.to_string(),
        thread_ts: thread_ts.to_string(),
        user: user_of(p.get("user")?)?,
        trigger_id: trigger_id.to_string(),
        action_ts: action_ts.to_string(),
    })
    .filter(|p| !p.team.is_empty())
}

/// A `view_submission` payload of a peer form.
pub fn form(p: &Value) -> Option<PeerForm> {
    let view = p.get("view")?;
    let kind = match str_at(view, &["callback_id"])? {
        FORM_ASK => FormKind::Ask { aloud: false },
        FORM_ASK_ALOUD => FormKind::Ask { aloud: true },
        FORM_RUBRIC => FormKind::Rubric,
        FORM_RATE => FormKind::Rate,
        _ => return None,
    };
    let (channel, thread_ts) = str_at(view, &["private_metadata"])?.split_once('|')?;
    if channel.is_empty() || thread_ts.is_empty() {
        return None;
    }
    let values = view.get("state")?.get("values")?.as_object()?;
    let fields = values
        .iter()
        .filter_map(|(block, inner)| {
            let v = inner.get(block)?;
            let text = v
                .get("value")
                .and_then(Value::as_str)
                .or_else(|| str_at(v, &["selected_option", "value"]))
                .unwrap_or("");
            Some((block.clone(), text.to_string()))
        })
        .collect();
    Some(PeerForm {
        kind,
        view_id: str_at(view, &["id"])?.to_string(),
        team: str_at(p, &["team", "id"])?.to_string(),
        channel: channel.to_string(),
        thread_ts: thread_ts.to_string(),
        user: user_of(p.get("user")?)?,
        fields,
    })
    .filter(|f| !f.view_id.is_empty() && !f.team.is_empty() && !f.user.id.is_empty())
}

fn button(action: PeerAction, channel: &str, thread_ts: &str) -> Value {
    let mut b = json!({"type": "button", "text": {"type": "plain_text", "text": action.label()},
        "action_id": action.action_id(), "value": format!("{channel}|{thread_ts}")});
    if action == PeerAction::End {
        b["style"] = json!("danger");
    }
    b
}

fn actions(list: &[PeerAction], channel: &str, thread_ts: &str) -> Value {
    let elements: Vec<Value> = list
        .iter()
        .map(|a| button(*a, channel, thread_ts))
        .collect();
    json!({"type": "actions", "block_id": "peer_actions", "elements": elements})
}

/// The interviewer's panel while the interview runs.
pub const PANEL: [PeerAction; 6] = [
    PeerAction::Hint,
    PeerAction::Question,
    PeerAction::AskCoach,
    PeerAction::AskAloud,
    PeerAction::End,
    PeerAction::Leave,
];

/// The buttons once it has ended.
pub const AFTER: [PeerAction; 3] = [PeerAction::Rubric, PeerAction::Rate, PeerAction::Swap];

/// The interviewer's brief and panel (an ephemeral message to them alone).
pub fn brief_message(b: &Brief, channel: &str, thread_ts: &str) -> Rendered {
    let numbered = |items: &[String]| {
        items
            .iter()
            .enumerate()
            .map(|(i, h)| format!("{}. {}", i + 1, escape(h)))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let blocks = json!([
        header(&format!("Interviewer brief: {}", b.title)),
        context("Only you see this. The candidate sees only the statement in the thread."),
        section(&mrkdwn(&b.statement)),
        section(&format!(
            "*Hint ladder* (reveal one rung at a time)\n{}",
            numbered(&b.hints)
        )),
        section(&format!(
            "*Reference approach*\n{}",
            escape(&b.reference_approach)
        )),
        section(&format!(
            "*Suggested follow-up questions*\n{}",
            numbered(&b.follow_ups)
        )),
        section(&format!(
            "*Rubric (bands 1-4)*\n```{}```",
            clip(b.rubric, 2700)
        )),
        actions(&PANEL, channel, thread_ts),
    ]);
    Rendered {
        text: format!("Interviewer brief: {}", b.title),
        blocks: Some(blocks),
    }
}

/// The note in the thread: who interviews whom.
pub fn intro(candidate: &str, interviewer: &str) -> Rendered {
    Rendered {
        text: format!(
            "🤝 Peer interview: <@{interviewer}> interviews <@{candidate}>. The coach stays quiet \
             unless the interviewer asks it to speak; it reviews each submission silently and \
             writes its own assessment at the end. <@{interviewer}>: your brief and panel were \
             sent to you privately."
        ),
        blocks: None,
    }
}

/// Plain text with the end's buttons under it.
pub fn with_after(text: &str, channel: &str, thread_ts: &str) -> Rendered {
    Rendered {
        text: text.to_string(),
        blocks: Some(json!([section(text), actions(&AFTER, channel, thread_ts)])),
    }
}

fn input(block: &str, label: &str, multiline: bool, optional: bool, max: usize) -> Value {
    json!({"type": "input", "block_id": block, "optional": optional,
        "label": {"type": "plain_text", "text": label},
        "element": {"type": "plain_text_input", "action_id": block, "multiline": multiline,
                    "max_length": max}})
}

fn form_view(
    callback: &str,
    title: &str,
    channel: &str,
    thread_ts: &str,
    blocks: Vec<Value>,
) -> Value {
    json!({
        "type": "modal", "callback_id": callback,
        "private_metadata": format!("{channel}|{thread_ts}"),
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    })
}

/// The form asking the coach something, privately or aloud.
pub fn ask_view(aloud: bool, channel: &str, thread_ts: &str) -> Value {
    let (callback, title) = if aloud {
        (FORM_ASK_ALOUD, "Let the coach speak")
    } else {
        (FORM_ASK, "Ask the coach")
    };
    form_view(
        callback,
        title,
        channel,
        thread_ts,
        vec![input(FIELD_QUESTION, "Your question", true, false, 2000)],
    )
}

/// The rubric form: the four bands and notes.
pub fn rubric_view(channel: &str, thread_ts: &str) -> Value {
    let mut blocks: Vec<Value> = BAND_FIELDS
        .iter()
        .map(|d| {
            input(
                d,
                &format!("{} (1-4)", d.replace('_', " ")),
                false,
                false,
                12,
            )
        })
        .collect();
    blocks.push(input(
        FIELD_NOTES,
        "Notes for the candidate",
        true,
        true,
        2000,
    ));
    blocks.push(context(
        "Bands: 1 not yet · 2 developing · 3 solid · 4 strong",
    ));
    form_view(FORM_RUBRIC, "Rubric", channel, thread_ts, blocks)
}

/// The candidate's rating form.
pub fn rate_view(channel: &str, thread_ts: &str) -> Value {
    form_view(
        FORM_RATE,
        "Rate your interviewer",
        channel,
        thread_ts,
        vec![
            input(FIELD_STARS, "Stars (1-5)", false, false, 1),
            input(FIELD_NOTES, "A note for them", true, true, 1000),
        ],
    )
}

/// A peer interview's summary: the coach's, then the interviewer's rubric beside it
/// (once filled), then the end's buttons.
pub fn summary(
    s: &crate::domain::SummaryWritten,
    peer: &crate::domain::PeerState,
    channel: &str,
    thread_ts: &str,
) -> Rendered {
    let mut r = super::blocks::summary(s);
    let rows =
        crate::practice::peer::compare(peer.rubric.as_ref().map(|r| &r.rubric), Some(&s.rubric));
    let side = match &peer.rubric {
        Some(r) if r.notes.is_empty() => crate::practice::peer::comparison_lines(&rows),
        Some(r) => format!(
            "{}\nNotes: {}",
            crate::practice::peer::comparison_lines(&rows),
            escape(&r.notes)
        ),
        None => format!(
            "Waiting for {}'s rubric (*Fill rubric*).",
            escape(&peer.interviewer.name)
        ),
    };
    if let Some(Value::Array(blocks)) = r.blocks.as_mut() {
        blocks.push(section(&format!("*Interviewer vs coach*\n{side}")));
        blocks.push(actions(&AFTER, channel, thread_ts));
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_peer_press_reads_its_thread_from_the_button_value() {
        let payload = json!({"type": "block_actions", "team": {"id": "T1"},
            "user": {"id": "U2", "username": "ivy"}, "trigger_id": "tr",
            "actions": [{"action_id": "peer_hint", "value": "C1|171.1", "action_ts": "9.9"}]});
        let p = press(&payload).unwrap();
        assert_eq!(p.action, PeerAction::Hint);
        assert_eq!((p.channel.as_str(), p.thread_ts.as_str()), ("C1", "171.1"));
        let other = json!({"type": "block_actions", "team": {"id": "T1"},
            "user": {"id": "U2"}, "trigger_id": "tr",
            "actions": [{"action_id": "ic_hint", "value": "ic_hint", "action_ts": "9.9"}]});
        assert_eq!(press(&other), None);
    }

    #[test]
    fn a_rubric_form_reads_every_field_by_block() {
        let view = rubric_view("C1", "171.1");
        let mut values = serde_json::Map::new();
        for (block, v) in [
            ("communication", "3"),
            ("testing", "1"),
            (FIELD_NOTES, "ok"),
        ] {
            values.insert(
                block.into(),
                json!({block: {"type": "plain_text_input", "value": v}}),
            );
        }
        let payload = json!({"type": "view_submission", "team": {"id": "T1"},
            "user": {"id": "U2", "username": "ivy"},
            "view": {"id": "V9", "callback_id": view["callback_id"], "private_metadata": view["private_metadata"],
                     "state": {"values": values}}});
        let f = form(&payload).unwrap();
        assert_eq!(f.kind, FormKind::Rubric);
        assert_eq!((f.field("communication"), f.field("testing")), ("3", "1"));
        assert_eq!(
            (f.field(FIELD_NOTES), f.field("problem_solving")),
            ("ok", "")
        );
    }
}
