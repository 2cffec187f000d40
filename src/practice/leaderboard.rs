//! The opt-in leaderboard of one community (a Discord server, a Slack workspace): who
//! joined, and their standing by the average score of their latest interviews there.
//!
//! Opting in or out is decided by the domain's pure `decide_opt_in` and written by the
//! engine (`Engine::set_leaderboard_opt_in`) into the `leaderboard_members` table (see
//! docs/ARCHITECTURE.md for why not in the log). A member who has not joined must never
//! appear, and standings never include text.

use crate::ports::MemberRows;
use crate::ports::{Storage, StoreError};
use crate::practice::stats;
use serde::Serialize;
use std::collections::BTreeMap;

/// Scored interviews averaged for a standing (the latest ones).
pub const RECENT_INTERVIEWS: usize = 5;

/// One opted-in member's place on the board.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standing {
    pub member_id: String,
    pub interviews_done: usize,
    /// Interviews with at least one analysis, counted in `recent_average`.
    pub scored_interviews: usize,
    /// Average of the final score of the latest [`RECENT_INTERVIEWS`] scored interviews.
    pub recent_average: Option<f64>,
}

/// Pure: a member's standing from their rows in the community. An interview's score is
/// its latest analysis.
pub fn standing(member_id: &str, rows: &MemberRows) -> Standing {
    // stream -> (position of its latest analysis, score)
    let mut last: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for a in &rows.analyses {
        let e = last
            .entry(a.stream_id.as_str())
            .or_insert((a.position, a.score));
        if a.position >= e.0 {
            *e = (a.position, a.score);
        }
    }
    let mut finals: Vec<(i64, i64)> = last.into_values().collect();
    finals.sort();
    let recent: Vec<i64> = finals
        .iter()
        .rev()
        .take(RECENT_INTERVIEWS)
        .map(|(_, s)| *s)
        .collect();
    Standing {
        member_id: member_id.to_string(),
        interviews_done: rows.interviews.iter().filter(|i| i.done).count(),
        scored_interviews: finals.len(),
        recent_average: (!recent.is_empty())
            .then(|| recent.iter().sum::<i64>() as f64 / recent.len() as f64),
    }
}

/// Pure: best first; members without a score last; ties by interviews done, then id.
pub fn rank(mut standings: Vec<Standing>) -> Vec<Standing> {
    standings.sort_by(|a, b| {
        let score = |s: &Standing| s.recent_average.unwrap_or(f64::NEG_INFINITY);
        score(b)
            .total_cmp(&score(a))
            .then(b.interviews_done.cmp(&a.interviews_done))
            .then(a.member_id.cmp(&b.member_id))
    });
    standings
}

/// The ranked standings of `server`'s opted-in members.
pub async fn standings(store: &dyn Storage, server: &str) -> Result<Vec<Standing>, StoreError> {
    let mut out = Vec::new();
    for member in store.leaderboard_opted_in(server).await? {
        let rows = stats::rows(store, &member, Some(server)).await?;
        out.push(standing(&member, &rows));
    }
    Ok(rank(out))
}

/// The board as text lines; `mention` renders a member id for the platform.
pub fn report_lines(standings: &[Standing], mention: impl Fn(&str) -> String) -> Vec<String> {
    standings
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let score = match s.recent_average {
                Some(avg) => format!(
                    "{avg:.1}/10 over the last {}",
                    s.scored_interviews.min(RECENT_INTERVIEWS)
                ),
                None => "no score yet".to_string(),
            };
            format!(
                "{}. {} · {score} · {} interview(s) done",
                i + 1,
                mention(&s.member_id),
                s.interviews_done
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{StatsAnalysis, StatsInterview};

    fn rows(scores: &[(&str, i64, i64)], done: usize) -> MemberRows {
        MemberRows {
            interviews: (0..done)
                .map(|i| StatsInterview {
                    stream_id: format!("s{i}"),
                    member_id: "m".into(),
                    server: "discord:1".into(),
                    problem_id: None,
                    done: true,
                    hints_used: 0,
                    last_position: 0,
                    tests_passed: 0,
                    tests_total: 0,
                })
                .collect(),
            analyses: scores
                .iter()
                .map(|(stream, position, score)| StatsAnalysis {
                    position: *position,
                    stream_id: stream.to_string(),
                    member_id: "m".into(),
                    server: "discord:1".into(),
                    problem_id: None,
                    score: *score,
                    communication: 1,
                    problem_solving: 1,
                    technical_competency: 1,
                    testing: 1,
                })
                .collect(),
            regrades: Vec::new(),
        }
    }

    #[test]
    fn an_interview_counts_with_its_latest_score() {
        let s = standing("m", &rows(&[("a", 1, 2), ("a", 5, 8), ("b", 3, 6)], 2));
        assert_eq!(s.scored_interviews, 2);
        assert_eq!(s.recent_average, Some(7.0));
        assert_eq!(s.interviews_done, 2);
    }

    #[test]
    fn only_the_latest_interviews_count() {
        let scores: Vec<(String, i64, i64)> = (0..8)
            .map(|i| (format!("s{i}"), i, if i < 3 { 1 } else { 9 }))
            .collect();
        let scores: Vec<(&str, i64, i64)> = scores
            .iter()
            .map(|(s, p, v)| (s.as_str(), *p, *v))
            .collect();
        let s = standing("m", &rows(&scores, 8));
        assert_eq!(s.recent_average, Some(9.0));
    }

    #[test]
    fn the_best_average_ranks_first_and_the_unscored_last() {
        let mk = |id: &str, avg: Option<f64>| Standing {
            member_id: id.into(),
            interviews_done: 1,
            scored_interviews: usize::from(avg.is_some()),
            recent_average: avg,
        };
        let ranked = rank(vec![mk("a", Some(5.0)), mk("b", None), mk("c", Some(8.0))]);
        let ids: Vec<&str> = ranked.iter().map(|s| s.member_id.as_str()).collect();
        assert_eq!(ids, ["c", "a", "b"]);
    }
}
