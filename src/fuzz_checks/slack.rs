//! The `slack_signature` and `slack_payload` targets: the request signature and
//! timestamp check, the slash-command, interaction and event parsers, and the escaping
//! of text posted back. Checks only; never called by the service.

use super::lines;
use crate::platforms::slack::blocks::{self, MESSAGE_CHARS};
use crate::platforms::slack::inbound::{self, Inbound};
use crate::platforms::slack::signature::{self, MAX_SKEW_SECONDS, SignatureError};
use chrono::DateTime;

/// Input: four lines (now in Unix seconds, the signing secret, the
/// `X-Slack-Request-Timestamp` and `X-Slack-Signature` headers, an empty line being an
/// absent header), then the raw body. The given signature passes only when it is the
/// body's real one; the real one passes exactly when the timestamp is a number within
/// five minutes of now; any change to the body or the secret is a mismatch.
pub fn slack_signature(data: &[u8]) {
    let ([now, secret, timestamp, given], body) = lines::<4>(data);
    let Some(now) = now
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|s| DateTime::from_timestamp(s, 0))
    else {
        return; // no clock reads a time chrono cannot hold
    };
    let header = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let (timestamp_header, given_header) = (header(&timestamp), header(&given));
    let verify = |secret: &str, signature: Option<&str>, body: &[u8]| {
        signature::verify(secret, timestamp_header.as_deref(), signature, body, now)
    };
    // The time check, worked out here in i128 so that no edge can overflow.
    let skew = |s: i64| (i128::from(now.timestamp()) - i128::from(s)).abs();
    let in_time = match timestamp.trim().parse::<i64>() {
        Err(_) => Err(SignatureError::BadTimestamp),
        Ok(s) if skew(s) > i128::from(MAX_SKEW_SECONDS) => Err(SignatureError::Stale),
        Ok(_) => Ok(()),
    };
    let real = signature::sign(&secret, &timestamp, body);
    assert_eq!(
        verify(&secret, Some(&real), body),
        in_time,
        "the real signature"
    );
    let outcome = verify(&secret, given_header.as_deref(), body);
    if let Err(e) = in_time {
        assert_eq!(outcome, Err(e), "the time check comes first");
        return;
    }
    if outcome.is_ok() {
        let decoded = |s: &str| {
            s.trim()
                .strip_prefix("v0=")
                .and_then(|h| hex::decode(h).ok())
        };
        assert_eq!(decoded(&given), decoded(&real), "a wrong signature passed");
    }
    // Hex digits in either case and surrounding spaces are the same signature.
    let shouted = format!(" v0={} ", real["v0=".len()..].to_ascii_uppercase());
    assert_eq!(verify(&secret, Some(&shouted), body), Ok(()));
    let mut changed = body.to_vec();
    changed.push(b'x');
    assert_eq!(
        verify(&secret, Some(&real), &changed),
        Err(SignatureError::Mismatch)
    );
    let other_secret = format!("{secret}x");
    assert_eq!(
        verify(&other_secret, Some(&real), body),
        Err(SignatureError::Mismatch)
    );
}

/// Input: a raw request body, given to each parser (slash command form, interaction
/// form, Events API JSON). Whatever they take, the ids they keep are non-empty and a
/// thread reply is never the thread's root; and the body as text, posted back as a
/// coach reply, can hold neither `<` nor `>` (no mention, ping or link) and fits
/// Slack's message size.
pub fn slack_payload(data: &[u8]) {
    let _ = inbound::parse_command_form(data);
    if let Some(payload) = inbound::interaction_json(data) {
        check_parsed(&inbound::parse_interaction(&payload));
    }
    if let Ok(envelope) = serde_json::from_slice::<serde_json::Value>(data) {
        check_parsed(&inbound::parse_event(&envelope));
        check_parsed(&inbound::parse_interaction(&envelope));
    }
    let text = String::from_utf8_lossy(data);
    let escaped = blocks::escape(&text);
    assert!(!escaped.contains(['<', '>']), "escape left a bracket");
    assert_eq!(
        inbound::unescape(&escaped),
        text,
        "escaping is undone exactly"
    );
    for part in blocks::coach_reply(&text) {
        assert!(!part.text.contains(['<', '>']), "{:?}", part.text);
        assert!(part.text.chars().count() <= MESSAGE_CHARS);
    }
}

fn check_parsed(parsed: &Inbound) {
    match parsed {
        Inbound::Message(m) => {
            for id in [&m.event_id, &m.team, &m.channel, &m.ts, &m.user.id] {
                assert!(!id.is_empty(), "{m:?}");
            }
            assert_ne!(m.thread_ts, m.ts, "a thread's root taken as a reply");
            assert!(
                m.files
                    .iter()
                    .all(|f| !f.url.is_empty() && !f.name.is_empty())
            );
        }
        Inbound::Button(b) => {
            for id in [
                &b.team,
                &b.channel,
                &b.thread_ts,
                &b.trigger_id,
                &b.action_ts,
            ] {
                assert!(!id.is_empty(), "{b:?}");
            }
            assert!(!b.user.id.is_empty() && !b.user.name.is_empty());
        }
        Inbound::Modal(m) => {
            assert!(!m.view_id.is_empty() && !m.team.is_empty() && !m.user.id.is_empty());
            assert!(m.language.as_ref().is_none_or(|l| !l.trim().is_empty()));
        }
        // issue 16: daily
        Inbound::DailySolve(p) => {
            for id in [&p.team, &p.channel, &p.user_id, &p.day, &p.action_ts] {
                assert!(!id.is_empty(), "{p:?}");
            }
        }
        // issue 16: duel
        Inbound::Duel(d) => {
            for id in [&d.stream, &d.team, &d.channel, &d.action_ts, &d.user.id] {
                assert!(!id.is_empty(), "{d:?}");
            }
        }
        // issue 16: peer
        Inbound::PeerPress(p) => {
            for id in [
                &p.team,
                &p.channel,
                &p.thread_ts,
                &p.trigger_id,
                &p.action_ts,
            ] {
                assert!(!id.is_empty(), "{p:?}");
            }
        }
        Inbound::PeerForm(f) => {
            for id in [&f.view_id, &f.team, &f.channel, &f.thread_ts, &f.user.id] {
                assert!(!id.is_empty(), "{f:?}");
            }
        }
        Inbound::Command(_) | Inbound::Ignored => {}
    }
}
