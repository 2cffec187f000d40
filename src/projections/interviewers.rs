//! The interviewers read model (issue 16): every peer interview folded to who
//! interviewed, in which community, whether they left early, and the candidate's rating
//! (its stars, and where in the log its note is). A member's "As interviewer" stats are
//! tallied from it.
//!
//! It holds numbers and ids only, never a note's text: the few notes shown are read
//! from the log when asked (`queries::interviewers`), so a privacy forget, which
//! rewrites the log, is seen at once and needs no rewrite here. It is folded in memory
//! from its own checkpoint like the duels board, so a rebuild is a fold from position
//! 0. It never writes anything and skips every stream that is not a peer interview.

use crate::domain::{Event, StreamId, Version};
use crate::ports::{Position, RecordedEvent};
use std::collections::HashMap;

/// One peer interview, as the interviewer's stats see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Given {
    /// The interviewer's member id (`{platform}:{user_id}`).
    pub interviewer: String,
    /// The community (`discord:{guild}`, `slack:{team}`).
    pub server: String,
    pub left: bool,
    pub rating: Option<Rated>,
}

/// The candidate's rating of the interviewer: the stars, and where the event is (to
/// read its note, when it has one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rated {
    pub stars: u8,
    pub has_note: bool,
    pub position: Position,
    pub version: Version,
}

/// A member's figures as an interviewer, with the rated notes to read, newest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub given: u32,
    pub left_early: u32,
    pub ratings: u32,
    pub average: Option<f64>,
    /// The ratings that came with a note: (stream, version of the rating), newest first.
    pub noted: Vec<(StreamId, Version)>,
}

/// Every peer interview, folded from the log.
#[derive(Debug, Clone, Default)]
pub struct InterviewerBoard {
    /// The community of each interview stream started and not yet paired or moved on:
    /// `PeerPaired` is appended in the start's decision, right after `InterviewStarted`.
    starts: HashMap<StreamId, String>,
    given: HashMap<StreamId, Given>,
}

impl InterviewerBoard {
    /// Fold one event of the log.
    pub fn apply(&mut self, recorded: &RecordedEvent) {
        let stream = &recorded.stream_id;
        match &recorded.event {
            Event::InterviewStarted(s) => {
                self.starts.insert(stream.clone(), s.place.server());
            }
            Event::PeerPaired(p) => {
                if let Some(server) = self.starts.remove(stream) {
                    let given = Given {
                        interviewer: p.interviewer.member_id(),
                        server,
                        left: false,
                        rating: None,
                    };
                    self.given.insert(stream.clone(), given);
                }
            }
            other => {
                self.starts.remove(stream);
                let Some(given) = self.given.get_mut(stream) else {
                    return;
                };
                match other {
                    Event::PeerInterviewerLeft(_) => given.left = true,
                    Event::PeerInterviewerRated(r) => {
                        given.rating = Some(Rated {
                            stars: r.stars,
                            has_note: !r.note.trim().is_empty(),
                            position: recorded.position,
                            version: recorded.version,
                        })
                    }
                    _ => {}
                }
            }
        }
    }

    /// `member_id`'s figures as an interviewer (only in `server` when given).
    pub fn tally(&self, member_id: &str, server: Option<&str>) -> Tally {
        let mine: Vec<(&StreamId, &Given)> = self
            .given
            .iter()
            .filter(|(_, g)| g.interviewer == member_id)
            .filter(|(_, g)| server.is_none_or(|s| g.server == s))
            .collect();
        let mut rated: Vec<(&StreamId, Rated)> = mine
            .iter()
            .filter_map(|(s, g)| Some((*s, g.rating?)))
            .collect();
        rated.sort_by_key(|(_, r)| std::cmp::Reverse(r.position));
        let stars: u32 = rated.iter().map(|(_, r)| u32::from(r.stars)).sum();
        Tally {
            given: mine.len() as u32,
            left_early: mine.iter().filter(|(_, g)| g.left).count() as u32,
            ratings: rated.len() as u32,
            average: (!rated.is_empty()).then(|| f64::from(stars) / rated.len() as f64),
            noted: rated
                .iter()
                .filter(|(_, r)| r.has_note)
                .map(|(s, r)| ((*s).clone(), r.version))
                .collect(),
        }
    }
}

/// The board and the position it is folded to, shared by the questions of one process.
pub type InterviewerBoardCache = super::BoardCache<InterviewerBoard>;

impl super::Board for InterviewerBoard {
    fn apply(&mut self, recorded: &RecordedEvent) {
        InterviewerBoard::apply(self, recorded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::events::{PeerInterviewerLeft, PeerInterviewerRated, PeerPaired};
    use crate::domain::{Actor, CoachConfig, InterviewStarted, Mode, Place, Platform, Problem};
    use chrono::{TimeZone, Utc};

    fn leo() -> Actor {
        Actor::new(Platform::Discord, "2", "leo")
    }
    fn maya() -> Actor {
        Actor::new(Platform::Discord, "1", "maya")
    }

    fn rec(position: i64, stream: &str, version: Version, event: Event) -> RecordedEvent {
        RecordedEvent {
            position,
            stream_id: StreamId::new(stream),
            version,
            recorded_at: Utc.timestamp_opt(0, 0).unwrap(),
            event,
        }
    }

    /// A started interview of `stream` in the guild `guild`.
    fn started(position: i64, stream: &str, guild: &str) -> RecordedEvent {
        let e = Event::InterviewStarted(InterviewStarted {
            interview_id: uuid::Uuid::nil(),
            place: Place::Discord {
                guild: guild.into(),
                channel: "5".into(),
                thread: stream.into(),
            },
            candidate: maya(),
            problem: Problem::Custom {
                title: "t".into(),
                text: "x".into(),
            },
            language: None,
            difficulty: None,
            time_limit_minutes: None,
            mode: Mode::default(),
            coach: CoachConfig {
                model: "m".into(),
                prompt_version: 1,
                rubric_version: 1,
            },
            at: Utc.timestamp_opt(0, 0).unwrap(),
        });
        rec(position, stream, 1, e)
    }

    fn paired(position: i64, stream: &str) -> RecordedEvent {
        let at = Utc.timestamp_opt(0, 0).unwrap();
        let e = Event::PeerPaired(PeerPaired {
            interviewer: leo(),
            at,
        });
        rec(position, stream, 2, e)
    }

    fn rated(position: i64, stream: &str, stars: u8, note: &str) -> RecordedEvent {
        let e = Event::PeerInterviewerRated(PeerInterviewerRated {
            by: maya(),
            interviewer: leo(),
            stars,
            note: note.into(),
            at: Utc.timestamp_opt(0, 0).unwrap(),
        });
        rec(position, stream, 9, e)
    }

    #[test]
    fn given_rated_peer_interviews_then_the_interviewer_has_their_count_average_and_notes() {
        let mut board = InterviewerBoard::default();
        let log = [
            started(1, "a", "7"),
            paired(2, "a"),
            started(3, "b", "7"),
            paired(4, "b"),
            started(5, "c", "8"),
            paired(6, "c"),
            rated(7, "a", 5, "Kind"),
            rated(8, "b", 2, ""),
            rec(
                9,
                "c",
                3,
                Event::PeerInterviewerLeft(PeerInterviewerLeft {
                    by: leo(),
                    at: Utc.timestamp_opt(0, 0).unwrap(),
                }),
            ),
            rated(10, "c", 4, "Left early but fair"),
        ];
        for r in &log {
            board.apply(r);
        }
        let all = board.tally(&leo().member_id(), None);
        assert_eq!((all.given, all.left_early, all.ratings), (3, 1, 3));
        assert_eq!(all.average, Some(11.0 / 3.0));
        assert_eq!(
            all.noted,
            vec![(StreamId::new("c"), 9), (StreamId::new("a"), 9)],
            "newest first, only the ratings with a note"
        );
        let here = board.tally(&leo().member_id(), Some("discord:7"));
        assert_eq!((here.given, here.ratings, here.average), (2, 2, Some(3.5)));
        assert_eq!(board.tally(&maya().member_id(), None), Tally::default());
    }

    #[test]
    fn solo_interviews_and_unrated_ones_give_no_rating() {
        let mut board = InterviewerBoard::default();
        for r in [
            started(1, "solo", "7"),
            started(2, "p", "7"),
            paired(3, "p"),
        ] {
            board.apply(&r);
        }
        let t = board.tally(&leo().member_id(), None);
        assert_eq!((t.given, t.ratings, t.average), (1, 0, None));
        assert!(t.noted.is_empty());
    }
}
