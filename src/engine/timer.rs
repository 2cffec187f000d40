//! Time limits and abandoned interviews, derived from the log: a warning a few minutes
//! before the deadline, the end of the interview at it (reason `time_limit`), and the
//! end of a web interview whose candidate has done nothing for the idle time (reason
//! `abandoned`); the coach then summarises either. Nothing is scheduled in memory: every
//! tick asks the interview list (an indexed query, paged) for the interviews due now, so
//! timers survive restarts and hold for any number of open interviews, and `decide`
//! refuses a second warning or end, so they fire once even with several instances
//! ticking at the same moment. Whether to warn or end is decided on the stream, never
//! on the row. The timers never end an interview that is not due.

use super::{Engine, EngineError};
use crate::domain::{Command, DomainError, EndBy, Interview, Phase, Platform, StreamId};
use crate::ports::{Due, InterviewRow, Page};
use chrono::{DateTime, Utc};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Interviews read from the list per query.
const PAGE: u32 = 500;

pub struct Timers {
    engine: Engine,
    /// Minutes before the deadline at which the candidate is warned.
    pub warn_minutes: u32,
    /// How often to look for due timers.
    pub every: Duration,
    /// Minutes without a candidate event after which a web interview ends as
    /// abandoned (`WEB_IDLE_END_MINUTES`); `None`: never.
    pub web_idle_minutes: Option<u32>,
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
            web_idle_minutes: None,
        }
    }

    /// The same timers, ending web interviews idle for `minutes` (0: never).
    pub fn with_web_idle(mut self, minutes: u32) -> Timers {
        self.web_idle_minutes = (minutes > 0).then_some(minutes);
        self
    }

    /// The same timers, looking for due work every `every`.
    pub fn every(mut self, every: Duration) -> Timers {
        self.every = every;
        self
    }

    /// Warn and end whatever is due now.
    pub async fn tick(&self) -> Result<Fired, EngineError> {
        self.engine.catch_up_projections().await?;
        let now = self.engine.now();
        let mut fired = Fired::default();
        let deadlines = Due::Deadline {
            warn_by: now + self.warn_ahead(),
            end_by: now,
        };
        self.each_due(&deadlines, &mut fired, |row| row.deadline)
            .await?;
        if let Some(minutes) = self.web_idle_minutes {
            let idle = Due::Idle {
                platform: Platform::Web.as_str().to_string(),
                before: now - chrono::Duration::minutes(i64::from(minutes)),
            };
            self.each_due(&idle, &mut fired, |row| Some(row.last_candidate_at))
                .await?;
        }
        Ok(fired)
    }

    /// Acts on every interview `due` names, a page at a time; `key` is the row's sort
    /// key (where the next page starts).
    async fn each_due(
        &self,
        due: &Due,
        fired: &mut Fired,
        key: impl Fn(&InterviewRow) -> Option<DateTime<Utc>>,
    ) -> Result<(), EngineError> {
        let mut page = Page::first(PAGE);
        loop {
            let rows = self.engine.store.due_interviews(due, &page).await?;
            // Errors are per interview: one that cannot be read (a damaged event) or
            // written is reported, and every other interview's timers still fire.
            for row in &rows {
                if let Err(e) = self.act(due, row, fired).await {
                    tracing::warn!(stream = %row.stream_id, error = %e, "timer could not act on this interview; will retry");
                }
            }
            match rows.last() {
                Some(last) if rows.len() == PAGE as usize => {
                    let at = key(last).unwrap_or(DateTime::<Utc>::MIN_UTC);
                    page.after = Some((at, last.stream_id.clone()));
                }
                _ => return Ok(()),
            }
        }
    }

    async fn act(
        &self,
        due: &Due,
        row: &InterviewRow,
        fired: &mut Fired,
    ) -> Result<(), EngineError> {
        let stream = row.stream();
        let command = match due {
            Due::Deadline { .. } => {
                let (state, _) = self.engine.load(&stream).await?;
                self.due_in(&stream, &state)
            }
            Due::Idle { .. } => self.web_idle_minutes.map(|minutes| {
                let end = Command::EndInterview {
                    by: EndBy::Idle { minutes },
                    at: self.engine.now(),
                };
                (end, format!("timer:idle:{stream}"))
            }),
        };
        match command {
            Some((command, key)) => self.fire(&stream, command, &key, fired).await,
            None => Ok(()),
        }
    }

    fn warn_ahead(&self) -> chrono::Duration {
        chrono::Duration::minutes(i64::from(self.warn_minutes))
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
                | DomainError::WarningNotDue
                // The row keeps times to the millisecond: due by the row, a hair early
                // by the stream; the next tick ends it.
                | DomainError::TimeLimitNotReached
                | DomainError::NotIdle { .. },
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
