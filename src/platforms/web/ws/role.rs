//! What a socket may do in the interview it opened. Acting needs more than the id:
//!
//! - the **candidate**: the browser whose member cookie started the interview (its
//!   member id, derived from the cookie's secret, is the candidate's user id);
//! - the **operator**: with `WEB_ACCESS_TOKEN` set, whoever presented it (every `/ws`
//!   request must), acting as the candidate;
//! - a **watcher**: anyone else who knows the id. It reads the history and the live
//!   events, as the read API would show them, and every action is refused.
//!
//! Pure: it never reads a header or the log itself, and it never grants more than this.

use crate::domain::{Actor, Platform};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Candidate,
    Operator,
    Watcher,
}

/// Shown to a watcher that tries to act; nothing is appended.
pub const WATCH_ONLY: &str = "You are watching this interview: only its candidate (the browser that started it) or the operator (with the access token) can act in it. Nothing was sent.";

impl Role {
    /// The role of a client with the browser member id `member` (from its cookie) in an
    /// interview whose candidate is `candidate`; `operator` when the service has an
    /// access token (which the client has then presented).
    pub fn of(candidate: &Actor, member: Option<&str>, operator: bool) -> Role {
        let own =
            candidate.platform == Platform::Web && member.is_some_and(|m| m == candidate.user_id);
        if own {
            Role::Candidate
        } else if operator {
            Role::Operator
        } else {
            Role::Watcher
        }
    }

    pub fn may_act(self) -> bool {
        self != Role::Watcher
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Candidate => "candidate",
            Role::Operator => "operator",
            Role::Watcher => "watcher",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn web(id: &str) -> Actor {
        Actor::new(Platform::Web, id, "Web guest")
    }

    #[test]
    fn the_browser_that_started_it_is_the_candidate() {
        assert_eq!(Role::of(&web("m1"), Some("m1"), false), Role::Candidate);
        assert_eq!(Role::of(&web("m1"), Some("m1"), true), Role::Candidate);
    }

    #[test]
    fn anyone_else_watches_unless_they_hold_the_access_token() {
        assert_eq!(Role::of(&web("m1"), Some("m2"), false), Role::Watcher);
        assert_eq!(Role::of(&web("m1"), None, false), Role::Watcher);
        assert_eq!(Role::of(&web("m1"), None, true), Role::Operator);
        assert!(!Role::Watcher.may_act());
        assert!(Role::Operator.may_act());
    }

    #[test]
    fn a_chat_member_with_the_same_user_id_is_not_the_web_candidate() {
        let discord = Actor::new(Platform::Discord, "m1", "Maya");
        assert_eq!(Role::of(&discord, Some("m1"), false), Role::Watcher);
    }
}
