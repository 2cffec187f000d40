//! The duels read model (issue 16): every duel folded from its stream, which members are
//! taken (an offer waiting or a duel running), which interview belongs to which duel,
//! and the Elo rating of each member per community, with each decided duel's rating
//! change. Ratings are folded in the log's order, so the same log always gives the
//! same ratings, and a rebuild is a fold from position 0.
//!
//! It is held in memory and caught up from its own checkpoint (`DuelBoardCache`): duel
//! events are few, and the fold reads only what was appended since the last question.
//! It never writes anything, never decides, and skips every stream that is not a duel.

use crate::domain::events::{DuelWon, Event};
use crate::domain::rating::{self, START_RATING};
use crate::domain::{Actor, Duel, DuelPhase, StreamId};
use crate::ports::RecordedEvent;
use std::collections::HashMap;

/// The prefix of every duel stream id.
pub const DUEL_STREAM_PREFIX: &str = "duel:";

/// Whether `stream` is a duel's (and so not an interview's).
pub fn is_duel_stream(stream: &StreamId) -> bool {
    stream.as_str().starts_with(DUEL_STREAM_PREFIX)
}

/// A member's standing in one community.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    pub member: Actor,
    pub rating: i32,
    pub wins: u32,
    pub losses: u32,
    /// Duels that ended at the time limit with no winner.
    pub no_result: u32,
}

/// How a decided duel moved both ratings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RatingChange {
    pub winner_before: i32,
    pub winner_after: i32,
    pub loser_before: i32,
    pub loser_after: i32,
}

/// Every duel and rating, folded from the log.
#[derive(Debug, Clone, Default)]
pub struct DuelBoard {
    duels: HashMap<StreamId, Duel>,
    /// Interview stream -> its duel's stream.
    interviews: HashMap<StreamId, StreamId>,
    /// (community, member id) -> standing.
    ratings: HashMap<(String, String), Rating>,
    changes: HashMap<StreamId, RatingChange>,
}

impl DuelBoard {
    /// Fold one event of the log; events of other streams change nothing.
    pub fn apply(&mut self, recorded: &RecordedEvent) {
        if !is_duel_stream(&recorded.stream_id) {
            return;
        }
        let stream = &recorded.stream_id;
        let duel = self.duels.entry(stream.clone()).or_default();
        duel.apply(&recorded.event);
        let community = duel.offer.as_ref().map(|o| o.community.clone());
        match (&recorded.event, community) {
            (Event::DuelStarted(s), _) => {
                for interview in [&s.challenger_interview, &s.opponent_interview] {
                    self.interviews.insert(interview.clone(), stream.clone());
                }
            }
            (Event::DuelWon(won), Some(community)) => {
                let change = self.rate(&community, won);
                self.changes.insert(stream.clone(), change);
            }
            (Event::DuelTimedOut(_), Some(community)) => {
                if let Some((a, b)) = self
                    .duels
                    .get(stream)
                    .and_then(|d| d.duelists().map(|(a, b)| (a.clone(), b.clone())))
                {
                    self.standing(&community, &a).no_result += 1;
                    self.standing(&community, &b).no_result += 1;
                }
            }
            _ => {}
        }
    }

    fn standing(&mut self, community: &str, member: &Actor) -> &mut Rating {
        let entry = self
            .ratings
            .entry((community.to_string(), member.member_id()))
            .or_insert_with(|| Rating {
                member: member.clone(),
                rating: START_RATING,
                wins: 0,
                losses: 0,
                no_result: 0,
            });
        entry.member = member.clone();
        entry
    }

    fn rate(&mut self, community: &str, won: &DuelWon) -> RatingChange {
        let winner_before = self.standing(community, &won.winner).rating;
        let loser_before = self.standing(community, &won.loser).rating;
        let (winner_after, loser_after) = rating::after_win(winner_before, loser_before);
        let w = self.standing(community, &won.winner);
        w.rating = winner_after;
        w.wins += 1;
        let l = self.standing(community, &won.loser);
        l.rating = loser_after;
        l.losses += 1;
        RatingChange {
            winner_before,
            winner_after,
            loser_before,
            loser_after,
        }
    }

    pub fn duel(&self, stream: &StreamId) -> Option<&Duel> {
        self.duels.get(stream)
    }

    /// Every duel, in no order.
    pub fn all(&self) -> impl Iterator<Item = (&StreamId, &Duel)> {
        self.duels.iter()
    }

    /// The duel an interview stream belongs to.
    pub fn duel_of_interview(&self, interview: &StreamId) -> Option<(&StreamId, &Duel)> {
        let stream = self.interviews.get(interview)?;
        Some((stream, self.duels.get(stream)?))
    }

    /// Offers waiting and duels running, oldest offer first.
    pub fn live(&self) -> Vec<(&StreamId, &Duel)> {
        let mut live: Vec<_> = self
            .duels
            .iter()
            .filter(|(_, d)| d.phase.is_live())
            .collect();
        live.sort_by_key(|(s, d)| (d.offer.as_ref().map(|o| o.at), (*s).clone()));
        live
    }

    /// Won duels whose loser may still pass before the time limit.
    pub fn awaiting_runner_up(&self) -> impl Iterator<Item = (&StreamId, &Duel)> {
        self.duels.iter().filter(|(_, d)| d.awaiting_runner_up())
    }

    /// Whether `member` has an offer waiting (either side) or a duel running, other
    /// than the duel `except`.
    pub fn busy(&self, member: &Actor, except: Option<&StreamId>) -> bool {
        self.duels.iter().any(|(s, d)| {
            Some(s) != except
                && d.phase.is_live()
                && d.duelists()
                    .is_some_and(|(a, b)| a.same_person(member) || b.same_person(member))
        })
    }

    /// The standings of a community, best first (ties by most wins, then name).
    pub fn standings(&self, community: &str) -> Vec<Rating> {
        let mut all: Vec<Rating> = self
            .ratings
            .iter()
            .filter(|((c, _), _)| c == community)
            .map(|(_, r)| r.clone())
            .collect();
        all.sort_by(|a, b| {
            (b.rating, b.wins, &a.member.name).cmp(&(a.rating, a.wins, &b.member.name))
        });
        all
    }

    /// A member's standing in a community, if they have finished a duel there.
    pub fn rating(&self, community: &str, member_id: &str) -> Option<&Rating> {
        self.ratings
            .get(&(community.to_string(), member_id.to_string()))
    }

    /// How a won duel moved the ratings.
    pub fn change(&self, duel: &StreamId) -> Option<RatingChange> {
        self.changes.get(duel).copied()
    }

    /// The finished duels `member_id` took part in (any community), newest first.
    pub fn finished_of(&self, member_id: &str) -> Vec<(&StreamId, &Duel)> {
        let mut done: Vec<_> = self
            .duels
            .iter()
            .filter(|(_, d)| matches!(d.phase, DuelPhase::Won | DuelPhase::TimedOut))
            .filter(|(_, d)| {
                d.duelists()
                    .is_some_and(|(a, b)| a.member_id() == member_id || b.member_id() == member_id)
            })
            .collect();
        done.sort_by_key(|(s, d)| std::cmp::Reverse((d.ended_at, (*s).clone())));
        done
    }
}

/// The board and the position it is folded to, shared by the questions of one process.
pub type DuelBoardCache = super::BoardCache<DuelBoard>;

impl super::Board for DuelBoard {
    fn apply(&mut self, recorded: &RecordedEvent) {
        DuelBoard::apply(self, recorded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::events::{DuelOffered, DuelStarted, DuelTimedOut};
    use crate::domain::{Platform, Version};
    use chrono::{TimeZone, Utc};

    fn ada() -> Actor {
        Actor::new(Platform::Discord, "1", "ada")
    }
    fn linus() -> Actor {
        Actor::new(Platform::Discord, "2", "linus")
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

    fn duel(stream: &str, first: i64, a: Actor, b: Actor, end: Event) -> Vec<RecordedEvent> {
        let at = Utc.with_ymd_and_hms(2025, 3, 14, 9, 0, 0).unwrap();
        vec![
            rec(
                first,
                stream,
                1,
                Event::DuelOffered(DuelOffered {
                    duel_id: uuid::Uuid::nil(),
                    community: "discord:1".into(),
                    channel: "9".into(),
                    challenger: a.clone(),
                    opponent: b.clone(),
                    difficulty: None,
                    topic: None,
                    minutes: 30,
                    expires_at: at,
                    at,
                }),
            ),
            rec(
                first + 1,
                stream,
                2,
                Event::DuelStarted(DuelStarted {
                    by: b,
                    problem_id: "two-sum".into(),
                    challenger_interview: StreamId::new(format!("{stream}-a")),
                    opponent_interview: StreamId::new(format!("{stream}-b")),
                    ends_at: at,
                    at,
                }),
            ),
            rec(first + 2, stream, 3, end),
        ]
    }

    fn won(winner: Actor, loser: Actor) -> Event {
        Event::DuelWon(DuelWon {
            winner,
            loser,
            winner_seconds: 60,
            winner_attempts: 1,
            loser_attempts: 0,
            at: Utc.timestamp_opt(100, 0).unwrap(),
        })
    }

    #[test]
    fn given_two_duels_when_folded_then_ratings_follow_the_logs_order() {
        let mut board = DuelBoard::default();
        for r in duel("duel:discord:x", 1, ada(), linus(), won(ada(), linus()))
            .iter()
            .chain(&duel(
                "duel:discord:y",
                10,
                linus(),
                ada(),
                won(ada(), linus()),
            ))
        {
            board.apply(r);
        }
        let standings = board.standings("discord:1");
        assert_eq!(standings[0].member, ada());
        assert_eq!((standings[0].rating, standings[0].wins), (1231, 2));
        assert_eq!((standings[1].rating, standings[1].losses), (1169, 2));
        let second = board.change(&StreamId::new("duel:discord:y")).unwrap();
        assert_eq!((second.winner_before, second.winner_after), (1216, 1231));
        assert!(!board.busy(&ada(), None));
    }

    #[test]
    fn given_a_running_duel_then_both_members_are_busy_and_its_interviews_are_linked() {
        let mut board = DuelBoard::default();
        for r in &duel("duel:discord:x", 1, ada(), linus(), won(ada(), linus()))[..2] {
            board.apply(r);
        }
        assert!(board.busy(&ada(), None) && board.busy(&linus(), None));
        assert!(!board.busy(&ada(), Some(&StreamId::new("duel:discord:x"))));
        let (stream, _) = board
            .duel_of_interview(&StreamId::new("duel:discord:x-b"))
            .unwrap();
        assert_eq!(stream.as_str(), "duel:discord:x");
        assert_eq!(board.live().len(), 1);
    }

    #[test]
    fn given_a_duel_with_no_winner_then_no_rating_moves() {
        let mut board = DuelBoard::default();
        let end = Event::DuelTimedOut(DuelTimedOut {
            challenger_attempts: 1,
            opponent_attempts: 0,
            at: Utc.timestamp_opt(100, 0).unwrap(),
        });
        for r in &duel("duel:discord:x", 1, ada(), linus(), end) {
            board.apply(r);
        }
        let a = board.rating("discord:1", &ada().member_id()).unwrap();
        assert_eq!((a.rating, a.no_result), (START_RATING, 1));
        assert_eq!(board.finished_of(&linus().member_id()).len(), 1);
    }

    #[test]
    fn streams_that_are_not_duels_are_skipped() {
        let mut board = DuelBoard::default();
        board.apply(&rec(1, "discord:1:2", 1, won(ada(), linus())));
        assert!(board.standings("discord:1").is_empty());
    }
}
