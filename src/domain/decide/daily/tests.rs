//! Given/when/then for the daily problem's rules: one rule per test.

use super::*;
use crate::domain::ids::Platform;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("a valid test time")
        .with_timezone(&Utc)
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a valid test date")
}

fn hm(s: &str) -> NaiveTime {
    NaiveTime::parse_from_str(s, "%H:%M").expect("a valid test time of day")
}

fn organiser() -> Actor {
    Actor::new(Platform::Discord, "100", "ada")
}

fn bank(id: &str, difficulty: Difficulty, topics: &[&str]) -> Candidate {
    Candidate {
        problem: Problem::Bank {
            id: id.to_string(),
            version: 1,
            title: id.replace('-', " "),
        },
        difficulty,
        topics: topics.iter().map(|s| s.to_string()).collect(),
    }
}

fn candidates() -> Vec<Candidate> {
    vec![
        bank("two-sum", Difficulty::Easy, &["arrays", "hashing"]),
        bank("valid-parentheses", Difficulty::Easy, &["stack"]),
        bank("lru-cache", Difficulty::Medium, &["design", "hashing"]),
    ]
}

fn set(time: &str, zone: &str, at: &str) -> DailyCommand {
    DailyCommand::Set {
        channel: "C1".to_string(),
        local_time: hm(time),
        time_zone: zone.to_string(),
        difficulty: None,
        topics: vec![],
        by: organiser(),
        may_manage: true,
        who: "members with Manage Server".to_string(),
        at: t(at),
    }
}

fn post(now: &str) -> DailyCommand {
    DailyCommand::Post {
        now: t(now),
        candidates: candidates(),
    }
}

/// The harness: events so far, then a command.
struct Given(Vec<Event>);

fn given(events: Vec<Event>) -> Given {
    Given(events)
}

impl Given {
    fn and(mut self, command: DailyCommand) -> Given {
        let state = Daily::from_events(&self.0);
        let events = decide_daily(&state, command).expect("the setup command is accepted");
        self.0.extend(events);
        self
    }

    fn when(&self, command: DailyCommand) -> Result<Vec<Event>, DailyRefused> {
        decide_daily(&Daily::from_events(&self.0), command)
    }
}

fn posted_day(events: &[Event]) -> Option<(NaiveDate, DateTime<Utc>)> {
    match events {
        [Event::DailyPosted(p)] => Some((p.day, p.due_at)),
        [] => None,
        other => panic!("expected one post or none, got {other:?}"),
    }
}

fn berlin_at_nine() -> Given {
    given(vec![]).and(set("09:00", "Europe/Berlin", "2026-03-01T12:00:00Z"))
}

#[test]
fn a_plain_member_cannot_set_the_daily_problem_and_is_told_who_can() {
    let mut command = set("09:00", "Europe/Berlin", "2026-03-01T12:00:00Z");
    if let DailyCommand::Set { may_manage, .. } = &mut command {
        *may_manage = false;
    }
    let refused = given(vec![]).when(command).unwrap_err();
    assert_eq!(
        refused,
        DailyRefused::NotAllowed {
            who: "members with Manage Server".to_string()
        }
    );
    assert!(refused.to_string().contains("members with Manage Server"));
}

#[test]
fn a_time_zone_that_is_not_an_iana_name_is_refused() {
    let refused = given(vec![])
        .when(set("09:00", "Mars/Olympus", "2026-03-01T12:00:00Z"))
        .unwrap_err();
    assert_eq!(
        refused,
        DailyRefused::UnknownTimeZone("Mars/Olympus".into())
    );
}

#[test]
fn a_time_zone_is_recorded_under_its_canonical_name() {
    let events = given(vec![])
        .when(set("09:00", "europe/berlin", "2026-03-01T12:00:00Z"))
        .unwrap();
    let [Event::DailyScheduled(s)] = events.as_slice() else {
        panic!("expected a schedule, got {events:?}");
    };
    assert_eq!(s.time_zone, "Europe/Berlin");
}

#[test]
fn turning_off_a_daily_that_was_never_set_is_refused() {
    let refused = given(vec![])
        .when(DailyCommand::TurnOff {
            by: organiser(),
            may_manage: true,
            who: "admins".into(),
            at: t("2026-03-01T12:00:00Z"),
        })
        .unwrap_err();
    assert_eq!(refused, DailyRefused::NotScheduled);
}

#[test]
fn a_plain_member_cannot_turn_the_daily_off() {
    let refused = berlin_at_nine()
        .when(DailyCommand::TurnOff {
            by: organiser(),
            may_manage: false,
            who: "workspace admins or the channel's creator".into(),
            at: t("2026-03-02T12:00:00Z"),
        })
        .unwrap_err();
    assert!(matches!(refused, DailyRefused::NotAllowed { .. }));
}

#[test]
fn nine_in_berlin_is_eight_utc_in_winter_and_seven_after_the_march_change() {
    let given = berlin_at_nine();
    assert_eq!(
        posted_day(&given.when(post("2026-03-28T08:00:00Z")).unwrap()),
        Some((d("2026-03-28"), t("2026-03-28T08:00:00Z")))
    );
    let given = given.and(post("2026-03-28T08:00:00Z"));
    assert_eq!(
        posted_day(&given.when(post("2026-03-29T06:59:00Z")).unwrap()),
        None
    );
    assert_eq!(
        posted_day(&given.when(post("2026-03-29T07:00:00Z")).unwrap()),
        Some((d("2026-03-29"), t("2026-03-29T07:00:00Z")))
    );
}

#[test]
fn nine_in_berlin_is_eight_utc_again_after_the_october_change() {
    let given = given(vec![])
        .and(set("09:00", "Europe/Berlin", "2026-10-01T12:00:00Z"))
        .and(post("2026-10-24T07:00:00Z"));
    assert_eq!(
        posted_day(&given.when(post("2026-10-25T07:30:00Z")).unwrap()),
        None
    );
    assert_eq!(
        posted_day(&given.when(post("2026-10-25T08:00:00Z")).unwrap()),
        Some((d("2026-10-25"), t("2026-10-25T08:00:00Z")))
    );
}

#[test]
fn a_day_already_posted_is_not_posted_again() {
    let given = berlin_at_nine().and(post("2026-03-28T08:00:00Z"));
    assert_eq!(
        posted_day(&given.when(post("2026-03-28T08:00:01Z")).unwrap()),
        None
    );
    assert_eq!(
        posted_day(&given.when(post("2026-03-28T23:59:00Z")).unwrap()),
        None
    );
}

#[test]
fn a_day_missed_while_down_is_posted_late_once() {
    let given = berlin_at_nine().and(post("2026-03-27T08:00:00Z"));
    // Down from before 09:00 on the 28th until 11:00.
    let late = given.when(post("2026-03-28T10:00:00Z")).unwrap();
    assert_eq!(
        posted_day(&late),
        Some((d("2026-03-28"), t("2026-03-28T08:00:00Z")))
    );
    let given = given.and(post("2026-03-28T10:00:00Z"));
    assert_eq!(
        posted_day(&given.when(post("2026-03-28T10:00:10Z")).unwrap()),
        None
    );
}

#[test]
fn yesterdays_missed_post_is_owed_until_todays_time_comes() {
    let given = berlin_at_nine().and(post("2026-03-26T08:00:00Z"));
    // Back at 05:00 local on the 28th: the 27th was never posted.
    assert_eq!(
        posted_day(&given.when(post("2026-03-28T04:00:00Z")).unwrap()).map(|p| p.0),
        Some(d("2026-03-27"))
    );
}

#[test]
fn a_schedule_set_after_todays_time_first_posts_tomorrow() {
    let given = given(vec![]).and(set("09:00", "Europe/Berlin", "2026-03-10T10:00:00Z"));
    assert_eq!(
        posted_day(&given.when(post("2026-03-10T10:00:01Z")).unwrap()),
        None
    );
    assert_eq!(
        posted_day(&given.when(post("2026-03-11T08:00:00Z")).unwrap()).map(|p| p.0),
        Some(d("2026-03-11"))
    );
}

#[test]
fn nothing_is_posted_after_the_daily_is_turned_off() {
    let given = berlin_at_nine().and(DailyCommand::TurnOff {
        by: organiser(),
        may_manage: true,
        who: "admins".into(),
        at: t("2026-03-02T12:00:00Z"),
    });
    assert_eq!(
        posted_day(&given.when(post("2026-03-03T08:00:00Z")).unwrap()),
        None
    );
}

#[test]
fn a_time_skipped_by_the_march_change_happens_right_after_the_gap() {
    let berlin: Tz = "Europe/Berlin".parse().unwrap();
    assert_eq!(
        occurrence(d("2026-03-29"), hm("02:30"), berlin),
        t("2026-03-29T01:00:00Z")
    );
}

#[test]
fn a_time_that_happens_twice_in_october_is_the_first_of_the_two() {
    let berlin: Tz = "Europe/Berlin".parse().unwrap();
    assert_eq!(
        occurrence(d("2026-10-25"), hm("02:30"), berlin),
        t("2026-10-25T00:30:00Z")
    );
}

#[test]
fn the_post_keeps_to_the_schedules_difficulty_and_topics() {
    let given = given(vec![]).and(DailyCommand::Set {
        channel: "C1".into(),
        local_time: hm("09:00"),
        time_zone: "UTC".into(),
        difficulty: Some(Difficulty::Medium),
        topics: vec!["Hashing".into()],
        by: organiser(),
        may_manage: true,
        who: "admins".into(),
        at: t("2026-03-01T00:00:00Z"),
    });
    let events = given.when(post("2026-03-02T09:00:00Z")).unwrap();
    let [Event::DailyPosted(p)] = events.as_slice() else {
        panic!("expected a post, got {events:?}");
    };
    assert_eq!(p.problem_id(), "lru-cache");
}

#[test]
fn no_matching_problem_is_a_refusal_not_a_silent_skip() {
    let given = given(vec![]).and(DailyCommand::Set {
        channel: "C1".into(),
        local_time: hm("09:00"),
        time_zone: "UTC".into(),
        difficulty: Some(Difficulty::Hard),
        topics: vec![],
        by: organiser(),
        may_manage: true,
        who: "admins".into(),
        at: t("2026-03-01T00:00:00Z"),
    });
    assert_eq!(
        given.when(post("2026-03-02T09:00:00Z")).unwrap_err(),
        DailyRefused::NoProblem
    );
}

#[test]
fn a_problem_posted_recently_is_not_chosen_while_another_is_left() {
    let mut given = given(vec![]).and(set("09:00", "UTC", "2026-03-01T00:00:00Z"));
    let mut seen = Vec::new();
    for day in 2..=4 {
        let now = format!("2026-03-0{day}T09:00:00Z");
        let events = given.when(post(&now)).unwrap();
        let [Event::DailyPosted(p)] = events.as_slice() else {
            panic!("expected a post, got {events:?}");
        };
        seen.push(p.problem_id().to_string());
        given = given.and(post(&now));
    }
    seen.sort();
    seen.dedup();
    assert_eq!(
        seen.len(),
        3,
        "three days, three different problems: {seen:?}"
    );
}

#[test]
fn privacy_forget_erases_the_organisers_name_and_keeps_the_schedule() {
    let events = given(vec![])
        .when(set("09:00", "Europe/Berlin", "2026-03-01T12:00:00Z"))
        .unwrap();
    let ada = organiser();
    let erased = crate::domain::erasure::erase(&events[0], false, &|a: &Actor| a.same_person(&ada));
    let Event::DailyScheduled(s) = erased else {
        panic!("still a schedule: {erased:?}");
    };
    assert_eq!(s.by.name, crate::domain::erasure::ERASED);
    assert_eq!(
        (s.by.user_id.as_str(), s.time_zone.as_str()),
        ("100", "Europe/Berlin")
    );
}
