//! A member's stats as a peer interviewer (issue 16), answered from the interviewers
//! read model (`projections::interviewers`), caught up from the log first. The notes
//! are read from the log itself, so a note a privacy forget erased is never shown.
//! Never writes anything.

use super::{Queries, QueryError};
use crate::domain::{Event, erasure::ERASED};
use crate::practice::interviewer_stats::{InterviewerStats, LATEST_NOTES, RatingNote};

impl Queries {
    /// `member_id`'s stats as an interviewer (only in `server` when given), with the
    /// latest notes candidates wrote about them when `with_notes` (the platforms ask
    /// for them only when the member asks about themselves).
    pub async fn interviewer_stats(
        &self,
        member_id: &str,
        server: Option<&str>,
        with_notes: bool,
    ) -> Result<InterviewerStats, QueryError> {
        let tally = {
            let guard = self.interviewers.caught_up(self.store.as_ref()).await?;
            guard.1.tally(member_id, server)
        };
        let mut notes = Vec::new();
        for (stream, version) in tally.noted.iter().filter(|_| with_notes) {
            if notes.len() == LATEST_NOTES {
                break;
            }
            let events = self.store.read_stream(stream, *version).await?;
            let rated = events.iter().find_map(|r| match &r.event {
                Event::PeerInterviewerRated(e) if r.version == *version => Some(e),
                _ => None,
            });
            if let Some(r) = rated.filter(|r| !r.note.trim().is_empty() && r.note != ERASED) {
                notes.push(RatingNote {
                    stars: r.stars,
                    by: r.by.name.clone(),
                    note: r.note.clone(),
                });
            }
        }
        Ok(InterviewerStats {
            given: tally.given,
            left_early: tally.left_early,
            ratings: tally.ratings,
            average: tally.average,
            notes,
        })
    }
}
