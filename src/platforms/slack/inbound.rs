//! What Slack sends us, parsed into the few shapes the adapter acts on: the slash
//! command, a reply in an interview thread, a button press and a modal submission.
//! Both transports (HTTP Events API and Socket Mode) end here, so parsing is tested
//! once, without Slack. Pure: no I/O, no engine.

use serde_json::Value;

/// Action ids of the buttons the adapter renders.
pub const ACTION_APPROACH: &str = "ic_approach";
pub const ACTION_SUBMIT: &str = "ic_submit";
pub const ACTION_HINT: &str = "ic_hint";
pub const ACTION_END: &str = "ic_end";
pub const ACTION_RETRY: &str = "ic_retry";
pub const ACTION_RUN: &str = "ic_run";
/// Callback ids of the modals, and the ids of their inputs.
pub const MODAL_APPROACH: &str = "ic_approach_modal";
pub const MODAL_SUBMIT: &str = "ic_submit_modal";
pub const MODAL_RUN: &str = "ic_run_modal";
pub const INPUT_TEXT: &str = "text";
pub const INPUT_CODE: &str = "code";
pub const INPUT_LANGUAGE: &str = "language";
/// The custom input of a run (a JSON object of the arguments).
pub const INPUT_CUSTOM: &str = "custom_input";
/// The submit modal's choice: submit for review, or only run the tests.
pub const INPUT_MODE: &str = "mode";
/// The values of the submit modal's choice.
pub const MODE_SUBMIT: &str = "submit";
pub const MODE_RUN: &str = "run";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inbound {
    Command(SlashCommand),
    Message(ThreadMessage),
    Button(ButtonPress),
    // issue 16: peer
    PeerPress(super::peer::PeerPress),
    PeerForm(super::peer::PeerForm),
    Modal(ModalSubmission),
    /// issue 16: daily. A press on a day's Solve button.
    DailySolve(super::daily::SolvePress),
    /// issue 16: a press on a duel offer's Accept or Decline.
    Duel(DuelPress),
    /// Something the adapter does not act on (bot messages, edits, other events).
    Ignored,
}

/// Who did something in Slack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlackUser {
    pub id: String,
    /// The handle when Slack sent one; the id otherwise.
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlashCommand {
    pub team: String,
    pub channel: String,
    pub user: SlackUser,
    pub command: String,
    pub text: String,
    pub trigger_id: String,
}

/// A member's reply in a thread (which may or may not be an interview's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadMessage {
    pub event_id: String,
    pub team: String,
    pub channel: String,
    pub thread_ts: String,
    pub ts: String,
    pub user: SlackUser,
    /// The text with Slack's `&amp;`, `&lt;`, `&gt;` escapes undone.
    pub text: String,
    /// Files shared with the reply (a code snippet too long for a message).
    pub files: Vec<SharedFile>,
}

/// A file shared in a thread, to be downloaded with the bot token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedFile {
    pub name: String,
    pub url: String,
    /// Slack's file type (`python`, `rust`, `text`, ...), when given.
    pub filetype: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Button {
    Approach,
    Submit,
    Hint,
    End,
    Retry,
    /// Run tests: opens the run modal.
    Run,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ButtonPress {
    pub button: Button,
    pub team: String,
    pub channel: String,
    /// The interview's root message: the thread the button lives in.
    pub thread_ts: String,
    pub user: SlackUser,
    pub trigger_id: String,
    /// Unique per press; the idempotency key.
    pub action_ts: String,
}

/// A press on a duel offer's Accept or Decline button (issue 16).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuelPress {
    pub accept: bool,
    /// The duel's stream id (the button's value).
    pub stream: String,
    pub team: String,
    pub channel: String,
    pub user: SlackUser,
    /// Unique per press; the idempotency key.
    pub action_ts: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModalKind {
    Approach,
    Submit,
    /// Run the tests (the run modal, or the submit modal with "Run tests only").
    Run,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModalSubmission {
    pub kind: ModalKind,
    pub view_id: String,
    pub team: String,
    pub channel: String,
    pub thread_ts: String,
    pub user: SlackUser,
    /// The approach text, or the code (empty in a run: the last submission's).
    pub text: String,
    pub language: Option<String>,
    /// A run's custom input, when one was given.
    pub custom_input: Option<String>,
}

/// Where a modal was opened from, carried in its `private_metadata`.
pub fn modal_metadata(channel: &str, thread_ts: &str) -> String {
    format!("{channel}|{thread_ts}")
}

/// Undo Slack's message-text escaping (`&amp;`, `&lt;`, `&gt;`).
pub fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A slash command, from its form-encoded body.
pub fn parse_command_form(body: &[u8]) -> Option<SlashCommand> {
    let fields: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(body).into_owned().collect();
    let get = |k: &str| fields.get(k).cloned();
    let user_id = get("user_id")?;
    Some(SlashCommand {
        team: get("team_id")?,
        channel: get("channel_id")?,
        user: SlackUser {
            name: get("user_name").unwrap_or_else(|| user_id.clone()),
            id: user_id,
        },
        command: get("command").unwrap_or_default(),
        text: get("text").unwrap_or_default(),
        trigger_id: get("trigger_id")?,
    })
}

/// The JSON of an interaction, from its form-encoded body (`payload=...`).
pub fn interaction_json(body: &[u8]) -> Option<Value> {
    let (_, payload) = url::form_urlencoded::parse(body).find(|(k, _)| k == "payload")?;
    serde_json::from_str(&payload).ok()
}

pub(super) fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(v, |v, k| v.get(*k))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

pub(super) fn user_of(v: &Value) -> Option<SlackUser> {
    let id = str_at(v, &["id"])?.to_string();
    let name = str_at(v, &["username"])
        .or_else(|| str_at(v, &["name"]))
        .unwrap_or(&id)
        .to_string();
    Some(SlackUser { id, name })
}

/// An Events API `event_callback` envelope (the HTTP body, or Socket Mode's payload).
pub fn parse_event(envelope: &Value) -> Inbound {
    thread_message(envelope).map_or(Inbound::Ignored, Inbound::Message)
}

fn thread_message(envelope: &Value) -> Option<ThreadMessage> {
    let event = envelope.get("event")?;
    let subtype = str_at(event, &["subtype"]);
    let is_plain_message = str_at(event, &["type"]) == Some("message")
        && matches!(subtype, None | Some("file_share"))
        && event.get("bot_id").is_none_or(Value::is_null);
    if !is_plain_message {
        return None;
    }
    let ts = str_at(event, &["ts"])?;
    let thread_ts = str_at(event, &["thread_ts"]).filter(|t| *t != ts)?;
    let user = str_at(event, &["user"])?.to_string();
    Some(ThreadMessage {
        event_id: str_at(envelope, &["event_id"])?.to_string(),
        team: str_at(envelope, &["team_id"])
            .or_else(|| str_at(event, &["team"]))?
            .to_string(),
        channel: str_at(event, &["channel"])?.to_string(),
        thread_ts: thread_ts.to_string(),
        ts: ts.to_string(),
        user: SlackUser {
            name: user.clone(),
            id: user,
        },
        text: unescape(str_at(event, &["text"]).unwrap_or("")),
        files: shared_files(event),
    })
}

fn shared_files(event: &Value) -> Vec<SharedFile> {
    let files = event.get("files").and_then(Value::as_array);
    files
        .into_iter()
        .flatten()
        .filter_map(|f| {
            let url =
                str_at(f, &["url_private_download"]).or_else(|| str_at(f, &["url_private"]))?;
            Some(SharedFile {
                name: str_at(f, &["name"]).unwrap_or("snippet").to_string(),
                url: url.to_string(),
                filetype: str_at(f, &["filetype"]).map(str::to_string),
            })
        })
        .collect()
}

/// An interaction payload: a button press or a modal submission.
pub fn parse_interaction(payload: &Value) -> Inbound {
    let parsed = match str_at(payload, &["type"]) {
        // issue 16: daily
        Some("block_actions") => super::daily::solve_press(payload)
            .map(Inbound::DailySolve)
            .or_else(|| duel_press(payload).map(Inbound::Duel))
            .or_else(|| button_press(payload).map(Inbound::Button))
            .or_else(|| super::peer::press(payload).map(Inbound::PeerPress)),
        Some("view_submission") => modal_submission(payload)
            .map(Inbound::Modal)
            .or_else(|| super::peer::form(payload).map(Inbound::PeerForm)),
        _ => None,
    };
    parsed.unwrap_or(Inbound::Ignored)
}

fn button_press(p: &Value) -> Option<ButtonPress> {
    let action = p.get("actions")?.as_array()?.first()?;
    let button = match str_at(action, &["action_id"])? {
        ACTION_APPROACH => Button::Approach,
        ACTION_SUBMIT => Button::Submit,
        ACTION_HINT => Button::Hint,
        ACTION_END => Button::End,
        ACTION_RETRY => Button::Retry,
        ACTION_RUN => Button::Run,
        _ => return None,
    };
    // A button on the root message: its ts is the thread; on a reply: its thread_ts.
    let thread_ts = str_at(p, &["container", "thread_ts"])
        .or_else(|| str_at(p, &["message", "thread_ts"]))
        .or_else(|| str_at(p, &["container", "message_ts"]))
        .or_else(|| str_at(p, &["message", "ts"]))?;
    Some(ButtonPress {
        button,
        team: str_at(p, &["team", "id"])?.to_string(),
        channel: str_at(p, &["channel", "id"])
            .or_else(|| str_at(p, &["container", "channel_id"]))?
            .to_string(),
        thread_ts: thread_ts.to_string(),
        user: user_of(p.get("user")?)?,
        trigger_id: str_at(p, &["trigger_id"])?.to_string(),
        action_ts: str_at(action, &["action_ts"])?.to_string(),
    })
}

/// issue 16: a duel offer's button, carrying the duel's stream as its value.
fn duel_press(p: &Value) -> Option<DuelPress> {
    let action = p.get("actions")?.as_array()?.first()?;
    let accept = match str_at(action, &["action_id"])? {
        super::duel::ACTION_ACCEPT => true,
        super::duel::ACTION_DECLINE => false,
        _ => return None,
    };
    Some(DuelPress {
        accept,
        stream: str_at(action, &["value"])?.to_string(),
        team: str_at(p, &["team", "id"])?.to_string(),
        channel: str_at(p, &["channel", "id"])
            .or_else(|| str_at(p, &["container", "channel_id"]))?
            .to_string(),
        user: user_of(p.get("user")?)?,
        action_ts: str_at(action, &["action_ts"])?.to_string(),
    })
}

fn modal_submission(p: &Value) -> Option<ModalSubmission> {
    let view = p.get("view")?;
    let input =
        |block: &str| str_at(view, &["state", "values", block, block, "value"]).map(str::to_string);
    let mode = str_at(
        view,
        &[
            "state",
            "values",
            INPUT_MODE,
            INPUT_MODE,
            "selected_option",
            "value",
        ],
    );
    let kind = match (str_at(view, &["callback_id"])?, mode) {
        (MODAL_APPROACH, _) => ModalKind::Approach,
        (MODAL_SUBMIT, Some(MODE_RUN)) | (MODAL_RUN, _) => ModalKind::Run,
        (MODAL_SUBMIT, _) => ModalKind::Submit,
        _ => return None,
    };
    let (channel, thread_ts) = str_at(view, &["private_metadata"])?.split_once('|')?;
    let text = match kind {
        ModalKind::Approach => input(INPUT_TEXT),
        ModalKind::Submit | ModalKind::Run => input(INPUT_CODE),
    };
    Some(ModalSubmission {
        kind,
        view_id: str_at(view, &["id"])?.to_string(),
        team: str_at(p, &["team", "id"])?.to_string(),
        channel: channel.to_string(),
        thread_ts: thread_ts.to_string(),
        user: user_of(p.get("user")?)?,
        text: text.unwrap_or_default(),
        language: input(INPUT_LANGUAGE).filter(|l| !l.trim().is_empty()),
        custom_input: input(INPUT_CUSTOM).filter(|i| !i.trim().is_empty()),
    })
}

#[cfg(test)]
mod tests;
