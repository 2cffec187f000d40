//! The root message's buttons (and the Retry button of a failed coach turn): who may
//! press them is checked first; Explain approach and Submit code open a modal while the
//! trigger id is valid, the others become engine commands at once.

use super::{Handler, ReplyTo, capitalise};
use crate::domain::{
    Actor, Command, EndBy, Interview, Place, Platform, Problem, SubmissionSource, SubmitCode,
};
use crate::platforms::slack::blocks;
use crate::platforms::slack::inbound::{Button, ButtonPress, modal_metadata};
use chrono::{DateTime, Utc};

impl Handler {
    pub(super) async fn button(&self, b: ButtonPress) {
        let place = Place::Slack {
            team: b.team.clone(),
            channel: b.channel.clone(),
            thread_ts: b.thread_ts.clone(),
        };
        let to = ReplyTo {
            channel: &b.channel,
            user: &b.user.id,
            thread_ts: Some(&b.thread_ts),
        };
        let Some(state) = self.load(&place).await else {
            return self
                .tell(&to, "This interview is not in my log any more.")
                .await;
        };
        let actor = Actor::new(Platform::Slack, &b.user.id, &b.user.name);
        let at = self.engine.now();
        let command = match b.button {
            Button::Approach | Button::Submit => {
                return self.open_modal(&b, &state, actor, at, &to).await;
            }
            Button::Run => return self.open_run_modal(&b, &state, actor, &to).await,
            Button::Hint => Command::RequestHint {
                actor,
                max_hints: self.hint_count(&state),
                at,
            },
            Button::End => Command::EndInterview {
                by: EndBy::Member(actor),
                at,
            },
            Button::Retry => Command::RetryCoach { actor, at },
        };
        let key = format!("slack:action:{}:{}", b.team, b.action_ts);
        self.run(&place, command, &key, &to, |_| false).await;
    }

    /// Explain approach and Submit code: check who may act first (a fast local read),
    /// then open the modal while the trigger id is still valid.
    async fn open_modal(
        &self,
        b: &ButtonPress,
        state: &Interview,
        actor: Actor,
        at: DateTime<Utc>,
        to: &ReplyTo<'_>,
    ) {
        let metadata = modal_metadata(&b.channel, &b.thread_ts);
        let language = state.started.as_ref().and_then(|s| s.language.clone());
        let (probe, view) = if b.button == Button::Approach {
            let probe = Command::ExplainApproach {
                actor,
                text: "probe".into(),
                at,
            };
            (probe, blocks::approach_modal(&metadata))
        } else {
            let probe = Command::SubmitCode(SubmitCode {
                actor,
                language: "text".into(),
                code: "probe".into(),
                source: SubmissionSource::Modal,
                at,
            });
            (probe, blocks::submit_modal(&metadata, language.as_deref()))
        };
        if let Err(e) = self.engine.check(state, probe) {
            return self.tell(to, &capitalise(&e.to_string())).await;
        }
        if let Err(e) = self.api.open_view(&b.trigger_id, view).await {
            tracing::warn!(error = %e, "could not open a Slack modal");
            self.tell(to, "I could not open the form; you can also reply in the thread (a ```code block``` is a submission).").await;
        }
    }

    fn hint_count(&self, state: &Interview) -> Option<u32> {
        match &state.started.as_ref()?.problem {
            Problem::Bank { id, version, .. } => self
                .problems
                .get_version(id, *version)
                .map(|p| p.hints.len() as u32),
            Problem::Custom { .. } => None,
        }
    }
}
