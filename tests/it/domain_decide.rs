//! The rules of an interview, given/when/then: given the events so far, when a command
//! arrives, then `decide` returns these events (or this refusal) and folding them gives
//! this phase and these pending coach turns.
//!
//! One rule per test, named as a sentence. Time is fixed (`t(minutes)` after a fixed
//! start); nothing here reads the clock, touches a store or calls a coach.

use chrono::{DateTime, Duration, TimeZone, Utc};
use interview_coach::domain::decide::{MAX_CODE_BYTES, MAX_PROBLEM_CHARS, MAX_TEXT_CHARS};
use interview_coach::domain::*;
use uuid::Uuid;

// ---------------------------------------------------------------------------------
// The harness
// ---------------------------------------------------------------------------------

/// The interview folded from the events given so far.
struct Given {
    state: Interview,
}

fn given(events: &[Event]) -> Given {
    Given {
        state: Interview::from_events(events),
    }
}

impl Given {
    /// Check the phase before the command, so a transition test shows both ends.
    fn in_phase(self, expected: Phase) -> Given {
        assert_eq!(self.state.phase(), expected, "phase before the command");
        self
    }

    fn when(self, command: Command) -> Then {
        let result = decide(&self.state, command.clone());
        Then {
            before: self.state,
            command,
            result,
        }
    }
}

/// What `decide` answered, with the state it answered from.
struct Then {
    before: Interview,
    command: Command,
    result: Result<Vec<Event>, DomainError>,
}

impl Then {
    fn events(&self) -> &[Event] {
        match &self.result {
            Ok(events) => events,
            Err(e) => panic!("{:?} was refused: {e:?}", self.command),
        }
    }

    fn then_events(self, expected: &[Event]) -> Then {
        assert_eq!(
            self.events(),
            expected,
            "events decided for {:?}",
            self.command
        );
        self
    }

    fn then_error(self, expected: DomainError) {
        match self.result {
            Err(e) => assert_eq!(e, expected),
            Ok(events) => panic!("{:?} was accepted: {events:?}", self.command),
        }
    }

    /// The state after folding the decided events into the given ones.
    fn then_state(&self) -> Interview {
        let mut state = self.before.clone();
        for event in self.events() {
            state.apply(event);
        }
        state
    }

    fn then_phase(self, expected: Phase) -> Then {
        assert_eq!(
            self.then_state().phase(),
            expected,
            "phase after the command"
        );
        self
    }

    /// The coach's work list after the command: `(reply_to, kind)`, oldest first.
    fn then_pending(self, expected: &[(Version, TurnKind)]) -> Then {
        let pending: Vec<(Version, TurnKind)> = self
            .then_state()
            .pending_turns()
            .iter()
            .map(|turn| (turn.reply_to, turn.kind))
            .collect();
        assert_eq!(pending, expected, "pending coach turns");
        self
    }
}

// ---------------------------------------------------------------------------------
// Typical people, events and commands (fixed times: t(0) is the start)
// ---------------------------------------------------------------------------------

const TIME_LIMIT: u32 = 30;
const APPROACH: &str = "One pass with a hash map from value to index.";
const CODE: &str = "def two_sum(nums, target):\n    seen = {}\n    for i, x in enumerate(nums):\n        if target - x in seen:\n            return [seen[target - x], i]\n        seen[x] = i\n";
const QUESTION: &str = "Can the input contain duplicates?";

fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 14, 9, 0, 0).unwrap() + Duration::minutes(minutes)
}

/// The candidate.
fn ada() -> Actor {
    Actor::new(Platform::Discord, "284719305521938432", "ada")
}

/// Someone else in the thread.
fn bob() -> Actor {
    Actor::new(Platform::Discord, "190283746501928374", "bob")
}

fn start() -> StartInterview {
    StartInterview {
        interview_id: Uuid::from_u128(0x6f1c_2a4e_8b7d_4c3e_9a51_2d0f_7e6b_5c48),
        place: Place::Discord {
            guild: "1098765432101234567".into(),
            channel: "1101234567890123456".into(),
            thread: "1349876543210987654".into(),
        },
        candidate: ada(),
        problem: Problem::Bank {
            id: "two-sum".into(),
            version: 2,
            title: "Two Sum".into(),
        },
        language: Some("python".into()),
        difficulty: Some(Difficulty::Easy),
        time_limit_minutes: Some(TIME_LIMIT),
        mode: Mode::Solo,
        coach: CoachConfig {
            model: "claude-sonnet-4-5".into(),
            prompt_version: 3,
            rubric_version: 2,
        },
        at: t(0),
    }
}

fn start_custom() -> StartInterview {
    StartInterview {
        problem: Problem::custom("Merge intervals\nMerge every pair of overlapping intervals."),
        ..start()
    }
}

fn start_group() -> StartInterview {
    StartInterview {
        mode: Mode::Group,
        ..start()
    }
}

fn start_untimed() -> StartInterview {
    StartInterview {
        time_limit_minutes: None,
        ..start()
    }
}

fn started_with(c: StartInterview) -> Event {
    Event::InterviewStarted(InterviewStarted {
        interview_id: c.interview_id,
        place: c.place,
        candidate: c.candidate,
        problem: c.problem,
        language: c.language,
        difficulty: c.difficulty,
        time_limit_minutes: c.time_limit_minutes,
        mode: c.mode,
        coach: c.coach,
        at: c.at,
    })
}

/// A solo, bank-problem interview with a time limit, at version 1.
fn started() -> Event {
    started_with(start())
}

fn explained(minute: i64) -> Event {
    Event::ApproachExplained(ApproachExplained {
        actor: ada(),
        text: APPROACH.into(),
        at: t(minute),
    })
}

fn submitted(submission: u32, minute: i64) -> Event {
    Event::CodeSubmitted(CodeSubmitted {
        actor: ada(),
        language: "python".into(),
        code: CODE.into(),
        source: SubmissionSource::Command,
        submission,
        at: t(minute),
    })
}

fn said(actor: Actor, minute: i64) -> Event {
    Event::CandidateMessage(CandidateMessage {
        actor,
        text: QUESTION.into(),
        at: t(minute),
    })
}

fn hinted(hint: u32, minute: i64) -> Event {
    Event::HintRequested(HintRequested {
        actor: ada(),
        hint,
        at: t(minute),
    })
}

fn ended(minute: i64) -> Event {
    Event::InterviewEnded(InterviewEnded {
        by: EndedBy::Member { actor: ada() },
        reason: EndReason::Finished,
        at: t(minute),
    })
}

fn timed_out(minute: i64) -> Event {
    Event::InterviewEnded(InterviewEnded {
        by: EndedBy::Timer,
        reason: EndReason::TimeLimit,
        at: t(minute),
    })
}

fn replied(reply_to: Version, kind: ReplyKind, minute: i64) -> Event {
    Event::CoachReplied(CoachReplied {
        stamp: None,
        reply_to,
        kind,
        text: "Good. What about duplicates?".into(),
        usage: None,
        at: t(minute),
    })
}

fn analysis(score: i64) -> Analysis {
    let band = |n| RubricScore {
        score: Band::new(n).unwrap(),
        evidence: "seen in the transcript".into(),
    };
    Analysis {
        technical_feedback: "Correct single pass.".into(),
        complexity_analysis: "O(n) time, O(n) space.".into(),
        code_quality: "Clear names.".into(),
        follow_up_question: "What if the input were sorted?".into(),
        score: Score::new(score).unwrap(),
        correctness: "Passes the examples.".into(),
        rubric: Rubric {
            communication: band(3),
            problem_solving: band(4),
            technical_competency: band(3),
            testing: band(2),
        },
    }
}

fn analyzed(reply_to: Version, minute: i64) -> Event {
    Event::CodeAnalyzed(CodeAnalyzed {
        stamp: None,
        reply_to,
        analysis: analysis(8),
        usage: None,
        at: t(minute),
    })
}

fn failed(reply_to: Version, retryable: bool, minute: i64) -> Event {
    Event::CoachFailed(CoachFailed {
        stamp: None,
        reply_to,
        kind: FailureKind::Unavailable,
        message: "The coach is overloaded; try again.".into(),
        attempts: 4,
        retryable,
        at: t(minute),
    })
}

fn summary_rubric() -> Rubric {
    analysis(8).rubric
}

fn summarised(reply_to: Version, minute: i64) -> Event {
    Event::SummaryWritten(SummaryWritten {
        stamp: None,
        reply_to,
        overall: "Solid.".into(),
        strengths: vec!["Optimal approach first".into()],
        improvements: vec!["Test edge cases".into()],
        rubric: summary_rubric(),
        hire_signal: HireSignal::LeanYes,
        duration_seconds: 0,
        submissions: 0,
        hints_used: 0,
        usage: None,
        at: t(minute),
    })
}

fn explain(text: &str, minute: i64) -> Command {
    explain_by(ada(), text, minute)
}

fn explain_by(actor: Actor, text: &str, minute: i64) -> Command {
    Command::ExplainApproach {
        actor,
        text: text.into(),
        at: t(minute),
    }
}

fn submit(minute: i64) -> Command {
    submit_code(ada(), CODE, minute)
}

fn submit_code(actor: Actor, code: &str, minute: i64) -> Command {
    Command::SubmitCode(SubmitCode {
        actor,
        language: "python".into(),
        code: code.into(),
        source: SubmissionSource::Command,
        at: t(minute),
    })
}

fn say(actor: Actor, text: &str, minute: i64) -> Command {
    Command::SendMessage {
        actor,
        text: text.into(),
        at: t(minute),
    }
}

fn ask_hint(max_hints: Option<u32>, minute: i64) -> Command {
    ask_hint_by(ada(), max_hints, minute)
}

fn ask_hint_by(actor: Actor, max_hints: Option<u32>, minute: i64) -> Command {
    Command::RequestHint {
        actor,
        max_hints,
        at: t(minute),
    }
}

fn retry(minute: i64) -> Command {
    Command::RetryCoach {
        actor: ada(),
        at: t(minute),
    }
}

fn end(minute: i64) -> Command {
    end_by(ada(), minute)
}

fn end_by(actor: Actor, minute: i64) -> Command {
    Command::EndInterview {
        by: EndBy::Member(actor),
        at: t(minute),
    }
}

fn end_by_timer(at: DateTime<Utc>) -> Command {
    Command::EndInterview {
        by: EndBy::Timer,
        at,
    }
}

fn record_reply(reply_to: Version, kind: ReplyKind, minute: i64) -> Command {
    Command::RecordCoachReply {
        stamp: None,
        reply_to,
        kind,
        text: "Good. What about duplicates?".into(),
        usage: None,
        at: t(minute),
    }
}

fn record_analysis(reply_to: Version, minute: i64) -> Command {
    Command::RecordAnalysis {
        stamp: None,
        reply_to,
        analysis: analysis(8),
        usage: None,
        at: t(minute),
    }
}

fn record_failure(reply_to: Version, retryable: bool, minute: i64) -> Command {
    Command::RecordCoachFailure {
        stamp: None,
        reply_to,
        kind: FailureKind::Unavailable,
        message: "The coach is overloaded; try again.".into(),
        attempts: 4,
        retryable,
        at: t(minute),
    }
}

fn record_summary(reply_to: Version, minute: i64) -> Command {
    Command::RecordSummary(RecordSummary {
        stamp: None,
        reply_to,
        overall: "Solid.".into(),
        strengths: vec!["Optimal approach first".into()],
        improvements: vec!["Test edge cases".into()],
        rubric: summary_rubric(),
        hire_signal: HireSignal::LeanYes,
        usage: None,
        at: t(minute),
    })
}

// ---------------------------------------------------------------------------------
// Phases
// ---------------------------------------------------------------------------------

#[test]
fn starting_an_interview_moves_it_from_problem_to_approach() {
    given(&[])
        .in_phase(Phase::Problem)
        .when(Command::StartInterview(start()))
        .then_events(&[started()])
        .then_phase(Phase::Approach);
}

#[test]
fn explaining_the_approach_moves_the_interview_to_coding() {
    given(&[started()])
        .in_phase(Phase::Approach)
        .when(explain(APPROACH, 4))
        .then_events(&[explained(4)])
        .then_phase(Phase::Coding);
}

#[test]
fn submitting_code_while_coding_moves_the_interview_to_feedback() {
    given(&[started(), explained(4)])
        .in_phase(Phase::Coding)
        .when(submit(15))
        .then_events(&[submitted(1, 15)])
        .then_phase(Phase::Feedback);
}

#[test]
fn submitting_code_without_an_approach_moves_the_interview_straight_to_feedback() {
    given(&[started()])
        .in_phase(Phase::Approach)
        .when(submit(15))
        .then_events(&[submitted(1, 15)])
        .then_phase(Phase::Feedback);
}

#[test]
fn revising_the_approach_after_feedback_moves_the_interview_back_to_coding() {
    given(&[started(), explained(4), submitted(1, 15), analyzed(3, 16)])
        .in_phase(Phase::Feedback)
        .when(explain("Sort first, then two pointers.", 18))
        .then_phase(Phase::Coding);
}

#[test]
fn resubmitting_after_the_analysis_keeps_the_interview_in_feedback() {
    given(&[started(), explained(4), submitted(1, 15), analyzed(3, 16)])
        .in_phase(Phase::Feedback)
        .when(submit(20))
        .then_events(&[submitted(2, 20)])
        .then_phase(Phase::Feedback);
}

#[test]
fn the_candidate_can_end_the_interview_during_the_approach() {
    given(&[started()])
        .in_phase(Phase::Approach)
        .when(end(3))
        .then_events(&[ended(3)])
        .then_phase(Phase::Ended);
}

#[test]
fn the_candidate_can_end_the_interview_while_coding() {
    given(&[started(), explained(4)])
        .in_phase(Phase::Coding)
        .when(end(10))
        .then_events(&[ended(10)])
        .then_phase(Phase::Ended);
}

#[test]
fn the_candidate_can_end_the_interview_during_feedback() {
    given(&[started(), explained(4), submitted(1, 15), analyzed(3, 16)])
        .in_phase(Phase::Feedback)
        .when(end(25))
        .then_events(&[ended(25)])
        .then_phase(Phase::Ended);
}

#[test]
fn the_timer_ends_the_interview_exactly_at_the_deadline() {
    given(&[started(), explained(4)])
        .when(end_by_timer(t(TIME_LIMIT.into())))
        .then_events(&[timed_out(TIME_LIMIT.into())])
        .then_phase(Phase::Ended);
}

#[test]
fn the_timer_ends_the_interview_after_the_deadline() {
    given(&[started(), explained(4), submitted(1, 15)])
        .in_phase(Phase::Feedback)
        .when(end_by_timer(t(45)))
        .then_events(&[timed_out(45)])
        .then_phase(Phase::Ended);
}

#[test]
fn writing_the_summary_moves_an_ended_interview_to_summarised() {
    let then = given(&[started(), ended(3)])
        .in_phase(Phase::Ended)
        .when(record_summary(2, 4))
        .then_phase(Phase::Summarised);
    assert!(then.then_state().summarised);
}

// ---------------------------------------------------------------------------------
// Refusals: starting, opening and ending
// ---------------------------------------------------------------------------------

#[test]
fn starting_an_interview_twice_is_refused() {
    given(&[started()])
        .when(Command::StartInterview(start()))
        .then_error(DomainError::AlreadyStarted);
}

#[test]
fn starting_again_after_the_end_is_refused() {
    given(&[started(), ended(3)])
        .when(Command::StartInterview(start()))
        .then_error(DomainError::AlreadyStarted);
}

#[test]
fn submitting_code_before_the_interview_has_started_is_refused() {
    given(&[])
        .when(submit(1))
        .then_error(DomainError::NotStarted);
}

#[test]
fn ending_an_interview_that_never_started_is_refused() {
    given(&[]).when(end(1)).then_error(DomainError::NotStarted);
}

#[test]
fn submitting_code_after_the_end_is_refused() {
    given(&[started(), ended(10)])
        .when(submit(11))
        .then_error(DomainError::InterviewOver);
}

#[test]
fn chatting_after_the_summary_is_refused() {
    given(&[started(), ended(10), summarised(2, 11)])
        .in_phase(Phase::Summarised)
        .when(say(ada(), QUESTION, 12))
        .then_error(DomainError::InterviewOver);
}

#[test]
fn asking_for_a_hint_after_the_timer_ended_the_interview_is_refused() {
    given(&[started(), timed_out(30)])
        .when(ask_hint(None, 31))
        .then_error(DomainError::InterviewOver);
}

#[test]
fn ending_an_interview_twice_is_refused() {
    given(&[started(), ended(10)])
        .when(end(11))
        .then_error(DomainError::AlreadyEnded);
}

#[test]
fn the_timer_cannot_end_an_interview_the_candidate_already_ended() {
    given(&[started(), ended(10)])
        .when(end_by_timer(t(30)))
        .then_error(DomainError::AlreadyEnded);
}

#[test]
fn the_timer_cannot_end_an_interview_without_a_time_limit() {
    given(&[started_with(start_untimed())])
        .when(end_by_timer(t(600)))
        .then_error(DomainError::NoTimeLimit);
}

fn end_idle(minutes: u32, minute: i64) -> Command {
    Command::EndInterview {
        by: EndBy::Idle { minutes },
        at: t(minute),
    }
}

fn abandoned(minute: i64) -> Event {
    Event::InterviewEnded(InterviewEnded {
        by: EndedBy::Timer,
        reason: EndReason::Abandoned,
        at: t(minute),
    })
}

#[test]
fn the_timer_ends_an_interview_whose_candidate_was_idle_long_enough_as_abandoned() {
    given(&[started_with(start_untimed()), explained(4)])
        .when(end_idle(120, 124))
        .then_events(&[abandoned(124)])
        .then_phase(Phase::Ended);
}

#[test]
fn the_candidate_acting_recently_keeps_the_idle_timer_from_ending_the_interview() {
    given(&[started_with(start_untimed()), explained(4)])
        .when(end_idle(120, 123))
        .then_error(DomainError::NotIdle { minutes: 120 });
}

#[test]
fn idleness_is_measured_from_the_start_when_the_candidate_never_acted() {
    given(&[started_with(start_untimed())])
        .when(end_idle(120, 120))
        .then_events(&[abandoned(120)]);
}

#[test]
fn a_coach_reply_does_not_count_as_the_candidate_acting() {
    given(&[
        started_with(start_untimed()),
        explained(4),
        replied(2, ReplyKind::ApproachFeedback, 100),
    ])
    .when(end_idle(120, 124))
    .then_events(&[abandoned(124)]);
}

#[test]
fn the_idle_timer_cannot_end_an_interview_already_ended() {
    given(&[started_with(start_untimed()), ended(5)])
        .when(end_idle(120, 200))
        .then_error(DomainError::AlreadyEnded);
}

#[test]
fn the_timer_cannot_end_the_interview_before_the_deadline() {
    let one_second_early = t(TIME_LIMIT.into()) - Duration::seconds(1);
    given(&[started()])
        .when(end_by_timer(one_second_early))
        .then_error(DomainError::TimeLimitNotReached);
}

#[test]
fn a_time_limit_of_zero_minutes_is_refused() {
    let start = StartInterview {
        time_limit_minutes: Some(0),
        ..start()
    };
    given(&[])
        .when(Command::StartInterview(start))
        .then_error(DomainError::InvalidTimeLimit { got: 0, max: 240 });
}

#[test]
fn a_time_limit_over_four_hours_is_refused() {
    let start = StartInterview {
        time_limit_minutes: Some(241),
        ..start()
    };
    given(&[])
        .when(Command::StartInterview(start))
        .then_error(DomainError::InvalidTimeLimit { got: 241, max: 240 });
}

#[test]
fn a_time_limit_of_exactly_four_hours_is_accepted() {
    let start = StartInterview {
        time_limit_minutes: Some(240),
        ..start()
    };
    let expected = started_with(start.clone());
    given(&[])
        .when(Command::StartInterview(start))
        .then_events(&[expected]);
}

// ---------------------------------------------------------------------------------
// Refusals: text and code
// ---------------------------------------------------------------------------------

#[test]
fn a_blank_approach_is_refused() {
    given(&[started()])
        .when(explain(" \n\t ", 4))
        .then_error(DomainError::EmptyText { what: "approach" });
}

#[test]
fn a_blank_chat_message_is_refused() {
    given(&[started()])
        .when(say(ada(), "", 2))
        .then_error(DomainError::EmptyText { what: "message" });
}

#[test]
fn a_blank_coach_reply_is_refused() {
    given(&[started(), said(ada(), 2)])
        .when(Command::RecordCoachReply {
            stamp: None,
            reply_to: 2,
            kind: ReplyKind::Chat,
            text: "  ".into(),
            usage: None,
            at: t(3),
        })
        .then_error(DomainError::EmptyText {
            what: "coach reply",
        });
}

#[test]
fn an_approach_over_the_text_limit_is_refused() {
    let long = "x".repeat(MAX_TEXT_CHARS + 1);
    given(&[started()])
        .when(explain(&long, 4))
        .then_error(DomainError::TextTooLong {
            what: "approach",
            got: MAX_TEXT_CHARS + 1,
            max: MAX_TEXT_CHARS,
        });
}

#[test]
fn a_custom_problem_over_its_limit_is_refused() {
    let start = StartInterview {
        problem: Problem::custom(&"y".repeat(MAX_PROBLEM_CHARS + 1)),
        ..start()
    };
    given(&[])
        .when(Command::StartInterview(start))
        .then_error(DomainError::TextTooLong {
            what: "problem description",
            got: MAX_PROBLEM_CHARS + 1,
            max: MAX_PROBLEM_CHARS,
        });
}

#[test]
fn the_text_limit_counts_characters_not_bytes() {
    let accented = "é".repeat(MAX_TEXT_CHARS);
    let then = given(&[started()]).when(explain(&accented, 4));
    assert_eq!(then.events().len(), 1);
}

#[test]
fn surrounding_whitespace_is_trimmed_from_an_approach() {
    given(&[started()])
        .when(explain(&format!("\n  {APPROACH}  \n"), 4))
        .then_events(&[explained(4)]);
}

#[test]
fn blank_code_is_refused() {
    given(&[started()])
        .when(submit_code(ada(), "\n   \n", 10))
        .then_error(DomainError::EmptyCode);
}

#[test]
fn code_over_the_size_limit_is_refused() {
    let code = "a".repeat(MAX_CODE_BYTES + 1);
    given(&[started()])
        .when(submit_code(ada(), &code, 10))
        .then_error(DomainError::CodeTooLarge {
            got: MAX_CODE_BYTES + 1,
            max: MAX_CODE_BYTES,
        });
}

#[test]
fn code_of_exactly_the_size_limit_is_accepted() {
    let code = "a".repeat(MAX_CODE_BYTES);
    let then = given(&[started()]).when(submit_code(ada(), &code, 10));
    assert_eq!(then.events().len(), 1);
}

#[test]
fn the_code_limit_counts_bytes_not_characters() {
    let code = "é".repeat(MAX_CODE_BYTES / 2 + 1);
    given(&[started()])
        .when(submit_code(ada(), &code, 10))
        .then_error(DomainError::CodeTooLarge {
            got: MAX_CODE_BYTES + 2,
            max: MAX_CODE_BYTES,
        });
}

// ---------------------------------------------------------------------------------
// Who may act
// ---------------------------------------------------------------------------------

#[test]
fn someone_else_cannot_submit_code_in_a_solo_interview() {
    given(&[started()])
        .when(submit_code(bob(), CODE, 10))
        .then_error(DomainError::OnlyCandidate {
            candidate: "ada".into(),
        });
}

#[test]
fn someone_else_cannot_chat_in_a_solo_interview() {
    given(&[started()])
        .when(say(bob(), QUESTION, 2))
        .then_error(DomainError::NotParticipant {
            candidate: "ada".into(),
        });
}

#[test]
fn the_candidate_is_recognised_by_id_after_a_rename() {
    let renamed = Actor {
        name: "ada lovelace".into(),
        ..ada()
    };
    let then = given(&[started()]).when(submit_code(renamed, CODE, 10));
    assert_eq!(then.events().len(), 1);
}

#[test]
fn the_same_user_id_on_another_platform_is_not_the_candidate() {
    let impostor = Actor {
        platform: Platform::Slack,
        ..ada()
    };
    given(&[started()])
        .when(end_by(impostor, 5))
        .then_error(DomainError::OnlyCandidate {
            candidate: "ada".into(),
        });
}

#[test]
fn others_may_chat_with_the_coach_in_a_group_interview() {
    given(&[started_with(start_group())])
        .when(say(bob(), QUESTION, 2))
        .then_events(&[said(bob(), 2)])
        .then_pending(&[(2, TurnKind::Chat)]);
}

#[test]
fn others_may_not_explain_the_approach_in_a_group_interview() {
    given(&[started_with(start_group())])
        .when(explain_by(bob(), APPROACH, 4))
        .then_error(DomainError::OnlyCandidate {
            candidate: "ada".into(),
        });
}

#[test]
fn others_may_not_submit_code_in_a_group_interview() {
    given(&[started_with(start_group())])
        .when(submit_code(bob(), CODE, 10))
        .then_error(DomainError::OnlyCandidate {
            candidate: "ada".into(),
        });
}

#[test]
fn others_may_not_ask_for_hints_in_a_group_interview() {
    given(&[started_with(start_group())])
        .when(ask_hint_by(bob(), None, 5))
        .then_error(DomainError::OnlyCandidate {
            candidate: "ada".into(),
        });
}

#[test]
fn others_may_not_end_a_group_interview() {
    given(&[started_with(start_group())])
        .when(end_by(bob(), 5))
        .then_error(DomainError::OnlyCandidate {
            candidate: "ada".into(),
        });
}

// ---------------------------------------------------------------------------------
// Submissions and hints
// ---------------------------------------------------------------------------------

#[test]
fn the_first_submission_is_number_one() {
    given(&[started(), explained(4)])
        .when(submit(15))
        .then_events(&[submitted(1, 15)]);
}

#[test]
fn each_resubmission_takes_the_next_number() {
    given(&[
        started(),
        submitted(1, 10),
        analyzed(2, 11),
        submitted(2, 15),
        analyzed(4, 16),
    ])
    .when(submit(20))
    .then_events(&[submitted(3, 20)]);
}

#[test]
fn the_submission_language_is_normalised() {
    let command = Command::SubmitCode(SubmitCode {
        actor: ada(),
        language: "  Python ".into(),
        code: CODE.into(),
        source: SubmissionSource::Command,
        at: t(15),
    });
    given(&[started()])
        .when(command)
        .then_events(&[submitted(1, 15)]);
}

#[test]
fn submitting_again_while_the_analysis_is_pending_is_refused() {
    given(&[started(), submitted(1, 10)])
        .when(submit(11))
        .then_error(DomainError::AnalysisPending);
}

#[test]
fn submitting_again_after_the_analysis_failed_is_allowed() {
    given(&[started(), submitted(1, 10), failed(2, true, 11)])
        .when(submit(12))
        .then_events(&[submitted(2, 12)]);
}

#[test]
fn the_first_hint_is_the_first_rung_of_the_ladder() {
    given(&[started()])
        .when(ask_hint(Some(3), 5))
        .then_events(&[hinted(1, 5)]);
}

#[test]
fn each_hint_climbs_one_rung() {
    given(&[started(), hinted(1, 5), replied(2, ReplyKind::Hint, 6)])
        .when(ask_hint(Some(3), 8))
        .then_events(&[hinted(2, 8)]);
}

#[test]
fn the_last_rung_of_the_ladder_can_be_requested() {
    given(&[started(), hinted(1, 5), hinted(2, 6)])
        .when(ask_hint(Some(3), 8))
        .then_events(&[hinted(3, 8)]);
}

#[test]
fn a_hint_beyond_the_end_of_the_ladder_is_refused() {
    given(&[started(), hinted(1, 5), hinted(2, 6)])
        .when(ask_hint(Some(2), 8))
        .then_error(DomainError::HintsExhausted { max: 2 });
}

#[test]
fn hints_are_unlimited_when_the_problem_has_no_ladder() {
    given(&[started(), hinted(1, 5), hinted(2, 6), hinted(3, 7)])
        .when(ask_hint(None, 8))
        .then_events(&[hinted(4, 8)]);
}

// ---------------------------------------------------------------------------------
// Pending coach turns
// ---------------------------------------------------------------------------------

#[test]
fn a_custom_problem_opens_an_intro_turn_for_the_coach() {
    given(&[])
        .when(Command::StartInterview(start_custom()))
        .then_pending(&[(1, TurnKind::Intro)]);
}

#[test]
fn a_bank_problem_opens_no_coach_turn() {
    given(&[])
        .when(Command::StartInterview(start()))
        .then_pending(&[]);
}

#[test]
fn explaining_the_approach_opens_an_approach_feedback_turn() {
    given(&[started()])
        .when(explain(APPROACH, 4))
        .then_pending(&[(2, TurnKind::ApproachFeedback)]);
}

#[test]
fn submitting_code_opens_an_analysis_turn() {
    given(&[
        started(),
        explained(4),
        replied(2, ReplyKind::ApproachFeedback, 5),
    ])
    .when(submit(15))
    .then_pending(&[(4, TurnKind::Analysis)]);
}

#[test]
fn a_chat_message_opens_a_chat_turn() {
    given(&[started()])
        .when(say(ada(), QUESTION, 2))
        .then_pending(&[(2, TurnKind::Chat)]);
}

#[test]
fn a_hint_request_opens_a_hint_turn() {
    given(&[started()])
        .when(ask_hint(None, 5))
        .then_pending(&[(2, TurnKind::Hint)]);
}

#[test]
fn ending_the_interview_opens_a_summary_turn() {
    given(&[started(), said(ada(), 2), replied(2, ReplyKind::Chat, 3)])
        .when(end(10))
        .then_pending(&[(4, TurnKind::Summary)]);
}

#[test]
fn pending_turns_are_listed_oldest_first() {
    given(&[started(), said(ada(), 2), hinted(1, 3)])
        .when(explain(APPROACH, 4))
        .then_pending(&[
            (2, TurnKind::Chat),
            (3, TurnKind::Hint),
            (4, TurnKind::ApproachFeedback),
        ]);
}

#[test]
fn a_coach_reply_closes_its_turn() {
    given(&[started(), explained(4), said(ada(), 5)])
        .when(record_reply(2, ReplyKind::ApproachFeedback, 6))
        .then_events(&[replied(2, ReplyKind::ApproachFeedback, 6)])
        .then_pending(&[(3, TurnKind::Chat)]);
}

#[test]
fn a_code_analysis_closes_its_turn_and_records_the_score() {
    let then = given(&[started(), submitted(1, 10)])
        .when(record_analysis(2, 11))
        .then_events(&[analyzed(2, 11)])
        .then_pending(&[]);
    assert_eq!(then.then_state().last_score, Some(Score::new(8).unwrap()));
}

fn stamp() -> CoachStamp {
    CoachStamp {
        prompt_version: "p2-r1-0123456789ab".into(),
        model: "claude-sonnet-4-5".into(),
    }
}

#[test]
fn an_analysis_keeps_the_prompt_version_and_model_it_was_produced_with() {
    let Command::RecordAnalysis {
        reply_to,
        analysis,
        usage,
        at,
        ..
    } = record_analysis(2, 11)
    else {
        unreachable!()
    };
    let command = Command::RecordAnalysis {
        reply_to,
        analysis,
        usage,
        stamp: Some(stamp()),
        at,
    };
    let Event::CodeAnalyzed(expected) = analyzed(2, 11) else {
        unreachable!()
    };
    given(&[started(), submitted(1, 10)])
        .when(command)
        .then_events(&[Event::CodeAnalyzed(CodeAnalyzed {
            stamp: Some(stamp()),
            ..expected
        })]);
}

#[test]
fn a_coach_failure_keeps_the_prompt_version_and_model_it_was_produced_with() {
    let Command::RecordCoachFailure {
        reply_to,
        kind,
        message,
        attempts,
        retryable,
        at,
        ..
    } = record_failure(2, true, 3)
    else {
        unreachable!()
    };
    let Event::CoachFailed(expected) = failed(2, true, 3) else {
        unreachable!()
    };
    given(&[started(), said(ada(), 2)])
        .when(Command::RecordCoachFailure {
            reply_to,
            kind,
            message,
            attempts,
            retryable,
            stamp: Some(stamp()),
            at,
        })
        .then_events(&[Event::CoachFailed(CoachFailed {
            stamp: Some(stamp()),
            ..expected
        })]);
}

#[test]
fn a_summary_closes_the_summary_turn() {
    given(&[started(), ended(10)])
        .when(record_summary(2, 11))
        .then_pending(&[]);
}

#[test]
fn a_coach_failure_marks_its_turn_failed() {
    let then = given(&[started(), said(ada(), 2)])
        .when(record_failure(2, true, 3))
        .then_events(&[failed(2, true, 3)])
        .then_pending(&[]);
    let turn = then.then_state().turns[&2];
    assert_eq!(turn.state, TurnState::Failed { retryable: true });
    assert_eq!(turn.failures, 1);
}

#[test]
fn retrying_reopens_the_latest_failed_turn() {
    let then = given(&[
        started(),
        said(ada(), 2),
        failed(2, true, 3),
        hinted(1, 4),
        failed(4, true, 5),
    ])
    .when(retry(6))
    .then_events(&[Event::RetryRequested(RetryRequested {
        actor: ada(),
        target: 4,
        at: t(6),
    })])
    .then_pending(&[(4, TurnKind::Hint)]);
    let state = then.then_state();
    assert_eq!(state.turns[&2].state, TurnState::Failed { retryable: true });
    assert_eq!(
        state.turns[&4].failures, 1,
        "a retry keeps the failure count"
    );
}

#[test]
fn a_failed_summary_can_be_retried_after_the_end() {
    given(&[started(), ended(10), failed(2, true, 11)])
        .when(retry(12))
        .then_pending(&[(2, TurnKind::Summary)]);
}

#[test]
fn retrying_with_no_failed_turn_is_refused() {
    given(&[started(), said(ada(), 2), replied(2, ReplyKind::Chat, 3)])
        .when(retry(4))
        .then_error(DomainError::NothingToRetry);
}

#[test]
fn a_second_coach_answer_to_a_closed_turn_is_not_pending() {
    given(&[started(), said(ada(), 2), replied(2, ReplyKind::Chat, 3)])
        .when(record_reply(2, ReplyKind::Chat, 4))
        .then_error(DomainError::NotPending { reply_to: 2 });
}

#[test]
fn a_second_analysis_of_the_same_submission_is_not_pending() {
    given(&[started(), submitted(1, 10), analyzed(2, 11)])
        .when(record_analysis(2, 12))
        .then_error(DomainError::NotPending { reply_to: 2 });
}

#[test]
fn an_analysis_cannot_answer_a_chat_turn() {
    given(&[started(), said(ada(), 2)])
        .when(record_analysis(2, 3))
        .then_error(DomainError::NotPending { reply_to: 2 });
}

#[test]
fn a_chat_reply_cannot_answer_an_analysis_turn() {
    given(&[started(), submitted(1, 10)])
        .when(record_reply(2, ReplyKind::Chat, 11))
        .then_error(DomainError::NotPending { reply_to: 2 });
}

#[test]
fn a_coach_answer_to_an_event_that_awaits_nothing_is_not_pending() {
    given(&[started()])
        .when(record_reply(1, ReplyKind::Chat, 1))
        .then_error(DomainError::NotPending { reply_to: 1 });
}

#[test]
fn a_summary_cannot_answer_a_chat_turn() {
    given(&[started(), said(ada(), 2), ended(3)])
        .when(record_summary(2, 4))
        .then_error(DomainError::NotPending { reply_to: 2 });
}

#[test]
fn a_summary_before_the_end_is_refused() {
    given(&[started(), said(ada(), 2)])
        .when(record_summary(2, 3))
        .then_error(DomainError::NotEnded);
}

// ---------------------------------------------------------------------------------
// Context compaction
// ---------------------------------------------------------------------------------

fn compact(up_to: Version, minute: i64) -> Command {
    Command::CompactContext {
        up_to,
        digest: DIGEST.into(),
        at: t(minute),
    }
}

fn compacted(up_to: Version, minute: i64) -> Event {
    Event::ContextCompacted(ContextCompacted {
        up_to,
        digest: DIGEST.into(),
        at: t(minute),
    })
}

const DIGEST: &str = "Ada proposed a one-pass hash map and asked about duplicates.";

#[test]
fn compacting_the_context_records_a_digest_and_leaves_the_interview_alone() {
    given(&[started(), explained(4), said(ada(), 5)])
        .when(compact(2, 6))
        .then_events(&[compacted(2, 6)])
        .then_phase(Phase::Coding)
        .then_pending(&[(2, TurnKind::ApproachFeedback), (3, TurnKind::Chat)]);
}

#[test]
fn compacting_further_after_a_compaction_is_allowed() {
    let then = given(&[started(), explained(4), said(ada(), 5), compacted(2, 6)])
        .when(compact(4, 7))
        .then_events(&[compacted(4, 7)]);
    assert_eq!(then.then_state().compacted_up_to, 4);
}

#[test]
fn compacting_up_to_an_event_not_yet_written_is_refused() {
    given(&[started(), explained(4)])
        .when(compact(3, 5))
        .then_error(DomainError::InvalidCompaction { up_to: 3 });
}

#[test]
fn compacting_again_up_to_an_already_compacted_event_is_refused() {
    given(&[started(), explained(4), said(ada(), 5), compacted(2, 6)])
        .when(compact(2, 7))
        .then_error(DomainError::InvalidCompaction { up_to: 2 });
}

#[test]
fn compacting_before_the_interview_has_started_is_refused() {
    given(&[])
        .when(compact(1, 1))
        .then_error(DomainError::NotStarted);
}

// ---------------------------------------------------------------------------------
// The summary
// ---------------------------------------------------------------------------------

#[test]
fn the_summary_carries_duration_submissions_and_hints_from_the_log() {
    let log = [
        started(),        // 1
        explained(4),     // 2
        hinted(1, 6),     // 3
        hinted(2, 8),     // 4
        submitted(1, 12), // 5
        analyzed(5, 13),  // 6
        submitted(2, 18), // 7
        analyzed(7, 19),  // 8
        ended(25),        // 9
    ];
    let expected = Event::SummaryWritten(SummaryWritten {
        reply_to: 9,
        duration_seconds: 25 * 60,
        submissions: 2,
        hints_used: 2,
        at: t(27),
        ..summary_fields()
    });
    given(&log)
        .when(record_summary(9, 27))
        .then_events(&[expected]);
}

fn summary_fields() -> SummaryWritten {
    match summarised(0, 0) {
        Event::SummaryWritten(s) => s,
        other => unreachable!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------
// Scores and bands
// ---------------------------------------------------------------------------------

#[test]
fn a_score_must_be_between_one_and_ten() {
    assert!(Score::new(0).is_err());
    assert!(Score::new(11).is_err());
    assert!(Score::new(-3).is_err());
    assert_eq!(Score::new(1).map(Score::get), Ok(1));
    assert_eq!(Score::new(10).map(Score::get), Ok(10));
}

#[test]
fn a_band_must_be_between_one_and_four() {
    assert!(Band::new(0).is_err());
    assert!(Band::new(5).is_err());
    assert_eq!(Band::new(1).map(Band::get), Ok(1));
    assert_eq!(Band::new(4).map(Band::get), Ok(4));
}

#[test]
fn a_score_outside_its_range_cannot_be_deserialised() {
    assert!(serde_json::from_str::<Score>("0").is_err());
    assert!(serde_json::from_str::<Score>("11").is_err());
    assert_eq!(serde_json::from_str::<Score>("7").unwrap().get(), 7);
}

#[test]
fn a_band_outside_its_range_cannot_be_deserialised() {
    assert!(serde_json::from_str::<Band>("0").is_err());
    assert!(serde_json::from_str::<Band>("5").is_err());
    assert_eq!(serde_json::from_str::<Band>("3").unwrap().get(), 3);
}

#[test]
fn an_analysis_with_an_out_of_range_score_or_band_cannot_be_deserialised() {
    let valid = serde_json::to_value(analysis(8)).unwrap();
    let mut score_too_high = valid.clone();
    score_too_high["score"] = 11.into();
    let mut band_too_high = valid.clone();
    band_too_high["rubric"]["testing"]["score"] = 5.into();

    assert!(serde_json::from_value::<Analysis>(valid).is_ok());
    assert!(serde_json::from_value::<Analysis>(score_too_high).is_err());
    assert!(serde_json::from_value::<Analysis>(band_too_high).is_err());
}

#[test]
fn scores_and_bands_are_stored_as_plain_integers() {
    assert_eq!(serde_json::to_string(&Score::new(8).unwrap()).unwrap(), "8");
    assert_eq!(serde_json::to_string(&Band::new(3).unwrap()).unwrap(), "3");
}

// ---------------------------------------------------------------------------------
// Coverage guard
// ---------------------------------------------------------------------------------

/// The test that produces each refusal. No wildcard: a new `DomainError` variant does
/// not compile until it is listed here with a test that produces it (and added to
/// `every_variant` below, so the named test is checked to exist).
fn test_producing(error: &DomainError) -> &'static str {
    match error {
        DomainError::AlreadyStarted => "starting_an_interview_twice_is_refused",
        DomainError::NotStarted => "submitting_code_before_the_interview_has_started_is_refused",
        DomainError::InterviewOver => "submitting_code_after_the_end_is_refused",
        DomainError::AlreadyEnded => "ending_an_interview_twice_is_refused",
        DomainError::EmptyText { .. } => "a_blank_approach_is_refused",
        DomainError::TextTooLong { .. } => "an_approach_over_the_text_limit_is_refused",
        DomainError::EmptyCode => "blank_code_is_refused",
        DomainError::CodeTooLarge { .. } => "code_over_the_size_limit_is_refused",
        DomainError::OnlyCandidate { .. } => "someone_else_cannot_submit_code_in_a_solo_interview",
        DomainError::NotParticipant { .. } => "someone_else_cannot_chat_in_a_solo_interview",
        DomainError::AnalysisPending => "submitting_again_while_the_analysis_is_pending_is_refused",
        DomainError::NothingToRetry => "retrying_with_no_failed_turn_is_refused",
        DomainError::NotPending { .. } => "a_second_coach_answer_to_a_closed_turn_is_not_pending",
        DomainError::NotEnded => "a_summary_before_the_end_is_refused",
        DomainError::NoTimeLimit => "the_timer_cannot_end_an_interview_without_a_time_limit",
        DomainError::TimeLimitNotReached => {
            "the_timer_cannot_end_the_interview_before_the_deadline"
        }
        DomainError::NotIdle { .. } => {
            "the_candidate_acting_recently_keeps_the_idle_timer_from_ending_the_interview"
        }
        DomainError::InvalidTimeLimit { .. } => "a_time_limit_of_zero_minutes_is_refused",
        DomainError::InvalidCompaction { .. } => {
            "compacting_up_to_an_event_not_yet_written_is_refused"
        }
        DomainError::HintsExhausted { .. } => "a_hint_beyond_the_end_of_the_ladder_is_refused",
        DomainError::TimeUp => "submitting_code_after_the_deadline_is_refused",
        DomainError::AlreadyWarned => "a_second_time_warning_is_refused",
        DomainError::WarningNotDue => "a_time_warning_before_it_is_due_is_refused",
        DomainError::ShareAlreadyRevoked => "a_share_link_is_revoked_once_and_others_stay_open",
        // Runs of code: their tests are in domain_runs.rs.
        DomainError::UnsupportedLanguage { .. } => {
            "an_unsupported_language_is_refused_with_the_supported_ones_listed"
        }
        DomainError::InputNotJson { .. } => {
            "a_custom_input_that_is_not_json_is_refused_with_an_example_of_the_arguments"
        }
        DomainError::InputMissingArgument { .. } => {
            "a_custom_input_lacking_an_argument_is_refused_naming_it"
        }
        DomainError::NoTests => "a_problem_not_in_the_bank_has_no_tests_to_run",
        DomainError::NotTestable { .. } => "a_submissions_results_are_recorded_once",
        DomainError::AlreadyRegraded { .. } => {
            "a_second_regrade_with_the_same_prompt_and_model_is_refused_but_another_model_is_not"
        }
        DomainError::InvalidRegrade { .. } => "a_regrade_has_one_grade_or_failure_per_repeat",
        // issue 16: peer interviews; their tests are in domain_peer.rs.
        DomainError::NotPeer => "peer_moves_in_a_solo_interview_are_refused_as_not_peer",
        DomainError::OnlyInterviewer { .. } => {
            "a_stranger_and_the_candidate_are_refused_the_interviewers_moves"
        }
        DomainError::PeerWithSelf | DomainError::PeerWithBot => {
            "nobody_interviews_themselves_or_is_interviewed_by_a_bot"
        }
        DomainError::InterviewerLeft => {
            "when_the_interviewer_leaves_the_coach_takes_over_and_the_candidate_can_end"
        }
        DomainError::HintsFromInterviewer { .. } => {
            "the_candidate_cannot_ask_the_coach_for_hints_while_the_interviewer_is_there"
        }
        DomainError::RubricAlreadyFilled => {
            "the_rubric_is_filled_once_by_the_interviewer_after_the_end"
        }
        DomainError::AlreadyRated | DomainError::InvalidStars { .. } => {
            "the_candidate_rates_the_interviewer_once_with_one_to_five_stars"
        }
        DomainError::AlreadySwapped | DomainError::OnlyPeerMembers { .. } => {
            "roles_are_swapped_once_by_either_member_after_the_end"
        }
    }
}

#[test]
fn every_domain_error_variant_has_a_test_that_produces_it() {
    let every_variant = [
        DomainError::AlreadyStarted,
        DomainError::NotStarted,
        DomainError::InterviewOver,
        DomainError::AlreadyEnded,
        DomainError::EmptyText { what: "approach" },
        DomainError::TextTooLong {
            what: "approach",
            got: 1,
            max: 0,
        },
        DomainError::EmptyCode,
        DomainError::CodeTooLarge { got: 1, max: 0 },
        DomainError::OnlyCandidate {
            candidate: "ada".into(),
        },
        DomainError::NotParticipant {
            candidate: "ada".into(),
        },
        DomainError::AnalysisPending,
        DomainError::NothingToRetry,
        DomainError::NotPending { reply_to: 1 },
        DomainError::NotEnded,
        DomainError::NoTimeLimit,
        DomainError::TimeLimitNotReached,
        DomainError::NotIdle { minutes: 1 },
        DomainError::InvalidTimeLimit { got: 0, max: 240 },
        DomainError::InvalidCompaction { up_to: 0 },
        DomainError::HintsExhausted { max: 0 },
        DomainError::TimeUp,
        DomainError::AlreadyWarned,
        DomainError::WarningNotDue,
        DomainError::ShareAlreadyRevoked,
        DomainError::UnsupportedLanguage {
            language: "cobol".into(),
            supported: "python".into(),
        },
        DomainError::InputNotJson {
            reason: "eof".into(),
            example: "{}".into(),
        },
        DomainError::InputMissingArgument {
            missing: "target".into(),
            expected: "nums, target".into(),
        },
        DomainError::NoTests,
        DomainError::NotTestable { submission: 1 },
        DomainError::AlreadyRegraded {
            prompt_version: "p".into(),
            model: "m".into(),
        },
        DomainError::InvalidRegrade { reason: "r".into() },
        DomainError::NotPeer,
        DomainError::OnlyInterviewer {
            interviewer: "ivy".into(),
        },
        DomainError::PeerWithSelf,
        DomainError::PeerWithBot,
        DomainError::InterviewerLeft,
        DomainError::HintsFromInterviewer {
            interviewer: "ivy".into(),
        },
        DomainError::RubricAlreadyFilled,
        DomainError::AlreadyRated,
        DomainError::InvalidStars { got: 6 },
        DomainError::AlreadySwapped,
        DomainError::OnlyPeerMembers {
            candidate: "ada".into(),
            interviewer: "ivy".into(),
        },
    ];
    let source = [
        include_str!("domain_decide.rs"),
        include_str!("domain_runs.rs"),
        include_str!("domain_peer.rs"),
    ]
    .concat();
    for error in &every_variant {
        let name = test_producing(error);
        assert!(
            source.contains(&format!("#[test]\nfn {name}()")),
            "{error:?} names {name}, which is not a test in this file or domain_runs.rs"
        );
    }
}

// ---------------------------------------------------------------------------------
// Time limits
// ---------------------------------------------------------------------------------

fn warn(minute: i64) -> Command {
    Command::WarnTime {
        minutes_left: 5,
        at: t(minute),
    }
}

#[test]
fn submitting_code_after_the_deadline_is_refused() {
    given(&[started()])
        .when(submit(TIME_LIMIT as i64))
        .then_error(DomainError::TimeUp);
}

#[test]
fn ending_after_the_deadline_is_still_allowed() {
    let events = given(&[started()])
        .when(end_by(ada(), TIME_LIMIT as i64 + 3))
        .events()
        .to_vec();
    assert!(matches!(events[0], Event::InterviewEnded(_)));
}

#[test]
fn the_time_warning_is_given_once_five_minutes_before_the_deadline() {
    let warned = given(&[started()])
        .when(warn(TIME_LIMIT as i64 - 5))
        .events()
        .to_vec();
    let Event::CoachReplied(reply) = &warned[0] else {
        panic!("{warned:?}")
    };
    assert_eq!(reply.kind, ReplyKind::TimeWarning);
    assert!(reply.text.contains("5 minutes left"), "{}", reply.text);
    assert!(Interview::from_events(&[started(), warned[0].clone()]).time_warned);
}

#[test]
fn a_second_time_warning_is_refused() {
    let warned = given(&[started()])
        .when(warn(TIME_LIMIT as i64 - 4))
        .events()
        .to_vec();
    given(&[started(), warned[0].clone()])
        .when(warn(TIME_LIMIT as i64 - 3))
        .then_error(DomainError::AlreadyWarned);
}

#[test]
fn a_time_warning_before_it_is_due_is_refused() {
    given(&[started()])
        .when(warn(TIME_LIMIT as i64 - 6))
        .then_error(DomainError::WarningNotDue);
}

fn revoke(share_id: Uuid, minute: i64) -> Command {
    Command::RevokeShare {
        share_id,
        at: t(minute),
    }
}

fn revoked(share_id: Uuid, minute: i64) -> Event {
    Event::ShareRevoked(ShareRevoked {
        share_id,
        at: t(minute),
    })
}

#[test]
fn revoking_a_share_link_records_it_and_leaves_the_interview_alone() {
    let link = Uuid::new_v4();
    let then = given(&[started(), explained(4)])
        .when(revoke(link, 5))
        .then_events(&[revoked(link, 5)])
        .then_phase(Phase::Coding)
        .then_pending(&[(2, TurnKind::ApproachFeedback)]);
    assert!(then.then_state().revoked_shares.contains(&link));
}

#[test]
fn a_share_link_of_an_ended_interview_can_be_revoked() {
    let link = Uuid::new_v4();
    given(&[started(), ended(10)])
        .when(revoke(link, 60))
        .then_events(&[revoked(link, 60)]);
}

#[test]
fn a_share_link_is_revoked_once_and_others_stay_open() {
    let (first, second) = (Uuid::new_v4(), Uuid::new_v4());
    given(&[started(), revoked(first, 5)])
        .when(revoke(first, 6))
        .then_error(DomainError::ShareAlreadyRevoked);
    given(&[started(), revoked(first, 5)])
        .when(revoke(second, 6))
        .then_events(&[revoked(second, 6)]);
}

#[test]
fn no_share_link_is_revoked_before_the_interview_starts() {
    given(&[])
        .when(revoke(Uuid::new_v4(), 1))
        .then_error(DomainError::NotStarted);
}

// ---------------------------------------------------------------------------------
// Regrades (the operator's `regrade --record`)
// ---------------------------------------------------------------------------------

/// Started, code submitted (v2), analysed, ended (v4), summarised.
fn graded_interview() -> Vec<Event> {
    vec![
        started(),
        submitted(1, 5),
        analyzed(2, 6),
        ended(10),
        summarised(4, 11),
    ]
}

fn regraded(model: &str, turns: Vec<RegradedTurn>, repeat: u32) -> Regraded {
    Regraded {
        stamp: CoachStamp {
            prompt_version: "p3-r1-abcdef012345".into(),
            model: model.into(),
        },
        repeat,
        turns,
        tokens: 5_000,
        at: t(60),
    }
}

fn regraded_analysis(reply_to: Version, scores: &[i64], failed: u32) -> RegradedTurn {
    RegradedTurn {
        reply_to,
        kind: GradedKind::Analysis,
        original: Grade::of_analysis(&analysis(8)),
        grades: scores
            .iter()
            .map(|s| Grade::of_analysis(&analysis(*s)))
            .collect(),
        failed,
    }
}

fn regraded_summary(reply_to: Version) -> RegradedTurn {
    RegradedTurn {
        reply_to,
        kind: GradedKind::Summary,
        original: Grade::of_summary(&summary_rubric(), HireSignal::LeanYes),
        grades: vec![Grade::of_summary(&summary_rubric(), HireSignal::Yes)],
        failed: 0,
    }
}

fn record_regrade(r: &Regraded) -> Command {
    Command::RecordRegrade(Box::new(r.clone()))
}

#[test]
fn a_regrade_of_an_ended_interview_is_recorded_as_one_event_and_changes_no_score() {
    let r = regraded(
        "claude-sonnet-4-5",
        vec![regraded_analysis(2, &[9], 0), regraded_summary(4)],
        1,
    );
    let then = given(&graded_interview())
        .when(record_regrade(&r))
        .then_events(&[Event::Regraded(r.clone())])
        .then_phase(Phase::Summarised)
        .then_pending(&[]);
    let state = then.then_state();
    assert_eq!(
        state.last_score.map(Score::get),
        Some(8),
        "the original stands"
    );
    assert_eq!(state.regrades, vec![r.stamp]);
}

#[test]
fn an_interview_that_has_not_ended_is_not_regraded() {
    let r = regraded("m", vec![regraded_analysis(2, &[9], 0)], 1);
    given(&[started(), submitted(1, 5), analyzed(2, 6)])
        .when(record_regrade(&r))
        .then_error(DomainError::NotEnded);
}

#[test]
fn a_second_regrade_with_the_same_prompt_and_model_is_refused_but_another_model_is_not() {
    let first = regraded("m1", vec![regraded_analysis(2, &[9], 0)], 1);
    let mut events = graded_interview();
    events.push(Event::Regraded(first.clone()));
    given(&events)
        .when(record_regrade(&first))
        .then_error(DomainError::AlreadyRegraded {
            prompt_version: "p3-r1-abcdef012345".into(),
            model: "m1".into(),
        });
    let other = regraded("m2", vec![regraded_analysis(2, &[6], 0)], 1);
    given(&events)
        .when(record_regrade(&other))
        .then_events(&[Event::Regraded(other.clone())]);
}

#[test]
fn a_regrade_must_name_an_analysis_or_summary_turn_of_the_interview() {
    // Version 3 is the analysis itself, not the submission it answered.
    let r = regraded("m", vec![regraded_analysis(3, &[9], 0)], 1);
    given(&graded_interview())
        .when(record_regrade(&r))
        .then_error(DomainError::InvalidRegrade {
            reason: "event 3 opened no analysis turn in this interview".into(),
        });
    let mut summary_as_analysis = regraded_summary(4);
    summary_as_analysis.kind = GradedKind::Analysis;
    let r = regraded("m", vec![summary_as_analysis], 1);
    assert!(matches!(
        decide(
            &Interview::from_events(&graded_interview()),
            record_regrade(&r)
        ),
        Err(DomainError::InvalidRegrade { .. })
    ));
}

#[test]
fn a_regrade_has_one_grade_or_failure_per_repeat() {
    let r = regraded("m", vec![regraded_analysis(2, &[9, 8], 0)], 3);
    given(&graded_interview())
        .when(record_regrade(&r))
        .then_error(DomainError::InvalidRegrade {
            reason: "turn 2 has 2 grades and 0 failures for 3 repeats".into(),
        });
    let r = regraded("m", vec![regraded_analysis(2, &[9, 8], 1)], 3);
    given(&graded_interview())
        .when(record_regrade(&r))
        .then_events(&[Event::Regraded(r.clone())]);
}

#[test]
fn an_empty_regrade_is_refused() {
    let r = regraded("m", vec![], 1);
    given(&graded_interview())
        .when(record_regrade(&r))
        .then_error(DomainError::InvalidRegrade {
            reason: "it grades nothing".into(),
        });
}
