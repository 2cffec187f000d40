use super::*;
use serde_json::json;

fn user(id: &str, name: &str) -> SlackUser {
    SlackUser {
        id: id.into(),
        name: name.into(),
    }
}

#[test]
fn a_slash_command_is_read_from_its_form_body() {
    let body = b"team_id=T1&channel_id=C1&user_id=U1&user_name=omar&command=%2Finterview&text=start+two-sum+easy&response_url=https%3A%2F%2Fx&trigger_id=tr.1";
    let c = parse_command_form(body).unwrap();
    assert_eq!(c.team, "T1");
    assert_eq!(c.channel, "C1");
    assert_eq!(c.user, user("U1", "omar"));
    assert_eq!(c.command, "/interview");
    assert_eq!(c.text, "start two-sum easy");
    assert_eq!(c.trigger_id, "tr.1");
    assert_eq!(parse_command_form(b"team_id=T1"), None);
}

#[test]
fn a_reply_in_a_thread_is_a_thread_message_with_text_unescaped() {
    let envelope = json!({
        "type": "event_callback", "team_id": "T1", "event_id": "Ev1",
        "event": {"type": "message", "channel": "C1", "user": "U1", "ts": "2.0",
                  "thread_ts": "1.0", "text": "```if a &lt; b &amp;&amp; c &gt; d```"}
    });
    let Inbound::Message(m) = parse_event(&envelope) else {
        panic!("not a message")
    };
    assert_eq!(m.event_id, "Ev1");
    assert_eq!(
        (m.channel.as_str(), m.thread_ts.as_str(), m.ts.as_str()),
        ("C1", "1.0", "2.0")
    );
    assert_eq!(m.text, "```if a < b && c > d```");
}

#[test]
fn bot_messages_edits_and_top_level_messages_are_ignored() {
    let base = json!({"type": "message", "channel": "C1", "user": "U1", "ts": "2.0", "thread_ts": "1.0", "text": "hi"});
    let wrap = |event: Value| json!({"team_id": "T1", "event_id": "Ev1", "event": event});
    let mut bot = base.clone();
    bot["bot_id"] = json!("B1");
    let mut edit = base.clone();
    edit["subtype"] = json!("message_changed");
    let mut top = base.clone();
    top["thread_ts"] = json!("2.0");
    for e in [bot, edit, top] {
        assert_eq!(parse_event(&wrap(e)), Inbound::Ignored);
    }
    assert!(matches!(parse_event(&wrap(base)), Inbound::Message(_)));
}

#[test]
fn a_button_on_the_root_message_names_the_root_as_thread() {
    let payload = json!({
        "type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U2", "username": "ana"},
        "trigger_id": "tr.2", "channel": {"id": "C1"},
        "container": {"type": "message", "message_ts": "1.0", "channel_id": "C1"},
        "message": {"ts": "1.0"},
        "actions": [{"action_id": "ic_submit", "action_ts": "9.9"}]
    });
    let Inbound::Button(b) = parse_interaction(&payload) else {
        panic!("not a button")
    };
    assert_eq!(b.button, Button::Submit);
    assert_eq!(b.thread_ts, "1.0");
    assert_eq!(b.user, user("U2", "ana"));
    assert_eq!(b.action_ts, "9.9");
}

#[test]
fn a_button_on_a_reply_names_the_replys_thread() {
    let payload = json!({
        "type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U1"},
        "trigger_id": "tr", "channel": {"id": "C1"},
        "container": {"type": "message", "message_ts": "3.0", "thread_ts": "1.0"},
        "actions": [{"action_id": "ic_retry", "action_ts": "9.9"}]
    });
    let Inbound::Button(b) = parse_interaction(&payload) else {
        panic!("not a button")
    };
    assert_eq!((b.button, b.thread_ts.as_str()), (Button::Retry, "1.0"));
    assert_eq!(b.user.name, "U1");
}

#[test]
fn a_submitted_code_modal_carries_its_thread_code_and_language() {
    let payload = json!({
        "type": "view_submission", "team": {"id": "T1"}, "user": {"id": "U1", "name": "omar"},
        "view": {"id": "V1", "callback_id": MODAL_SUBMIT, "private_metadata": modal_metadata("C1", "1.0"),
                 "state": {"values": {
                     "code": {"code": {"type": "plain_text_input", "value": "print(1)"}},
                     "language": {"language": {"type": "plain_text_input", "value": "python"}}}}}
    });
    let Inbound::Modal(m) = parse_interaction(&payload) else {
        panic!("not a modal")
    };
    assert_eq!(m.kind, ModalKind::Submit);
    assert_eq!((m.channel.as_str(), m.thread_ts.as_str()), ("C1", "1.0"));
    assert_eq!(m.text, "print(1)");
    assert_eq!(m.language.as_deref(), Some("python"));
}

#[test]
fn the_submit_modal_with_run_tests_only_chosen_is_a_run() {
    let payload = json!({
        "type": "view_submission", "team": {"id": "T1"}, "user": {"id": "U1", "name": "omar"},
        "view": {"id": "V1", "callback_id": MODAL_SUBMIT, "private_metadata": modal_metadata("C1", "1.0"),
                 "state": {"values": {
                     "code": {"code": {"type": "plain_text_input", "value": "print(1)"}},
                     "mode": {"mode": {"type": "radio_buttons", "selected_option": {"value": "run"}}}}}}
    });
    let Inbound::Modal(m) = parse_interaction(&payload) else {
        panic!("not a modal")
    };
    assert_eq!(m.kind, ModalKind::Run);
    assert_eq!(m.text, "print(1)");
    assert_eq!(m.custom_input, None);
}

#[test]
fn the_run_modal_carries_its_custom_input_and_may_leave_the_code_empty() {
    let payload = json!({
        "type": "view_submission", "team": {"id": "T1"}, "user": {"id": "U1", "name": "omar"},
        "view": {"id": "V2", "callback_id": MODAL_RUN, "private_metadata": modal_metadata("C1", "1.0"),
                 "state": {"values": {
                     "code": {"code": {"type": "plain_text_input", "value": null}},
                     "custom_input": {"custom_input": {"type": "plain_text_input", "value": "{\"n\": 3}"}}}}}
    });
    let Inbound::Modal(m) = parse_interaction(&payload) else {
        panic!("not a modal")
    };
    assert_eq!(m.kind, ModalKind::Run);
    assert_eq!(m.text, "");
    assert_eq!(m.custom_input.as_deref(), Some("{\"n\": 3}"));
}

#[test]
fn an_interaction_is_read_from_its_payload_field() {
    let body = b"payload=%7B%22type%22%3A%22shortcut%22%7D";
    let json = interaction_json(body).unwrap();
    assert_eq!(parse_interaction(&json), Inbound::Ignored);
}

#[test]
fn a_shared_snippet_comes_with_its_download_url() {
    let envelope = json!({
        "team_id": "T1", "event_id": "Ev2",
        "event": {"type": "message", "subtype": "file_share", "channel": "C1", "user": "U1",
                  "ts": "2.0", "thread_ts": "1.0", "text": "",
                  "files": [{"id": "F1", "name": "solve.py", "filetype": "python",
                             "url_private_download": "https://files.slack.com/files-pri/T1-F1/download/solve.py"}]}
    });
    let Inbound::Message(m) = parse_event(&envelope) else {
        panic!("not a message")
    };
    assert_eq!(
        m.files,
        [SharedFile {
            name: "solve.py".into(),
            url: "https://files.slack.com/files-pri/T1-F1/download/solve.py".into(),
            filetype: Some("python".into()),
        }]
    );
}
