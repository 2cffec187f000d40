//! The member-stats projection against a fold of the raw log: random interview logs
//! (several members, communities and interviews, hints, analyses with random scores and
//! rubrics, ends and summaries, interleaved) are appended to a real store and folded in
//! random small batches; the stats read from the projection must equal the stats folded
//! straight from `read_all`, on SQLite and Postgres. Also: rebuilding gives the same
//! stats, and forgetting a member removes their leaderboard opt-in.

use crate::common;

use chrono::{Duration, TimeZone, Utc};
use common::fixtures::interview_started;
use interview_coach::domain::*;
use interview_coach::domain::{OptIn, OptInOutcome};
use interview_coach::engine::{Engine, SystemClock};
use interview_coach::ports::{
    ExpectedVersion, RecordedEvent, StatsAnalysis, StatsInterview, Storage,
};
use interview_coach::practice::stats::{self, MemberStats};
use interview_coach::problems::ProblemBank;
use interview_coach::projections;
use interview_coach::projections::member_stats::catch_up_stats_in;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::collections::BTreeMap;
use std::sync::Arc;
use uuid::Uuid;

const PROBLEMS: [&str; 5] = ["two-sum", "merge-intervals", "coin-change", "lru-cache", ""];
const SERVERS: [&str; 2] = ["11", "22"];

/// One step of one interview.
#[derive(Debug, Clone)]
enum Step {
    Hint,
    Analysis {
        score: i64,
        bands: [i64; 4],
    },
    Message,
    End,
    Summary,
    /// A submission's tests: this many of three hidden tests passed.
    Tests {
        passed: usize,
    },
}

/// An interview: candidate (index), community (index), problem (index), steps.
#[derive(Debug, Clone)]
struct Spec {
    member: usize,
    server: usize,
    problem: usize,
    steps: Vec<Step>,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        2 => Just(Step::Hint),
        4 => (1i64..=10, [1i64..=4, 1i64..=4, 1i64..=4, 1i64..=4])
            .prop_map(|(score, bands)| Step::Analysis { score, bands }),
        1 => Just(Step::Message),
        2 => (0usize..=3).prop_map(|passed| Step::Tests { passed }),
        1 => Just(Step::End),
        1 => Just(Step::Summary),
    ]
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0usize..3,
        0usize..2,
        0usize..PROBLEMS.len(),
        prop::collection::vec(step(), 0..6),
    )
        .prop_map(|(member, server, problem, steps)| Spec {
            member,
            server,
            problem,
            steps,
        })
}

/// Interviews, the order their steps are interleaved in (by interview index), and
/// after which appends the projection catches up, with its batch size.
fn log() -> impl Strategy<Value = (Vec<Spec>, Vec<prop::sample::Index>, Vec<bool>, u32)> {
    (
        prop::collection::vec(spec(), 1..6),
        prop::collection::vec(any::<prop::sample::Index>(), 0..40),
        prop::collection::vec(any::<bool>(), 0..60),
        1u32..7,
    )
}

fn actor(case: u64, member: usize) -> Actor {
    Actor::new(
        Platform::Discord,
        format!("{case}{member}"),
        format!("m{member}"),
    )
}

fn rubric(bands: [i64; 4]) -> Rubric {
    let b = |n: i64| RubricScore {
        score: Band::new(n).unwrap(),
        evidence: "seen".into(),
    };
    Rubric {
        communication: b(bands[0]),
        problem_solving: b(bands[1]),
        technical_competency: b(bands[2]),
        testing: b(bands[3]),
    }
}

fn started(case: u64, spec: &Spec, at: chrono::DateTime<Utc>) -> (StreamId, Event) {
    let place = Place::Discord {
        guild: SERVERS[spec.server].into(),
        channel: "1".into(),
        thread: Uuid::new_v4().simple().to_string(),
    };
    let problem = match PROBLEMS[spec.problem] {
        "" => Problem::custom("my own problem"),
        id => Problem::Bank {
            id: id.into(),
            version: 1,
            title: id.into(),
        },
    };
    let event = Event::InterviewStarted(interview_started(
        place.clone(),
        actor(case, spec.member),
        problem,
        at,
    ));
    (place.stream_id(), event)
}

fn event_of(step: &Step, who: &Actor, hints: &mut u32, at: chrono::DateTime<Utc>) -> Event {
    match step {
        Step::Hint => {
            *hints += 1;
            Event::HintRequested(HintRequested {
                actor: who.clone(),
                hint: *hints,
                at,
            })
        }
        Step::Analysis { score, bands } => Event::CodeAnalyzed(CodeAnalyzed {
            stamp: None,
            reply_to: 1,
            analysis: Analysis {
                technical_feedback: "f".into(),
                complexity_analysis: "c".into(),
                code_quality: "q".into(),
                follow_up_question: "?".into(),
                score: Score::new(*score).unwrap(),
                correctness: "ok".into(),
                rubric: rubric(*bands),
            },
            usage: None,
            at,
        }),
        Step::Tests { passed } => Event::TestsRun(TestsRun {
            actor: who.clone(),
            of: RunOf::Submission { submission: 1 },
            language: "python".into(),
            isolation: "namespaces".into(),
            verdict: CaseVerdict::WrongAnswer,
            examples: vec![],
            tests: HiddenTests {
                cases: (0..3)
                    .map(|i| CaseBrief {
                        verdict: if i < *passed {
                            CaseVerdict::Passed
                        } else {
                            CaseVerdict::WrongAnswer
                        },
                        time_ms: None,
                        memory_bytes: None,
                    })
                    .collect(),
                first_failure: None,
            },
            custom: None,
            error: None,
            complexity: None,
            at,
        }),
        Step::Message => Event::CandidateMessage(CandidateMessage {
            actor: who.clone(),
            text: "hello".into(),
            at,
        }),
        Step::End => Event::InterviewEnded(InterviewEnded {
            by: EndedBy::Member { actor: who.clone() },
            reason: EndReason::Finished,
            at,
        }),
        Step::Summary => Event::SummaryWritten(SummaryWritten {
            stamp: None,
            reply_to: 1,
            overall: "o".into(),
            strengths: vec![],
            improvements: vec![],
            rubric: rubric([2, 2, 2, 2]),
            hire_signal: HireSignal::LeanYes,
            duration_seconds: 60,
            submissions: 1,
            hints_used: 0,
            usage: None,
            at,
        }),
    }
}

/// Stats of `member` (in `server` when given) folded straight from the raw log, through
/// the domain's own interview fold rather than the projection's rows.
fn fold_log(
    all: &[RecordedEvent],
    member: &str,
    server: Option<&str>,
    bank: &ProblemBank,
) -> MemberStats {
    let mut streams: BTreeMap<&StreamId, Vec<&RecordedEvent>> = BTreeMap::new();
    for r in all {
        streams.entry(&r.stream_id).or_default().push(r);
    }
    let mut interviews = Vec::new();
    let mut analyses = Vec::new();
    for (stream, events) in streams {
        let state = Interview::from_events(events.iter().map(|r| &r.event));
        let Some(s) = &state.started else { continue };
        if s.candidate.member_id() != member || server.is_some_and(|x| x != s.place.server()) {
            continue;
        }
        let problem_id = match &s.problem {
            Problem::Bank { id, .. } => Some(id.clone()),
            Problem::Custom { .. } => None,
        };
        interviews.push(StatsInterview {
            stream_id: stream.to_string(),
            member_id: member.into(),
            server: s.place.server(),
            problem_id: problem_id.clone(),
            done: state.ended.is_some() || state.summarised,
            hints_used: i64::from(state.hints_used),
            last_position: 0,
            tests_passed: state.last_tests.map_or(0, |(p, _)| p as i64),
            tests_total: state.last_tests.map_or(0, |(_, t)| t as i64),
        });
        for r in &events {
            if let Event::CodeAnalyzed(a) = &r.event {
                let band = |b: &RubricScore| i64::from(b.score.get());
                let rb = &a.analysis.rubric;
                analyses.push(StatsAnalysis {
                    position: r.position,
                    stream_id: stream.to_string(),
                    member_id: member.into(),
                    server: s.place.server(),
                    problem_id: problem_id.clone(),
                    score: i64::from(a.analysis.score.get()),
                    communication: band(&rb.communication),
                    problem_solving: band(&rb.problem_solving),
                    technical_competency: band(&rb.technical_competency),
                    testing: band(&rb.testing),
                });
            }
        }
    }
    analyses.sort_by_key(|a| a.position);
    stats::summarise(member, &interviews, &analyses, bank)
}

async fn read_everything(store: &dyn Storage) -> Vec<RecordedEvent> {
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let batch = store.read_all(after, 1000).await.expect("read_all");
        let Some(last) = batch.last() else { break };
        after = last.position;
        all.extend(batch);
    }
    all
}

/// The interview list's background columns (pending turns, deadline, warning, last
/// candidate event, coach events) equal what the domain folds from each stream.
async fn open_work_matches_the_domain(store: &dyn Storage, all: &[RecordedEvent]) {
    projections::catch_up(store)
        .await
        .expect("catch up the list");
    let mut streams: BTreeMap<String, Vec<&Event>> = BTreeMap::new();
    for r in all {
        streams
            .entry(r.stream_id.to_string())
            .or_default()
            .push(&r.event);
    }
    for (stream, events) in streams {
        let state = Interview::from_events(events.iter().copied());
        let row = store
            .find_interview(&stream)
            .await
            .expect("read the row")
            .expect("a row per stream");
        let pending: Vec<u64> = state.pending_turns().iter().map(|t| t.reply_to).collect();
        assert_eq!(row.pending_turns, pending, "pending turns of {stream}");
        assert_eq!(row.deadline, state.deadline(), "deadline of {stream}");
        assert_eq!(row.time_warned, state.time_warned, "warning of {stream}");
        assert_eq!(
            Some(row.last_candidate_at),
            state.last_candidate_at,
            "last candidate event of {stream}"
        );
        let coach = events
            .iter()
            .filter(|e| interview_coach::ports::InterviewRow::is_coach_message(e))
            .count();
        assert_eq!(row.coach_messages, coach as i64, "coach events of {stream}");
    }
}

/// Append one random log (members unique to `case`) and compare.
async fn check_case(
    store: &dyn Storage,
    bank: &ProblemBank,
    case: u64,
    (specs, order, catch_ups, batch): (Vec<Spec>, Vec<prop::sample::Index>, Vec<bool>, u32),
) {
    let t0 = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
    let mut minute = 0;
    let mut at = || {
        minute += 1;
        t0 + Duration::minutes(minute)
    };
    let mut streams = Vec::new();
    for spec in &specs {
        let (stream, event) = started(case, spec, at());
        store
            .append(&stream, ExpectedVersion::Any, &[event], None)
            .await
            .expect("append start");
        streams.push((stream, spec.steps.iter(), 0u32));
    }
    // Interleave the steps: the random order first, then whatever is left in turn.
    let mut picks: Vec<usize> = order.iter().map(|i| i.index(specs.len())).collect();
    for (i, spec) in specs.iter().enumerate() {
        picks.extend(std::iter::repeat_n(i, spec.steps.len()));
    }
    let mut catch_ups = catch_ups.into_iter();
    for i in picks {
        let who = actor(case, specs[i].member);
        let (stream, steps, hints) = &mut streams[i];
        let Some(step) = steps.next() else { continue };
        let event = event_of(step, &who, hints, at());
        store
            .append(stream, ExpectedVersion::Any, &[event], None)
            .await
            .expect("append step");
        if catch_ups.next().unwrap_or(false) {
            catch_up_stats_in(store, batch).await.expect("catch up");
        }
    }
    catch_up_stats_in(store, batch).await.expect("catch up");
    let all = read_everything(store).await;
    open_work_matches_the_domain(store, &all).await;
    for member in 0..3 {
        let id = actor(case, member).member_id();
        let mut scopes: Vec<Option<String>> = vec![None];
        scopes.extend(SERVERS.iter().map(|s| Some(format!("discord:{s}"))));
        for server in scopes {
            let projected = stats::load(store, &id, server.as_deref(), bank)
                .await
                .expect("stats from the projection");
            let folded = fold_log(&all, &id, server.as_deref(), bank);
            assert_eq!(projected, folded, "member {id} in {server:?}");
        }
    }
}

async fn stats_equal_a_fold_of_the_raw_log(db: &common::TestDb, cases: u32) {
    let store = db.open().await;
    let bank = ProblemBank::load_default().expect("bank");
    let rt = tokio::runtime::Handle::current();
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let case = std::sync::atomic::AtomicU64::new(0);
    let result = tokio::task::block_in_place(|| {
        runner.run(&log(), |input| {
            let n = case.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            rt.block_on(check_case(store.as_ref(), &bank, n, input));
            Ok(())
        })
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // A rebuild folds the same stats again.
    let before = stats::load(store.as_ref(), &actor(1, 0).member_id(), None, &bank)
        .await
        .unwrap();
    projections::rebuild(store.as_ref()).await.expect("rebuild");
    let after = stats::load(store.as_ref(), &actor(1, 0).member_id(), None, &bank)
        .await
        .unwrap();
    assert_eq!(before, after);
}

async fn stats_on_sqlite_and_postgres(db: &common::TestDb) {
    let cases = if db.backend == "sqlite" { 48 } else { 16 };
    stats_equal_a_fold_of_the_raw_log(db, cases).await;
}

async fn forgetting_a_member_removes_their_leaderboard_opt_in(db: &common::TestDb) {
    let store = db.open().await;
    let engine = Engine::new(store.clone(), Arc::new(SystemClock));
    let maya = "discord:1001";
    let server = "discord:77";
    let join = engine
        .set_leaderboard_opt_in(server, maya, OptIn::Join)
        .await
        .unwrap();
    assert_eq!(join, OptInOutcome::Joined);
    let again = engine
        .set_leaderboard_opt_in(server, maya, OptIn::Join)
        .await
        .unwrap();
    assert_eq!(again, OptInOutcome::AlreadyIn);
    engine
        .set_leaderboard_opt_in(server, "discord:1002", OptIn::Join)
        .await
        .unwrap();
    let report = engine.forget_member(maya).await.unwrap();
    assert_eq!(report.leaderboards_left, 1);
    assert_eq!(
        store.leaderboard_opted_in(server).await.unwrap(),
        vec!["discord:1002".to_string()]
    );
}

async fn a_member_without_interviews_has_empty_stats(db: &common::TestDb) {
    let store = db.open().await;
    let bank = ProblemBank::load_default().unwrap();
    let s = stats::load(store.as_ref(), "discord:404", None, &bank)
        .await
        .unwrap();
    assert!(s.is_empty());
    assert!(
        stats::problems_done(store.as_ref(), "discord:404")
            .await
            .unwrap()
            .is_empty()
    );
}

/// A code analysis that spent 100 tokens, at `at`.
fn billed_analysis(at: chrono::DateTime<Utc>) -> Event {
    let mut event = event_of(
        &Step::Analysis {
            score: 7,
            bands: [3, 3, 3, 3],
        },
        &actor(0, 0),
        &mut 0,
        at,
    );
    if let Event::CodeAnalyzed(a) = &mut event {
        a.usage = Some(LlmUsage {
            model: "m".into(),
            input_tokens: 60,
            output_tokens: 40,
            cache_read_tokens: 0,
            cache_write_tokens: 0,
            latency_ms: 1,
            request_id: None,
            retries: 0,
        });
    }
    event
}

/// The projector remembers where it left both checkpoints; told a stale position (another
/// folder moved them since), its compare-and-set fails and it reads them again, so no
/// batch is folded twice (the token count, which adds up, shows it).
async fn a_folder_with_a_stale_checkpoint_folds_nothing_twice(db: &common::TestDb) {
    let store = db.open().await;
    let bank = ProblemBank::load_default().expect("bank");
    let at = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
    let spec = Spec {
        member: 0,
        server: 0,
        problem: 0,
        steps: Vec::new(),
    };
    let (stream, start) = started(0, &spec, at);
    let append = |event: Event| {
        let (store, stream) = (store.clone(), stream.clone());
        async move {
            store
                .append(&stream, ExpectedVersion::Any, &[event], None)
                .await
                .expect("append")
        }
    };
    append(start).await;
    append(billed_analysis(at)).await;
    let (first, known) = projections::catch_up_all_from(store.as_ref(), None)
        .await
        .expect("first round");
    assert_eq!(known, Some(first), "both stand together");

    // Given a stale position: nothing is folded again.
    let (again, known) = projections::catch_up_all_from(store.as_ref(), Some(0))
        .await
        .expect("a stale round");
    assert_eq!((again, known), (first, Some(first)));
    let server = format!("discord:{}", SERVERS[0]);
    let day = at.format("%Y-%m-%d").to_string();
    assert_eq!(store.tokens_used_on(&server, &day).await.unwrap(), 100);

    // Another folder moves both on; the projector still remembers `first`.
    append(billed_analysis(at)).await;
    projections::catch_up_all(store.as_ref()).await.unwrap();
    append(billed_analysis(at)).await;
    let (last, known) = projections::catch_up_all_from(store.as_ref(), Some(first))
        .await
        .expect("a round after another folder");
    assert_eq!(known, Some(last));
    assert_eq!(last, store.head().await.unwrap());
    assert_eq!(store.tokens_used_on(&server, &day).await.unwrap(), 300);
    let all = read_everything(store.as_ref()).await;
    let member = actor(0, 0).member_id();
    let projected = stats::load(store.as_ref(), &member, None, &bank)
        .await
        .unwrap();
    assert_eq!(projected, fold_log(&all, &member, None, &bank));
    open_work_matches_the_domain(store.as_ref(), &all).await;
}

per_backend!(
    a_folder_with_a_stale_checkpoint_folds_nothing_twice,
    stats_on_sqlite_and_postgres,
    forgetting_a_member_removes_their_leaderboard_opt_in,
    a_member_without_interviews_has_empty_stats,
);
