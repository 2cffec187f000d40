//! Who may do what in an interview thread, decided before anything is sent to the
//! engine: the candidate acts; others may chat only in group mode. A slash command or
//! button from someone else gets an ephemeral refusal; a plain message from someone else
//! is ignored quietly (the thread is for watching too).
//!
//! The domain refuses the same moves (the guarantee); this only chooses how to answer.
//! Pure: no I/O.

use crate::domain::{Actor, DomainError, Interview, Mode};

/// What a member tries to do in an interview thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Chat,
    Approach,
    Submit,
    Hint,
    End,
    Retry,
    /// Run code on the problem's tests (`/run`, the Run tests button).
    Run,
}

/// How it arrived: a slash command or button (can be answered privately) or a plain
/// message in the thread (cannot).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Interaction,
    Message,
}

/// The answer to an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Send it to the engine.
    Allow,
    /// Do nothing and say nothing.
    Ignore,
    /// Tell the member privately, append nothing.
    Refuse(String),
}

/// Text shown when a thread command is used outside an interview thread.
pub const NOT_AN_INTERVIEW: &str =
    "there is no interview in this channel; start one with `/interview start`";

/// Decides whether `actor` may do `action` in `interview`.
pub fn authorise(interview: &Interview, actor: &Actor, action: Action, via: Via) -> Decision {
    let Some(started) = &interview.started else {
        return match via {
            Via::Interaction => Decision::Refuse(NOT_AN_INTERVIEW.to_string()),
            Via::Message => Decision::Ignore,
        };
    };
    if started.candidate.same_person(actor) {
        return Decision::Allow;
    }
    let candidate = started.candidate.name.clone();
    let refusal = match action {
        Action::Chat if started.mode == Mode::Group => return Decision::Allow,
        Action::Chat => DomainError::NotParticipant { candidate },
        _ => DomainError::OnlyCandidate { candidate },
    };
    match via {
        Via::Interaction => Decision::Refuse(capitalise(&refusal.to_string())),
        Via::Message => Decision::Ignore,
    }
}

/// A plain message from `actor`: a code block is a submission from the candidate, and
/// chat from a group-mode watcher.
pub fn message_action(interview: &Interview, actor: &Actor, is_code: bool) -> Option<Action> {
    let wanted = if is_code {
        Action::Submit
    } else {
        Action::Chat
    };
    if authorise(interview, actor, wanted, Via::Message) == Decision::Allow {
        return Some(wanted);
    }
    (authorise(interview, actor, Action::Chat, Via::Message) == Decision::Allow)
        .then_some(Action::Chat)
}

/// A domain refusal as a sentence for Discord.
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CoachConfig, Event, InterviewStarted, Place, Platform, Problem};

    fn interview(mode: Mode) -> Interview {
        let started = Event::InterviewStarted(InterviewStarted {
            interview_id: uuid::Uuid::nil(),
            place: Place::Discord {
                guild: "1".into(),
                channel: "2".into(),
                thread: "3".into(),
            },
            candidate: maya(),
            problem: Problem::custom("Merge intervals"),
            language: Some("python".into()),
            difficulty: None,
            time_limit_minutes: Some(45),
            mode,
            coach: CoachConfig {
                model: "m".into(),
                prompt_version: 1,
                rubric_version: 1,
            },
            at: chrono::Utc::now(),
        });
        Interview::from_events([&started])
    }

    fn maya() -> Actor {
        Actor::new(Platform::Discord, "100", "Maya")
    }

    fn leo() -> Actor {
        Actor::new(Platform::Discord, "200", "Leo")
    }

    #[test]
    fn the_candidate_may_do_everything() {
        let solo = interview(Mode::Solo);
        for action in [
            Action::Chat,
            Action::Approach,
            Action::Submit,
            Action::Hint,
            Action::End,
            Action::Retry,
        ] {
            assert_eq!(
                authorise(&solo, &maya(), action, Via::Interaction),
                Decision::Allow
            );
        }
    }

    #[test]
    fn a_strangers_submit_is_refused_privately_with_the_candidates_name() {
        let decision = authorise(
            &interview(Mode::Solo),
            &leo(),
            Action::Submit,
            Via::Interaction,
        );
        assert_eq!(
            decision,
            Decision::Refuse("Only Maya can do that in this interview".into())
        );
        let group = authorise(
            &interview(Mode::Group),
            &leo(),
            Action::Submit,
            Via::Interaction,
        );
        assert!(matches!(group, Decision::Refuse(_)));
    }

    #[test]
    fn a_strangers_chat_is_ignored_in_solo_mode_and_allowed_in_group_mode() {
        assert_eq!(
            authorise(&interview(Mode::Solo), &leo(), Action::Chat, Via::Message),
            Decision::Ignore
        );
        assert_eq!(
            authorise(&interview(Mode::Group), &leo(), Action::Chat, Via::Message),
            Decision::Allow
        );
    }

    #[test]
    fn a_strangers_code_block_is_chat_in_group_mode_and_ignored_in_solo_mode() {
        assert_eq!(
            message_action(&interview(Mode::Group), &leo(), true),
            Some(Action::Chat)
        );
        assert_eq!(message_action(&interview(Mode::Solo), &leo(), true), None);
        assert_eq!(
            message_action(&interview(Mode::Solo), &maya(), true),
            Some(Action::Submit)
        );
    }

    #[test]
    fn outside_an_interview_commands_are_refused_and_messages_ignored() {
        let none = Interview::default();
        assert_eq!(
            authorise(&none, &maya(), Action::Hint, Via::Interaction),
            Decision::Refuse(NOT_AN_INTERVIEW.into())
        );
        assert_eq!(
            authorise(&none, &maya(), Action::Chat, Via::Message),
            Decision::Ignore
        );
    }
}
