//! Duels in the read API (issue 16, point 4): the duel an interview of the list belongs
//! to (opponent, outcome) and, on a member's progress, their finished duels with both
//! times (the winner's and the runner-up's), attempts and rating changes, and their rating per community. Read through the
//! query door's duel read model; never writes.

use super::Web;
use crate::domain::{Duel, DuelPhase, StreamId};
use crate::queries::QueryError;
use serde::Serialize;
use serde_json::Value;

/// One finished duel as a member's progress shows it.
#[derive(Debug, Clone, Serialize)]
pub struct DuelView {
    pub duel_id: String,
    pub community: String,
    pub problem_id: String,
    pub opponent: String,
    /// `won`, `lost` or `no_winner`.
    pub outcome: &'static str,
    /// The winner's time from the start, when there was a winner.
    pub winner_seconds: Option<u64>,
    /// After a win, how the runner-up finished: `passed` (with `runner_up_seconds`),
    /// `did_not_finish` (the time limit came first) or `pending` (still solving);
    /// `None` without a winner.
    pub runner_up: Option<&'static str>,
    /// The runner-up's time from the start, when they passed too.
    pub runner_up_seconds: Option<u64>,
    pub attempts: u32,
    pub opponent_attempts: u32,
    pub rating_before: Option<i32>,
    pub rating_after: Option<i32>,
    pub ended_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A member's standing in one community.
#[derive(Debug, Clone, Serialize)]
pub struct RatingView {
    pub community: String,
    pub rating: i32,
    pub wins: u32,
    pub losses: u32,
    pub no_result: u32,
}

/// Where `member_id` stands in `duel`: (opponent, outcome, attempts, rival's attempts).
fn side(duel: &Duel, member_id: &str) -> Option<(String, &'static str, u32, u32)> {
    let offer = duel.offer.as_ref()?;
    let me_first = offer.challenger.member_id() == member_id;
    let opponent = if me_first {
        &offer.opponent
    } else {
        &offer.challenger
    };
    match (&duel.won, duel.phase) {
        (Some(w), _) => {
            let won = w.winner.member_id() == member_id;
            let (mine, theirs) = if won {
                (w.winner_attempts, w.loser_attempts)
            } else {
                (w.loser_attempts, w.winner_attempts)
            };
            Some((
                opponent.name.clone(),
                if won { "won" } else { "lost" },
                mine,
                theirs,
            ))
        }
        (None, DuelPhase::TimedOut) => Some((opponent.name.clone(), "no_winner", 0, 0)),
        (None, DuelPhase::Running) => Some((opponent.name.clone(), "running", 0, 0)),
        _ => None,
    }
}

/// A member's finished duels (newest first) and ratings, for the progress page.
pub async fn progress(
    web: &Web,
    member_id: &str,
) -> Result<(Vec<DuelView>, Vec<RatingView>), QueryError> {
    let results = web.queries().duel_results(member_id).await?;
    let mut duels = vec![];
    let mut communities = vec![];
    for r in &results {
        let Some((opponent, outcome, attempts, opponent_attempts)) = side(&r.duel, member_id)
        else {
            continue;
        };
        let offer = r.duel.offer.as_ref();
        let community = offer.map(|o| o.community.clone()).unwrap_or_default();
        let (before, after) = match (&r.change, outcome) {
            (Some(c), "won") => (Some(c.winner_before), Some(c.winner_after)),
            (Some(c), "lost") => (Some(c.loser_before), Some(c.loser_after)),
            _ => (None, None),
        };
        if !communities.contains(&community) {
            communities.push(community.clone());
        }
        duels.push(DuelView {
            duel_id: r.stream.as_str().to_string(),
            community,
            problem_id: r
                .duel
                .started
                .as_ref()
                .map(|s| s.problem_id.clone())
                .unwrap_or_default(),
            opponent,
            outcome,
            winner_seconds: r.duel.won.as_ref().map(|w| w.winner_seconds),
            runner_up: r.duel.won.as_ref().map(|_| match &r.duel.runner_up {
                Some(f) if f.seconds.is_some() => "passed",
                Some(_) => "did_not_finish",
                None => "pending",
            }),
            runner_up_seconds: r.duel.runner_up.as_ref().and_then(|f| f.seconds),
            attempts,
            opponent_attempts,
            rating_before: before,
            rating_after: after,
            ended_at: r.duel.ended_at,
        });
    }
    let mut ratings = vec![];
    for community in communities {
        if let Some(r) = web.queries().duel_rating(&community, member_id).await? {
            ratings.push(RatingView {
                community,
                rating: r.rating,
                wins: r.wins,
                losses: r.losses,
                no_result: r.no_result,
            });
        }
    }
    Ok((duels, ratings))
}

/// Adds `"duel": {"opponent", "outcome"}` to each row of the interview list (JSON
/// objects with a `stream_id`) that is a duelist's interview.
pub async fn mark_rows(web: &Web, rows: &mut [Value]) -> Result<(), QueryError> {
    for row in rows.iter_mut() {
        let (Some(stream), Some(member)) = (
            row["stream_id"].as_str().map(StreamId::new),
            row["candidate"]["id"].as_str().map(str::to_string),
        ) else {
            continue;
        };
        if let Some((_, duel)) = web.queries().duel_of_interview(&stream).await?
            && let Some((opponent, outcome, ..)) = side(&duel, &member)
        {
            row["duel"] = serde_json::json!({"opponent": opponent, "outcome": outcome});
        }
    }
    Ok(())
}
