//! Forgetting a member: their words and code are erased from every interview so that
//! replay, projections and exports no longer contain them, while every interview keeps
//! its shape (events, scores, timings) and other members' interviews are untouched.
//!
//! In the member's own interviews everything free-text is erased, coach text included
//! (it may quote their code); in someone else's interview only the member's messages
//! and the coach's answers to them are. This is the only code that rewrites the log.

use crate::domain::*;
use crate::ports::{RecordedEvent, Storage, StoreError};
use crate::projections;
use std::collections::HashSet;

pub const ERASED: &str = "[erased]";

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ForgetReport {
    pub interviews: usize,
    pub events_rewritten: usize,
    /// Leaderboard opt-ins removed.
    pub leaderboards_left: u64,
}

/// Erase `member_id`'s content (`{platform}:{user_id}`) everywhere, and take them off
/// every leaderboard.
pub async fn forget(store: &dyn Storage, member_id: &str) -> Result<ForgetReport, StoreError> {
    let leaderboards_left = store.forget_leaderboard(member_id).await?;
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let batch = store.read_all(after, 1000).await?;
        let Some(last) = batch.last() else { break };
        after = last.position;
        all.extend(batch);
    }
    let is_member = |a: &Actor| a.member_id() == member_id;
    let own: HashSet<StreamId> = all
        .iter()
        .filter_map(|r| match &r.event {
            Event::InterviewStarted(s) if is_member(&s.candidate) => Some(r.stream_id.clone()),
            _ => None,
        })
        .collect();
    // Candidate events by the member in others' interviews, whose answers are erased too.
    let spoken: HashSet<(StreamId, Version)> = all
        .iter()
        .filter(|r| r.event.actor().is_some_and(is_member))
        .map(|r| (r.stream_id.clone(), r.version))
        .collect();
    let spoke_in: HashSet<StreamId> = spoken.iter().map(|(s, _)| s.clone()).collect();
    let mut report = ForgetReport {
        interviews: own.len(),
        leaderboards_left,
        ..Default::default()
    };
    let mut touched: HashSet<StreamId> = HashSet::new();
    for r in &all {
        let whole = own.contains(&r.stream_id);
        let answers_member = r
            .event
            .reply_to()
            .is_some_and(|v| spoken.contains(&(r.stream_id.clone(), v)))
            || (matches!(r.event, Event::ContextCompacted(_)) && spoke_in.contains(&r.stream_id));
        let erased = erase(&r.event, whole || answers_member, &is_member);
        if erased != r.event {
            store.redact(r.position, &erased).await?;
            report.events_rewritten += 1;
            touched.insert(r.stream_id.clone());
        }
    }
    report.interviews = touched.len();
    if !touched.is_empty() {
        projections::rebuild(store).await?;
    }
    Ok(report)
}

fn name(actor: &Actor, is_member: &impl Fn(&Actor) -> bool) -> Actor {
    if is_member(actor) {
        Actor {
            name: ERASED.to_string(),
            ..actor.clone()
        }
    } else {
        actor.clone()
    }
}

fn text(keep: bool, s: &str) -> String {
    if keep {
        s.to_string()
    } else {
        ERASED.to_string()
    }
}

/// The event with the member's content (or, with `all_text`, every free text) erased.
fn erase(event: &Event, all_text: bool, is_member: &impl Fn(&Actor) -> bool) -> Event {
    let mut e = event.clone();
    let mine = |a: &Actor| all_text || is_member(a);
    match &mut e {
        Event::InterviewStarted(s) => {
            if all_text && let Problem::Custom { title, text: body } = &mut s.problem {
                *title = ERASED.to_string();
                *body = ERASED.to_string();
            }
            s.candidate = name(&s.candidate, is_member);
        }
        Event::ApproachExplained(x) => {
            x.text = text(!mine(&x.actor), &x.text);
            x.actor = name(&x.actor, is_member);
        }
        Event::CodeSubmitted(x) => {
            x.code = text(!mine(&x.actor), &x.code);
            x.actor = name(&x.actor, is_member);
        }
        Event::CandidateMessage(x) => {
            x.text = text(!mine(&x.actor), &x.text);
            x.actor = name(&x.actor, is_member);
        }
        Event::HintRequested(x) => x.actor = name(&x.actor, is_member),
        Event::RetryRequested(x) => x.actor = name(&x.actor, is_member),
        Event::InterviewEnded(x) => {
            if let EndedBy::Member { actor } = &mut x.by {
                *actor = name(actor, is_member);
            }
        }
        Event::CoachReplied(x) if all_text => x.text = ERASED.to_string(),
        Event::CodeAnalyzed(x) if all_text => {
            let a = &mut x.analysis;
            for field in [
                &mut a.technical_feedback,
                &mut a.complexity_analysis,
                &mut a.code_quality,
                &mut a.follow_up_question,
                &mut a.correctness,
            ] {
                *field = ERASED.to_string();
            }
            erase_rubric(&mut a.rubric);
        }
        Event::SummaryWritten(x) if all_text => {
            x.overall = ERASED.to_string();
            x.strengths = vec![];
            x.improvements = vec![];
            erase_rubric(&mut x.rubric);
        }
        Event::ContextCompacted(x) if all_text => x.digest = ERASED.to_string(),
        _ => {}
    }
    e
}

fn erase_rubric(r: &mut Rubric) {
    for d in [
        &mut r.communication,
        &mut r.problem_solving,
        &mut r.technical_competency,
        &mut r.testing,
    ] {
        d.evidence = ERASED.to_string();
    }
}

/// Whether an event still mentions text (used by tests and the CLI report).
pub fn mentions(events: &[RecordedEvent], needle: &str) -> bool {
    events
        .iter()
        .any(|r| serde_json::to_string(&r.event).is_ok_and(|j| j.contains(needle)))
}
