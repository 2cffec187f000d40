//! Given/when/then for streaks and the solve rule.

use super::*;
use crate::domain::{
    CaseBrief, CaseVerdict, CoachConfig, HiddenTests, InterviewStarted, Mode, Platform, RunOf,
    TestsRun, daily_stream,
};
use chrono::NaiveTime;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a valid test date")
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("a valid test time")
        .with_timezone(&Utc)
}

fn days(list: &[&str]) -> BTreeSet<NaiveDate> {
    list.iter().map(|s| d(s)).collect()
}

#[test]
fn consecutive_solved_posted_days_make_the_current_streak() {
    let posted = days(&["2026-03-01", "2026-03-02", "2026-03-03"]);
    let solved = days(&["2026-03-02", "2026-03-03"]);
    let s = streak(&posted, &solved, d("2026-03-03"));
    assert_eq!((s.current, s.longest, s.solved_today), (2, 2, true));
}

#[test]
fn todays_unsolved_post_does_not_break_the_streak_yet() {
    let posted = days(&["2026-03-01", "2026-03-02", "2026-03-03"]);
    let solved = days(&["2026-03-01", "2026-03-02"]);
    let s = streak(&posted, &solved, d("2026-03-03"));
    assert_eq!((s.current, s.solved_today), (2, false));
}

#[test]
fn a_posted_day_left_unsolved_breaks_the_streak_but_not_the_longest() {
    let posted = days(&["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"]);
    let solved = days(&["2026-03-01", "2026-03-02", "2026-03-04"]);
    let s = streak(&posted, &solved, d("2026-03-05"));
    assert_eq!((s.current, s.longest, s.solved), (1, 2, 3));
}

#[test]
fn a_day_without_a_post_neither_breaks_nor_extends_a_streak() {
    let posted = days(&["2026-03-01", "2026-03-03"]);
    let solved = days(&["2026-03-01", "2026-03-03"]);
    let s = streak(&posted, &solved, d("2026-03-03"));
    assert_eq!((s.current, s.longest), (2, 2));
}

fn recorded(position: i64, stream: &StreamId, event: Event) -> RecordedEvent {
    RecordedEvent {
        position,
        stream_id: stream.clone(),
        version: position as u64,
        recorded_at: event.at(),
        event,
    }
}

fn member() -> Actor {
    Actor::new(Platform::Discord, "200", "grace")
}

fn board_with_a_berlin_daily_of(problem: &str, day: &str) -> (DailyBoard, StreamId) {
    let daily = daily_stream(Platform::Discord, "g1");
    let mut board = DailyBoard::default();
    board.apply(&recorded(
        1,
        &daily,
        Event::DailyScheduled(DailyScheduled {
            channel: "c1".into(),
            local_time: NaiveTime::from_hms_opt(9, 0, 0).expect("a valid time"),
            time_zone: "Europe/Berlin".into(),
            difficulty: None,
            topics: vec![],
            by: Actor::new(Platform::Discord, "100", "ada"),
            at: t("2026-03-01T00:00:00Z"),
        }),
    ));
    board.apply(&recorded(
        2,
        &daily,
        Event::DailyPosted(DailyPosted {
            day: d(day),
            problem: bank(problem),
            channel: "c1".into(),
            due_at: t("2026-03-29T07:00:00Z"),
            at: t("2026-03-29T07:00:00Z"),
        }),
    ));
    let interview = StreamId::new("discord:g1:thread1");
    board.apply(&recorded(
        3,
        &interview,
        Event::InterviewStarted(InterviewStarted {
            interview_id: uuid::Uuid::nil(),
            place: Place::Discord {
                guild: "g1".into(),
                channel: "c1".into(),
                thread: "thread1".into(),
            },
            candidate: member(),
            problem: bank(problem),
            language: Some("python".into()),
            difficulty: None,
            time_limit_minutes: None,
            mode: Mode::default(),
            coach: CoachConfig {
                model: "m".into(),
                prompt_version: 1,
                rubric_version: 1,
            },
            at: t("2026-03-29T07:05:00Z"),
        }),
    ));
    (board, interview)
}

fn bank(id: &str) -> Problem {
    Problem::Bank {
        id: id.into(),
        version: 1,
        title: id.into(),
    }
}

fn run(verdicts: &[CaseVerdict], at: &str) -> Event {
    Event::TestsRun(TestsRun {
        actor: member(),
        of: RunOf::Submission { submission: 1 },
        language: "python".into(),
        isolation: "bubblewrap".into(),
        verdict: CaseVerdict::Passed,
        examples: vec![],
        tests: HiddenTests {
            cases: verdicts
                .iter()
                .map(|v| CaseBrief {
                    verdict: *v,
                    time_ms: None,
                    memory_bytes: None,
                })
                .collect(),
            first_failure: None,
        },
        custom: None,
        error: None,
        complexity: None,
        at: t(at),
    })
}

#[test]
fn a_submission_passing_every_hidden_test_that_local_day_solves_it() {
    let (mut board, interview) = board_with_a_berlin_daily_of("two-sum", "2026-03-29");
    board.apply(&recorded(
        4,
        &interview,
        run(&[CaseVerdict::Passed; 3], "2026-03-29T21:30:00Z"),
    ));
    let community = board
        .community("discord:g1")
        .expect("the community is known");
    let s = community.streak_of(&member().member_id(), t("2026-03-29T21:31:00Z"));
    assert_eq!((s.current, s.solved_today), (1, true));
}

#[test]
fn a_submission_failing_one_hidden_test_does_not_solve_the_day() {
    let (mut board, interview) = board_with_a_berlin_daily_of("two-sum", "2026-03-29");
    let verdicts = [CaseVerdict::Passed, CaseVerdict::WrongAnswer];
    board.apply(&recorded(
        4,
        &interview,
        run(&verdicts, "2026-03-29T08:00:00Z"),
    ));
    let community = board
        .community("discord:g1")
        .expect("the community is known");
    assert!(community.solvers.is_empty());
}

#[test]
fn a_pass_after_local_midnight_belongs_to_the_next_day_and_does_not_count() {
    let (mut board, interview) = board_with_a_berlin_daily_of("two-sum", "2026-03-29");
    // 22:30 UTC on the 29th is 00:30 on the 30th in Berlin (summer time).
    board.apply(&recorded(
        4,
        &interview,
        run(&[CaseVerdict::Passed], "2026-03-29T22:30:00Z"),
    ));
    let community = board
        .community("discord:g1")
        .expect("the community is known");
    assert!(community.solvers.is_empty());
}

#[test]
fn solving_another_problem_that_day_does_not_count() {
    let (mut board, interview) = board_with_a_berlin_daily_of("two-sum", "2026-03-29");
    let mut other = board.clone();
    other
        .attempts
        .get_mut(&interview)
        .expect("started")
        .problem_id = "lru-cache".into();
    other.apply(&recorded(
        4,
        &interview,
        run(&[CaseVerdict::Passed], "2026-03-29T08:00:00Z"),
    ));
    assert!(
        other
            .community("discord:g1")
            .expect("known")
            .solvers
            .is_empty()
    );
    board.apply(&recorded(
        4,
        &interview,
        run(&[CaseVerdict::Passed], "2026-03-29T08:00:00Z"),
    ));
    assert_eq!(
        board.community("discord:g1").expect("known").solvers.len(),
        1
    );
}
