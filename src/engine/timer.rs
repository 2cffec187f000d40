//! Time limits, derived from the log: a warning a few minutes before the deadline and
//! the end of the interview at it (reason `time_limit`, which the coach then
//! summarises). Nothing is scheduled in memory: every tick re-reads the open interviews,
//! so timers survive restarts, and `decide` refuses a second warning or end, so they
//! fire once even with several instances ticking at the same moment. The one thing
//! remembered between ticks is each open interview's deadline, a fact of its
//! `InterviewStarted` that never changes, so a tick reads only the interviews that are
//! due instead of every open one.

use super::{Engine, EngineError};
use crate::domain::{Command, DomainError, EndBy, Interview, Phase, StreamId};
use crate::ports::{InterviewFilter, InterviewRow};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

pub struct Timers {
    engine: Engine,
    /// Minutes before the deadline at which the candidate is warned.
    pub warn_minutes: u32,
    /// How often to look for due timers.
    pub every: Duration,
    /// Deadline (or none) of each open interview seen, by stream.
    deadlines: Mutex<HashMap<String, Option<DateTime<Utc>>>>,
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
            deadlines: Mutex::new(HashMap::new()),
        }
    }

    fn known_deadline(&self, stream: &str) -> Option<Option<DateTime<Utc>>> {
        let known = self.deadlines.lock().unwrap_or_else(|p| p.into_inner());
        known.get(stream).copied()
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
        let rows = self.engine.store.list_interviews(&open).await?;
        self.forget_closed(&rows);
        // Errors are per interview: one that cannot be read (a damaged event) or
        // written is reported, and every other interview's timers still fire.
        for row in rows {
            let fired_here = match self.due(&row).await {
                Ok(Some((command, key))) => {
                    self.fire(&row.stream(), command, &key, &mut fired).await
                }
                Ok(None) => Ok(()),
                Err(e) => Err(e),
            };
            if let Err(e) = fired_here {
                tracing::warn!(stream = %row.stream_id, error = %e, "timer could not act on this interview; will retry");
            }
        }
        Ok(fired)
    }

    /// Forgets the deadlines of interviews no longer open.
    fn forget_closed(&self, open: &[InterviewRow]) {
        let mut known = self.deadlines.lock().unwrap_or_else(|p| p.into_inner());
        let open: std::collections::HashSet<&str> =
            open.iter().map(|r| r.stream_id.as_str()).collect();
        known.retain(|stream, _| open.contains(stream.as_str()));
    }

    fn warn_ahead(&self) -> chrono::Duration {
        chrono::Duration::minutes(i64::from(self.warn_minutes))
    }

    /// The command (and its key) due now on the interview of `row`; the interview is
    /// read only when its deadline is unknown or near.
    async fn due(&self, row: &InterviewRow) -> Result<Option<(Command, String)>, EngineError> {
        match self.known_deadline(&row.stream_id) {
            Some(None) => return Ok(None),
            Some(Some(deadline)) if self.engine.now() < deadline - self.warn_ahead() => {
                return Ok(None);
            }
            _ => {}
        }
        let stream = row.stream();
        let (state, _) = self.engine.load(&stream).await?;
        self.deadlines
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(row.stream_id.clone(), state.deadline());
        Ok(self.due_in(&stream, &state))
    }

    /// The end at the deadline, the warning before it, or nothing.
    fn due_in(&self, stream: &StreamId, state: &Interview) -> Option<(Command, String)> {
        let deadline = state.deadline()?;
        if !state.phase().is_open() || state.phase() == Phase::Problem {
            return None;
        }
        let now = self.engine.now();
        if now >= deadline {
            let end = Command::EndInterview {
                by: EndBy::Timer,
                at: now,
            };
            Some((end, format!("timer:end:{stream}")))
        } else if !state.time_warned && now >= deadline - self.warn_ahead() {
            let warn = Command::WarnTime {
                minutes_left: self.warn_minutes,
                at: now,
            };
            Some((warn, format!("timer:warn:{stream}")))
        } else {
            None
        }
    }

    /// Executes a due `command`, counting it in `fired` unless another got there first.
    async fn fire(
        &self,
        stream: &StreamId,
        command: Command,
        key: &str,
        fired: &mut Fired,
    ) -> Result<(), EngineError> {
        let ending = matches!(command, Command::EndInterview { .. });
        match self.engine.execute(stream, command, Some(key)).await {
            Ok(done) if !done.duplicate => {
                if ending {
                    fired.ended += 1;
                } else {
                    fired.warned += 1;
                }
                Ok(())
            }
            Ok(_) => Ok(()),
            // Another instance fired it first, or the candidate just ended it.
            Err(EngineError::Refused(
                DomainError::AlreadyEnded
                | DomainError::AlreadyWarned
                | DomainError::InterviewOver
                | DomainError::WarningNotDue,
            )) => Ok(()),
            Err(e) => Err(e),
        }
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
