//! Running the candidate's code, given/when/then: given the events so far, when a
//! `RunTests` arrives it is accepted with no events (the judge runs outside `decide`)
//! or refused with a message naming the cause; a `RecordTestsRun` appends the verdicts
//! once per submission. One rule per test; the clock is fixed.

use chrono::{DateTime, Duration, TimeZone, Utc};
use interview_coach::domain::*;
use uuid::Uuid;

struct Then(Result<Vec<Event>, DomainError>);

fn given(events: &[Event]) -> Interview {
    Interview::from_events(events)
}

fn when(state: &Interview, command: Command) -> Then {
    Then(decide(state, command))
}

impl Then {
    fn then_events(self, expected: &[Event]) {
        assert_eq!(self.0.expect("accepted"), expected);
    }

    fn then_error(self, expected: DomainError) {
        assert_eq!(self.0.expect_err("refused"), expected);
    }

    fn then_message_names(self, words: &[&str]) {
        let message = self.0.expect_err("refused").to_string();
        for w in words {
            assert!(message.contains(w), "{message:?} should name {w:?}");
        }
    }
}

fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 14, 9, 0, 0).unwrap() + Duration::minutes(minutes)
}

fn ada() -> Actor {
    Actor::new(Platform::Web, "ada-session", "ada")
}

fn bob() -> Actor {
    Actor::new(Platform::Web, "bob-session", "bob")
}

fn started_on(problem: Problem) -> Event {
    Event::InterviewStarted(InterviewStarted {
        interview_id: Uuid::nil(),
        place: Place::Web {
            session: "s".into(),
        },
        candidate: ada(),
        problem,
        language: Some("python".into()),
        difficulty: Some(Difficulty::Easy),
        time_limit_minutes: Some(30),
        mode: Mode::Solo,
        coach: CoachConfig {
            model: "m".into(),
            prompt_version: 3,
            rubric_version: 2,
        },
        at: t(0),
    })
}

fn started() -> Event {
    started_on(Problem::Bank {
        id: "two-sum".into(),
        version: 1,
        title: "Two Sum".into(),
    })
}

fn started_custom() -> Event {
    started_on(Problem::custom("Reverse a string"))
}

fn submitted(n: u32) -> Event {
    Event::CodeSubmitted(CodeSubmitted {
        actor: ada(),
        language: "python".into(),
        code: "def two_sum(nums, target): return []".into(),
        source: SubmissionSource::Editor,
        submission: n,
        at: t(5),
    })
}

fn ended() -> Event {
    Event::InterviewEnded(InterviewEnded {
        by: EndedBy::Member { actor: ada() },
        reason: EndReason::Finished,
        at: t(10),
    })
}

fn run_tests() -> RunTests {
    RunTests {
        actor: ada(),
        language: "python".into(),
        code: "def two_sum(nums, target): return [0, 1]".into(),
        custom_input: None,
        supported: vec![
            "python".into(),
            "javascript".into(),
            "java".into(),
            "cpp".into(),
        ],
        arguments: Some(vec!["nums".into(), "target".into()]),
        at: t(6),
    }
}

fn run(c: RunTests) -> Command {
    Command::RunTests(c)
}

fn results(of: RunOf) -> TestsRun {
    TestsRun {
        actor: ada(),
        of,
        language: "python".into(),
        isolation: "namespaces".into(),
        verdict: CaseVerdict::Passed,
        examples: vec![],
        tests: HiddenTests::default(),
        custom: None,
        error: None,
        complexity: None,
        at: t(7),
    }
}

#[test]
fn the_candidate_may_run_the_tests_while_the_interview_runs_and_nothing_is_appended() {
    when(&given(&[started()]), run(run_tests())).then_events(&[]);
}

#[test]
fn a_run_before_the_interview_starts_is_refused() {
    when(&given(&[]), run(run_tests())).then_error(DomainError::NotStarted);
}

#[test]
fn a_run_after_the_end_is_refused() {
    when(&given(&[started(), ended()]), run(run_tests())).then_error(DomainError::InterviewOver);
}

#[test]
fn a_run_past_the_time_limit_is_refused() {
    let late = RunTests {
        at: t(31),
        ..run_tests()
    };
    when(&given(&[started()]), run(late)).then_error(DomainError::TimeUp);
}

#[test]
fn a_run_by_someone_who_is_not_the_candidate_is_refused() {
    let by_bob = RunTests {
        actor: bob(),
        ..run_tests()
    };
    when(&given(&[started()]), run(by_bob)).then_error(DomainError::OnlyCandidate {
        candidate: "ada".into(),
    });
}

#[test]
fn an_unsupported_language_is_refused_with_the_supported_ones_listed() {
    let cobol = RunTests {
        language: "cobol".into(),
        ..run_tests()
    };
    when(&given(&[started()]), run(cobol))
        .then_message_names(&["\"cobol\"", "python, javascript, java, cpp"]);
}

#[test]
fn code_over_the_size_limit_is_refused() {
    let big = RunTests {
        code: "x".repeat(MAX_CODE_BYTES + 1),
        ..run_tests()
    };
    when(&given(&[started()]), run(big)).then_error(DomainError::CodeTooLarge {
        got: MAX_CODE_BYTES + 1,
        max: MAX_CODE_BYTES,
    });
}

#[test]
fn a_run_with_no_code_is_refused() {
    let empty = RunTests {
        code: "  ".into(),
        ..run_tests()
    };
    when(&given(&[started()]), run(empty)).then_error(DomainError::EmptyCode);
}

#[test]
fn a_custom_input_that_is_not_json_is_refused_with_an_example_of_the_arguments() {
    let bad = RunTests {
        custom_input: Some("nums=[1,2]".into()),
        ..run_tests()
    };
    when(&given(&[started()]), run(bad))
        .then_message_names(&["not valid JSON", "{\"nums\": ..., \"target\": ...}"]);
}

#[test]
fn a_custom_input_lacking_an_argument_is_refused_naming_it() {
    let lacking = RunTests {
        custom_input: Some(r#"{"nums": [1, 2]}"#.into()),
        ..run_tests()
    };
    when(&given(&[started()]), run(lacking)).then_error(DomainError::InputMissingArgument {
        missing: "target".into(),
        expected: "nums, target".into(),
    });
}

#[test]
fn a_custom_input_with_every_argument_may_run() {
    let custom = RunTests {
        custom_input: Some(r#"{"nums": [1, 2], "target": 3}"#.into()),
        ..run_tests()
    };
    when(&given(&[started()]), run(custom)).then_events(&[]);
}

#[test]
fn a_problem_not_in_the_bank_has_no_tests_to_run() {
    let no_bank = RunTests {
        arguments: None,
        ..run_tests()
    };
    when(&given(&[started_custom()]), run(no_bank)).then_message_names(&[
        "not from the bank",
        "no tests",
        "input of your own",
    ]);
}

#[test]
fn a_problem_not_in_the_bank_still_runs_on_a_custom_input() {
    let own = RunTests {
        arguments: None,
        custom_input: Some("\"hello\"".into()),
        ..run_tests()
    };
    when(&given(&[started_custom()]), run(own)).then_events(&[]);
}

#[test]
fn an_ad_hoc_runs_results_are_recorded_and_counted() {
    let r = results(RunOf::Adhoc { code: "x".into() });
    let state = given(&[started()]);
    when(&state, Command::RecordTestsRun(r.clone())).then_events(&[Event::TestsRun(r.clone())]);
    let after = given(&[started(), Event::TestsRun(r)]);
    assert_eq!((after.runs, after.phase()), (1, Phase::Approach));
    assert!(after.pending_turns().is_empty(), "a run is no coach turn");
}

#[test]
fn a_submissions_results_are_recorded_once() {
    let r = results(RunOf::Submission { submission: 1 });
    let state = given(&[started(), submitted(1)]);
    when(&state, Command::RecordTestsRun(r.clone())).then_events(&[Event::TestsRun(r.clone())]);
    let again = given(&[started(), submitted(1), Event::TestsRun(r.clone())]);
    assert!(again.tested.contains(&1));
    when(&again, Command::RecordTestsRun(r)).then_error(DomainError::NotTestable { submission: 1 });
}

#[test]
fn results_for_a_submission_that_does_not_exist_are_refused() {
    let r = results(RunOf::Submission { submission: 2 });
    when(
        &given(&[started(), submitted(1)]),
        Command::RecordTestsRun(r),
    )
    .then_error(DomainError::NotTestable { submission: 2 });
}

#[test]
fn an_ad_hoc_run_that_ends_after_the_interview_is_still_recorded() {
    let r = results(RunOf::Adhoc { code: "x".into() });
    when(
        &given(&[started(), ended()]),
        Command::RecordTestsRun(r.clone()),
    )
    .then_events(&[Event::TestsRun(r)]);
}
