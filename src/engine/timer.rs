//! Time limits, derived from the log: a warning a few minutes before the deadline and
//! the end of the interview at it (reason `time_limit`, which the coach then
//! summarises). Nothing is scheduled in memory: every tick re-reads the open interviews,
//! so timers survive restarts, and `decide` refuses a second warning or end, so they
//! fire once even with several instances ticking at the same moment.

use super::{Engine, EngineError};
use crate::domain::{Command, DomainError, EndBy, Phase};
use crate::projections::InterviewFilter;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

pub struct Timers {
    engine: Engine,
    /// Minutes before the deadline at which the candidate is warned.
    pub warn_minutes: u32,
    /// How often to look for due timers.
    pub every: Duration,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Fired {
    pub warned: usize,
    pub ended: usize,
}

impl Timers {
    pub fn new(engine: Engine) -> Timers {
        Timers {
            engine,
            warn_minutes: 5,
            every: Duration::from_secs(10),
        }
    }

    /// Warn and end whatever is due now.
    pub async fn tick(&self) -> Result<Fired, EngineError> {
        self.engine.catch_up_projections().await?;
        let open = InterviewFilter {
            open_only: true,
            limit: Some(10_000),
            ..Default::default()
        };
        let mut fired = Fired::default();
        for row in self.engine.store().list_interviews(&open).await? {
            let stream = row.stream();
            let (state, _) = self.engine.load(&stream).await?;
            let Some(deadline) = state.deadline() else {
                continue;
            };
            if !state.phase().is_open() || state.phase() == Phase::Problem {
                continue;
            }
            let now = self.engine.now();
            let (command, key) = if now >= deadline {
                (
                    Command::EndInterview {
                        by: EndBy::Timer,
                        at: now,
                    },
                    format!("timer:end:{stream}"),
                )
            } else if !state.time_warned
                && now >= deadline - chrono::Duration::minutes(i64::from(self.warn_minutes))
            {
                (
                    Command::WarnTime {
                        minutes_left: self.warn_minutes,
                        at: now,
                    },
                    format!("timer:warn:{stream}"),
                )
            } else {
                continue;
            };
            let ending = matches!(command, Command::EndInterview { .. });
            match self.engine.execute(&stream, command, Some(&key)).await {
                Ok(done) if !done.duplicate => {
                    if ending {
                        fired.ended += 1;
                    } else {
                        fired.warned += 1;
                    }
                }
                Ok(_) => {}
                // Another instance fired it first, or the candidate just ended it.
                Err(EngineError::Refused(
                    DomainError::AlreadyEnded
                    | DomainError::AlreadyWarned
                    | DomainError::InterviewOver
                    | DomainError::WarningNotDue,
                )) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(fired)
    }

    /// Tick until `cancel` fires.
    pub async fn run(self, cancel: CancellationToken) {
        loop {
            if let Err(e) = self.tick().await {
                tracing::warn!(error = %e, "timer tick failed; will retry");
            }
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = tokio::time::sleep(self.every) => {}
            }
        }
    }
}
