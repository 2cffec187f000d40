//! The duel referee (issue 16): on every tick, and whenever the feed shows a run or a
//! duel event, it looks at the live duels of the duel read model and appends what is
//! due: an offer's expiry after its ten minutes, the win of the first duelist whose
//! submission passed every hidden test (the earliest such `TestsRun` in the log's
//! order, so two passes in the same second still have one first), or the end with no
//! winner at the time limit. After a win it keeps watching the loser until the time
//! limit: their later passing run, or none by the limit, is the runner-up's finish.
//!
//! Everything is read from the log and written through `Engine::execute_duel` under a
//! key per duel and outcome, so several instances ticking at once append each fact
//! once; nothing is scheduled in memory. It never posts to a platform and never
//! appends to an interview stream.

use super::Engine;
use super::duel::DuelError;
use crate::domain::events::Event;
use crate::domain::{Actor, Duel, DuelCommand, DuelPhase, StreamId};
use crate::ports::RecordedEvent;
use crate::projections::duels::{DuelBoardCache, is_duel_stream};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio_util::sync::CancellationToken;

/// What one tick appended.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Refereed {
    pub expired: usize,
    pub won: usize,
    pub timed_out: usize,
    pub runners_up: usize,
}

/// How long after a won duel's time limit the runner-up's finish is still recorded
/// (a service down at the limit catches up; older duels are left alone).
const RUNNER_UP_WINDOW: chrono::Duration = chrono::Duration::days(1);

pub struct DuelReferee {
    engine: Engine,
    board: Arc<DuelBoardCache>,
    /// How often to look for what is due without a feed event.
    every: Duration,
}

/// The first passing run of a running duel, as the referee records it.
#[derive(Debug, Clone, PartialEq)]
pub struct FirstPass {
    pub actor: Actor,
    pub attempts: u32,
    pub rival_attempts: u32,
    pub at: DateTime<Utc>,
}

impl DuelReferee {
    pub fn new(engine: Engine, board: Arc<DuelBoardCache>, every: Duration) -> DuelReferee {
        DuelReferee {
            engine,
            board,
            every,
        }
    }

    /// Append whatever is due now on every live duel.
    pub async fn tick(&self) -> Result<Refereed, DuelError> {
        let now = self.engine.now();
        let live: Vec<(StreamId, Duel)> = {
            let guard = self.board.caught_up(self.engine.store.as_ref()).await?;
            let board = &guard.1;
            let mut live: Vec<(StreamId, Duel)> = board
                .live()
                .into_iter()
                .map(|(s, d)| (s.clone(), d.clone()))
                .collect();
            // Duels won before the runner-up was recorded at all (older logs) are
            // left as they were: only those whose limit is recent are watched.
            let recent = |d: &Duel| {
                d.started
                    .as_ref()
                    .is_some_and(|s| now <= s.ends_at + RUNNER_UP_WINDOW)
            };
            live.extend(
                board
                    .awaiting_runner_up()
                    .filter(|(_, d)| recent(d))
                    .map(|(s, d)| (s.clone(), d.clone())),
            );
            live
        };
        let mut done = Refereed::default();
        for (stream, duel) in live {
            if let Err(e) = self.referee(&stream, &duel, now, &mut done).await {
                tracing::warn!(%stream, error = %e, "the duel referee could not act; will retry");
            }
        }
        Ok(done)
    }

    async fn referee(
        &self,
        stream: &StreamId,
        duel: &Duel,
        now: DateTime<Utc>,
        done: &mut Refereed,
    ) -> Result<(), DuelError> {
        let (command, key) = match (duel.phase, &duel.offer, &duel.started) {
            (DuelPhase::Offered, Some(offer), _) if now >= offer.expires_at => (
                DuelCommand::ExpireOffer { at: now },
                format!("duel:expired:{stream}"),
            ),
            (DuelPhase::Running, Some(offer), Some(started)) => {
                let store = &self.engine.store;
                let a = store.read_stream(&started.challenger_interview, 1).await?;
                let b = store.read_stream(&started.opponent_interview, 1).await?;
                let sides = [(&offer.challenger, &a[..]), (&offer.opponent, &b[..])];
                match first_pass(sides, started.ends_at) {
                    Some(p) => (
                        DuelCommand::RecordPass {
                            actor: p.actor,
                            attempts: p.attempts,
                            rival_attempts: p.rival_attempts,
                            at: p.at,
                        },
                        format!("duel:won:{stream}"),
                    ),
                    None if now >= started.ends_at => (
                        DuelCommand::EndAtLimit {
                            challenger_attempts: submissions(&a, i64::MAX),
                            opponent_attempts: submissions(&b, i64::MAX),
                            at: now,
                        },
                        format!("duel:timed_out:{stream}"),
                    ),
                    None => return Ok(()),
                }
            }
            (DuelPhase::Won, Some(_), Some(started)) if duel.awaiting_runner_up() => {
                match self.runner_up(duel, started, now).await? {
                    Some(command) => (command, format!("duel:runner_up:{stream}")),
                    None => return Ok(()),
                }
            }
            _ => return Ok(()),
        };
        let executed = match self.engine.execute_duel(stream, command, Some(&key)).await {
            Ok(executed) => executed,
            // Another instance got there first, or it is not due after all.
            Err(DuelError::Refused(_)) => return Ok(()),
            Err(e) => return Err(e),
        };
        for e in &executed.events {
            match e.event {
                Event::DuelOfferExpired(_) => done.expired += 1,
                Event::DuelWon(_) => done.won += 1,
                Event::DuelTimedOut(_) => done.timed_out += 1,
                Event::DuelRunnerUpFinished(_) => done.runners_up += 1,
                _ => {}
            }
        }
        Ok(())
    }

    /// The loser's finish after a win, when due: their first passing run within the
    /// limit, or none once the limit is up.
    async fn runner_up(
        &self,
        duel: &Duel,
        started: &crate::domain::events::DuelStarted,
        now: DateTime<Utc>,
    ) -> Result<Option<DuelCommand>, DuelError> {
        let Some(loser) = duel.won.as_ref().map(|w| &w.loser) else {
            return Ok(None);
        };
        let Some(interview) = duel.interview_of(loser) else {
            return Ok(None);
        };
        let events = self.engine.store.read_stream(interview, 1).await?;
        let passed = events.iter().find_map(|r| {
            let attempts = passes(&r.event)?;
            (r.event.at() <= started.ends_at).then_some((attempts, r.event.at()))
        });
        Ok(match passed {
            Some((attempts, at)) => Some(DuelCommand::FinishRunnerUp {
                passed: true,
                attempts,
                at,
            }),
            None if now >= started.ends_at => Some(DuelCommand::FinishRunnerUp {
                passed: false,
                attempts: submissions(&events, i64::MAX),
                at: now,
            }),
            None => None,
        })
    }

    /// Tick every `every`, and at once when a run or a duel event is committed, until
    /// `cancel` fires.
    pub async fn run(self, cancel: CancellationToken) {
        let mut feed = self.engine.listen();
        loop {
            if let Err(e) = self.tick().await {
                tracing::warn!(error = %e, "duel referee tick failed; will retry");
            }
            let sleep = tokio::time::sleep(self.every);
            tokio::pin!(sleep);
            loop {
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    _ = &mut sleep => break,
                    got = feed.recv() => match got {
                        Ok(r) if concerns_duels(&r) => break,
                        Ok(_) => {}
                        Err(RecvError::Lagged(_)) => break,
                        Err(RecvError::Closed) => return,
                    },
                }
            }
        }
    }
}

/// A run's result or a duel's own event: the referee may have something to do.
fn concerns_duels(r: &RecordedEvent) -> bool {
    matches!(r.event, Event::TestsRun(_)) || is_duel_stream(&r.stream_id)
}

/// Whether `run` is a submission's run with every hidden test passed.
fn passes(event: &Event) -> Option<u32> {
    match event {
        Event::TestsRun(run)
            if run.tests.total() > 0 && run.tests.passed() == run.tests.total() =>
        {
            run.submission()
        }
        _ => None,
    }
}

/// Submissions in `events` committed before `position`.
fn submissions(events: &[RecordedEvent], position: i64) -> u32 {
    events
        .iter()
        .filter(|r| r.position < position && matches!(r.event, Event::CodeSubmitted(_)))
        .count() as u32
}

/// Pure: the earliest (by log position) passing submission run among the two duelists'
/// interviews, at or before `ends_at`.
pub fn first_pass(
    sides: [(&Actor, &[RecordedEvent]); 2],
    ends_at: DateTime<Utc>,
) -> Option<FirstPass> {
    let mut best: Option<(i64, FirstPass)> = None;
    for (i, (actor, events)) in sides.iter().enumerate() {
        let rival = sides[1 - i].1;
        let found = events.iter().find_map(|r| {
            let attempts = passes(&r.event)?;
            (r.event.at() <= ends_at).then_some((r.position, r.event.at(), attempts))
        });
        if let Some((position, at, attempts)) = found
            && best.as_ref().is_none_or(|(p, _)| position < *p)
        {
            let pass = FirstPass {
                actor: (*actor).clone(),
                attempts,
                rival_attempts: submissions(rival, position),
                at,
            };
            best = Some((position, pass));
        }
    }
    best.map(|(_, p)| p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::events::{CodeSubmitted, SubmissionSource};
    use crate::domain::runs::samples;
    use crate::domain::{CaseVerdict, Platform, RunOf};

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + s, 0).unwrap_or_default()
    }

    fn rec(position: i64, event: Event) -> RecordedEvent {
        RecordedEvent {
            position,
            stream_id: StreamId::new("discord:1:2"),
            version: position as u64,
            recorded_at: at(0),
            event,
        }
    }

    fn submitted(position: i64, n: u32) -> RecordedEvent {
        rec(
            position,
            Event::CodeSubmitted(CodeSubmitted {
                actor: Actor::new(Platform::Discord, "1", "x"),
                language: "python".into(),
                code: "pass".into(),
                source: SubmissionSource::Message,
                submission: n,
                at: at(position),
            }),
        )
    }

    fn ran(position: i64, n: u32, verdict: CaseVerdict, second: i64) -> RecordedEvent {
        let mut run = samples::run(Platform::Discord, verdict, 1, 3, None);
        run.of = RunOf::Submission { submission: n };
        run.at = at(second);
        rec(position, Event::TestsRun(run))
    }

    fn ada() -> Actor {
        Actor::new(Platform::Discord, "1", "ada")
    }
    fn linus() -> Actor {
        Actor::new(Platform::Discord, "2", "linus")
    }

    #[test]
    fn given_two_passes_in_the_same_second_then_the_earlier_in_the_log_wins() {
        let a = [submitted(1, 1), ran(4, 1, CaseVerdict::Passed, 10)];
        let b = [submitted(2, 1), ran(3, 1, CaseVerdict::Passed, 10)];
        let got = first_pass([(&ada(), &a[..]), (&linus(), &b[..])], at(100)).unwrap();
        assert_eq!(got.actor, linus());
        assert_eq!((got.attempts, got.rival_attempts, got.at), (1, 1, at(10)));
    }

    #[test]
    fn given_a_failing_run_then_it_does_not_win_and_the_later_pass_counts_attempts() {
        let a = [
            submitted(1, 1),
            ran(2, 1, CaseVerdict::WrongAnswer, 5),
            submitted(3, 2),
            ran(5, 2, CaseVerdict::Passed, 20),
        ];
        let b = [submitted(4, 1), submitted(6, 2)];
        let got = first_pass([(&ada(), &a[..]), (&linus(), &b[..])], at(100)).unwrap();
        assert_eq!(got.actor, ada());
        assert_eq!((got.attempts, got.rival_attempts), (2, 1));
    }

    #[test]
    fn given_a_pass_after_the_time_limit_then_nobody_wins() {
        let a = [submitted(1, 1), ran(2, 1, CaseVerdict::Passed, 200)];
        let got = first_pass([(&ada(), &a[..]), (&linus(), &[][..])], at(100));
        assert_eq!(got, None);
    }
}
