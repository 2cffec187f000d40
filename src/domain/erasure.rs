//! Erasing a member from an event: which fields carry a member's words and code, and
//! so what `privacy forget` rewrites. Pure; the engine applies it to the log
//! (`Engine::forget_member`).
//!
//! In the member's own interviews everything free-text is erased, coach text included
//! (it may quote their code); in someone else's interview only the member's messages
//! and the coach's answers to them are. The event keeps its type and shape (actors,
//! scores, timings), so every interview still folds the same way.

use super::*;

/// What erased text is replaced with.
pub const ERASED: &str = "[erased]";

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
pub fn erase(event: &Event, all_text: bool, is_member: &impl Fn(&Actor) -> bool) -> Event {
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
        Event::TestsRun(x) => {
            if mine(&x.actor) {
                erase_run(x);
            }
            x.actor = name(&x.actor, is_member);
        }
        Event::HintRequested(x) => x.actor = name(&x.actor, is_member),
        // issue 16: daily. An organiser's name is all these hold about a member.
        Event::DailyScheduled(x) => x.by = name(&x.by, is_member),
        Event::DailyTurnedOff(x) => x.by = name(&x.by, is_member),
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
        // Figures and stamps only: nothing a member or the model wrote.
        Event::Regraded(_) => {}
        // issue 16: duel events hold no words or code, only the duelists' names.
        Event::DuelOffered(x) => {
            x.challenger = name(&x.challenger, is_member);
            x.opponent = name(&x.opponent, is_member);
        }
        Event::DuelDeclined(x) => x.by = name(&x.by, is_member),
        Event::DuelStarted(x) => x.by = name(&x.by, is_member),
        Event::DuelWon(x) => {
            x.winner = name(&x.winner, is_member);
            x.loser = name(&x.loser, is_member);
        }
        Event::DuelRunnerUpFinished(x) => x.member = name(&x.member, is_member),
        // issue 16: peer
        Event::PeerPaired(x) => x.interviewer = name(&x.interviewer, is_member),
        Event::PeerHintRevealed(x) => x.by = name(&x.by, is_member),
        Event::PeerInterviewerLeft(x) => x.by = name(&x.by, is_member),
        Event::PeerRolesSwapped(x) => x.by = name(&x.by, is_member),
        Event::PeerQuestionAsked(x) => {
            x.question = text(!mine(&x.by), &x.question);
            x.by = name(&x.by, is_member);
        }
        Event::PeerCoachAsked(x) => {
            x.question = text(!mine(&x.by), &x.question);
            x.by = name(&x.by, is_member);
        }
        Event::PeerRubricFilled(x) => {
            if mine(&x.by) && !x.notes.is_empty() {
                x.notes = ERASED.to_string();
            }
            x.by = name(&x.by, is_member);
        }
        Event::PeerInterviewerRated(x) => {
            // The note is about the interviewer: it goes when either is forgotten.
            if (mine(&x.by) || is_member(&x.interviewer)) && !x.note.is_empty() {
                x.note = ERASED.to_string();
            }
            x.by = name(&x.by, is_member);
            x.interviewer = name(&x.interviewer, is_member);
        }
        _ => {}
    }
    e
}

/// A run keeps its verdicts, times and the bank's examples; the code run, what it
/// printed and answered, its errors and the candidate's own input go.
fn erase_run(run: &mut TestsRun) {
    if let RunOf::Adhoc { code } = &mut run.of {
        *code = ERASED.to_string();
    }
    if let Some(error) = &mut run.error {
        *error = ERASED.to_string();
    }
    let case = |c: &mut CaseRun| {
        c.stdout = String::new();
        if c.got.is_some() {
            c.got = Some(ERASED.to_string());
        }
        if c.error.is_some() {
            c.error = Some(ERASED.to_string());
        }
    };
    run.examples.iter_mut().for_each(case);
    run.tests.first_failure.iter_mut().for_each(case);
    if let Some(custom) = &mut run.custom {
        case(custom);
        custom.input = ERASED.to_string();
    }
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
