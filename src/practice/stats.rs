//! A member's practice stats: interviews done, average and trend of the score and of
//! each rubric dimension, hints used, weakest topics, problems done, and the problem to
//! practise next. Computed from the member-stats read model; `summarise` and `suggest`
//! are pure so a fold of the raw log can be checked against them.
//!
//! Stats are numbers and ids only; this module never writes anything and never shows
//! one member's stats to a platform by itself (adapters decide who asks).

use crate::ports::{DIMENSIONS, MemberRows, StatsAnalysis, StatsInterview, StatsRegrade};
use crate::ports::{Storage, StoreError};
use crate::problems::{BankProblem, ProblemBank};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// How many weakest topics are reported.
pub const WEAKEST_TOPICS: usize = 3;

/// Average and direction of one measure over a member's analyses, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Trend {
    pub count: usize,
    pub average: Option<f64>,
    /// The latest value.
    pub latest: Option<i64>,
    /// Least-squares slope per analysis (positive: improving); needs two values.
    pub slope: Option<f64>,
}

impl Trend {
    /// The trend of `values` in time order.
    pub fn of(values: &[i64]) -> Trend {
        let n = values.len();
        if n == 0 {
            return Trend::default();
        }
        let mean = values.iter().sum::<i64>() as f64 / n as f64;
        let slope = (n >= 2).then(|| {
            let x_mean = (n as f64 - 1.0) / 2.0;
            let (mut num, mut den) = (0.0, 0.0);
            for (i, v) in values.iter().enumerate() {
                let dx = i as f64 - x_mean;
                num += dx * (*v as f64 - mean);
                den += dx * dx;
            }
            num / den
        });
        Trend {
            count: n,
            average: Some(mean),
            latest: values.last().copied(),
            slope,
        }
    }

    /// An arrow for the direction: up, down or flat (within `flat` per analysis).
    pub fn arrow(&self, flat: f64) -> &'static str {
        match self.slope {
            Some(s) if s > flat => "↑",
            Some(s) if s < -flat => "↓",
            Some(_) => "→",
            None => "·",
        }
    }
}

/// One rubric dimension's trend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DimensionTrend {
    pub dimension: String,
    pub trend: Trend,
}

/// A topic and the member's average score on problems of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicScore {
    pub topic: String,
    pub average: f64,
    pub analyses: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MemberStats {
    pub member_id: String,
    pub interviews_started: usize,
    /// Ended or summarised.
    pub interviews_done: usize,
    pub score: Trend,
    pub dimensions: Vec<DimensionTrend>,
    pub hints_used: i64,
    /// Over every interview, the cases its latest tested submission passed, and ran.
    pub tests_passed: i64,
    pub tests_total: i64,
    /// Lowest average score first, at most [`WEAKEST_TOPICS`].
    pub weakest_topics: Vec<TopicScore>,
    /// Bank problems of every interview the member started (seen is not fresh), sorted.
    pub problems_done: Vec<String>,
    /// Analyses an operator regraded (`regrade --record`), shown beside the score above,
    /// which stays the originals'.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regraded: Option<Regraded>,
}

/// The regraded analyses of a member: their original and new average scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Regraded {
    pub analyses: usize,
    pub original_average: f64,
    pub average: f64,
}

/// The figures of the member's regrade rows: each analysis counted once, with its
/// latest regrade; `None` without any.
pub fn regraded(rows: &[StatsRegrade]) -> Option<Regraded> {
    let mut latest: BTreeMap<(&str, i64), &StatsRegrade> = BTreeMap::new();
    for r in rows {
        let slot = latest
            .entry((r.stream_id.as_str(), r.reply_to))
            .or_insert(r);
        if slot.position < r.position {
            *slot = r;
        }
    }
    let n = latest.len();
    (n > 0).then(|| Regraded {
        analyses: n,
        original_average: latest.values().map(|r| r.original_score).sum::<i64>() as f64 / n as f64,
        average: latest.values().map(|r| r.score).sum::<i64>() as f64 / n as f64,
    })
}

impl MemberStats {
    pub fn is_empty(&self) -> bool {
        self.interviews_started == 0
    }
}

/// The stats of `member_id` from their rows (analyses in log order).
pub fn summarise(
    member_id: &str,
    interviews: &[StatsInterview],
    analyses: &[StatsAnalysis],
    bank: &ProblemBank,
) -> MemberStats {
    let scores: Vec<i64> = analyses.iter().map(|a| a.score).collect();
    let dimensions = DIMENSIONS
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let values: Vec<i64> = analyses.iter().map(|a| a.dimensions()[i].1).collect();
            DimensionTrend {
                dimension: name.to_string(),
                trend: Trend::of(&values),
            }
        })
        .collect();
    let mut by_topic: BTreeMap<&str, (i64, usize)> = BTreeMap::new();
    for a in analyses {
        let topics = a
            .problem_id
            .as_deref()
            .and_then(|id| bank.get(id))
            .map(|p| p.topics.as_slice())
            .unwrap_or_default();
        for t in topics {
            let entry = by_topic.entry(t.as_str()).or_default();
            entry.0 += a.score;
            entry.1 += 1;
        }
    }
    let mut weakest: Vec<TopicScore> = by_topic
        .into_iter()
        .map(|(topic, (sum, n))| TopicScore {
            topic: topic.to_string(),
            average: sum as f64 / n as f64,
            analyses: n,
        })
        .collect();
    weakest.sort_by(|a, b| a.average.total_cmp(&b.average).then(a.topic.cmp(&b.topic)));
    weakest.truncate(WEAKEST_TOPICS);
    let problems_done: BTreeSet<String> = interviews
        .iter()
        .filter_map(|i| i.problem_id.clone())
        .collect();
    MemberStats {
        member_id: member_id.to_string(),
        interviews_started: interviews.len(),
        interviews_done: interviews.iter().filter(|i| i.done).count(),
        score: Trend::of(&scores),
        dimensions,
        hints_used: interviews.iter().map(|i| i.hints_used).sum(),
        tests_passed: interviews.iter().map(|i| i.tests_passed).sum(),
        tests_total: interviews.iter().map(|i| i.tests_total).sum(),
        weakest_topics: weakest,
        problems_done: problems_done.into_iter().collect(),
        regraded: None,
    }
}

/// The problem to practise next.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub problem_id: String,
    pub title: String,
    pub difficulty: String,
    /// The weak topic it practises, when it was chosen for one.
    pub topic: Option<String>,
}

/// A problem not done yet on the weakest topic that has one, else any problem not done
/// yet; `pick` chooses among the candidates (random in production, fixed in tests).
/// `None` when every problem of the bank is done.
pub fn suggest(
    stats: &MemberStats,
    bank: &ProblemBank,
    pick: impl Fn(usize) -> usize,
) -> Option<Suggestion> {
    let done: HashSet<&str> = stats.problems_done.iter().map(String::as_str).collect();
    let fresh = |p: &&BankProblem| !done.contains(p.id.as_str());
    let choose = |pool: Vec<&BankProblem>| -> Option<BankProblem> {
        (!pool.is_empty()).then(|| pool[pick(pool.len()).min(pool.len() - 1)].clone())
    };
    for weak in &stats.weakest_topics {
        let pool: Vec<&BankProblem> = bank
            .all()
            .filter(|p| p.topics.contains(&weak.topic))
            .filter(fresh)
            .collect();
        if let Some(p) = choose(pool) {
            return Some(suggestion(&p, Some(weak.topic.clone())));
        }
    }
    let p = choose(bank.all().filter(fresh).collect())?;
    Some(suggestion(&p, None))
}

fn suggestion(p: &BankProblem, topic: Option<String>) -> Suggestion {
    Suggestion {
        problem_id: p.id.clone(),
        title: p.title.clone(),
        difficulty: p.difficulty.clone(),
        topic,
    }
}

/// `member_id`'s stats (only in `server` when given), as the read model stands (the
/// caller brings it up to date: the query door waits for the projector).
pub async fn load(
    store: &dyn Storage,
    member_id: &str,
    server: Option<&str>,
    bank: &ProblemBank,
) -> Result<MemberStats, StoreError> {
    let rows = rows(store, member_id, server).await?;
    Ok(MemberStats {
        regraded: regraded(&rows.regrades),
        ..summarise(member_id, &rows.interviews, &rows.analyses, bank)
    })
}

/// The member's stats rows, as the read model stands; reads only.
pub async fn rows(
    store: &dyn Storage,
    member_id: &str,
    server: Option<&str>,
) -> Result<MemberRows, StoreError> {
    store.member_rows(member_id, server).await
}

/// Bank problems the member has already had, for choosing a fresh one.
pub async fn problems_done(
    store: &dyn Storage,
    member_id: &str,
) -> Result<HashSet<String>, StoreError> {
    let rows = rows(store, member_id, None).await?;
    Ok(rows
        .interviews
        .into_iter()
        .filter_map(|i| i.problem_id)
        .collect())
}

/// The stats as (label, value) lines for chat platforms: plain text, no mentions.
pub fn report_lines(stats: &MemberStats, next: Option<&Suggestion>) -> Vec<(String, String)> {
    let mut lines = vec![(
        "Interviews".to_string(),
        format!(
            "{} done of {} started · {} hint(s) used",
            stats.interviews_done, stats.interviews_started, stats.hints_used
        ),
    )];
    let score = match stats.score.average {
        Some(avg) => format!(
            "{avg:.1}/10 average over {} analyses, latest {}/10, trend {}",
            stats.score.count,
            stats.score.latest.unwrap_or_default(),
            stats.score.arrow(0.1)
        ),
        None => "no code analysed yet".to_string(),
    };
    lines.push(("Score".to_string(), score));
    if let Some(r) = &stats.regraded {
        lines.push((
            "Regraded".to_string(),
            format!(
                "{} analyses regraded by the operator: {:.1}/10 against {:.1}/10 originally (the score above stays the original)",
                r.analyses, r.average, r.original_average
            ),
        ));
    }
    if stats.tests_total > 0 {
        lines.push((
            "Tests".to_string(),
            format!(
                "{} of {} passed (each interview's latest tested submission)",
                stats.tests_passed, stats.tests_total
            ),
        ));
    }
    if stats.score.count > 0 {
        let dims: Vec<String> = stats
            .dimensions
            .iter()
            .map(|d| {
                format!(
                    "{}: {:.1}/4 {}",
                    d.dimension.replace('_', " "),
                    d.trend.average.unwrap_or_default(),
                    d.trend.arrow(0.05)
                )
            })
            .collect();
        lines.push(("Rubric".to_string(), dims.join("\n")));
    }
    if !stats.weakest_topics.is_empty() {
        let topics: Vec<String> = stats
            .weakest_topics
            .iter()
            .map(|t| format!("{} ({:.1}/10)", t.topic, t.average))
            .collect();
        lines.push(("Weakest topics".to_string(), topics.join(", ")));
    }
    if let Some(s) = next {
        let why = s
            .topic
            .as_ref()
            .map(|t| format!(" to practise {t}"))
            .unwrap_or_default();
        lines.push((
            "Try next".to_string(),
            format!("{} ({}, `{}`){why}", s.title, s.difficulty, s.problem_id),
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bank() -> ProblemBank {
        ProblemBank::load_default().expect("the bank loads")
    }

    fn analysis(position: i64, problem: &str, score: i64, bands: [i64; 4]) -> StatsAnalysis {
        StatsAnalysis {
            position,
            stream_id: format!("web:{problem}"),
            member_id: "discord:1".into(),
            server: "discord:9".into(),
            problem_id: Some(problem.into()),
            score,
            communication: bands[0],
            problem_solving: bands[1],
            technical_competency: bands[2],
            testing: bands[3],
        }
    }

    fn interview(problem: &str, done: bool, hints: i64) -> StatsInterview {
        StatsInterview {
            stream_id: format!("web:{problem}"),
            member_id: "discord:1".into(),
            server: "discord:9".into(),
            problem_id: Some(problem.into()),
            done,
            hints_used: hints,
            last_position: 1,
            tests_passed: 0,
            tests_total: 0,
        }
    }

    #[test]
    fn a_rising_series_has_a_positive_slope_and_its_mean() {
        let t = Trend::of(&[2, 4, 6]);
        assert_eq!(t.average, Some(4.0));
        assert_eq!(t.slope, Some(2.0));
        assert_eq!(t.latest, Some(6));
        assert_eq!(t.arrow(0.1), "↑");
        assert_eq!(Trend::of(&[5]).slope, None);
        assert_eq!(Trend::of(&[]), Trend::default());
    }

    #[test]
    fn given_scores_on_two_topics_the_lower_one_is_weakest() {
        let b = bank();
        let interviews = [
            interview("two-sum", true, 2),
            interview("merge-intervals", false, 1),
        ];
        let analyses = [
            analysis(3, "two-sum", 9, [4, 4, 4, 3]),
            analysis(7, "merge-intervals", 3, [2, 1, 2, 1]),
        ];
        let s = summarise("discord:1", &interviews, &analyses, &b);
        assert_eq!((s.interviews_started, s.interviews_done), (2, 1));
        assert_eq!(s.hints_used, 3);
        assert_eq!(s.weakest_topics[0].topic, "intervals");
        assert_eq!(s.problems_done, vec!["merge-intervals", "two-sum"]);
        assert_eq!(s.dimensions[1].trend.slope, Some(-3.0));
    }

    #[test]
    fn the_suggestion_practises_the_weakest_topic_with_a_problem_not_done() {
        let b = bank();
        let s = summarise(
            "discord:1",
            &[interview("merge-intervals", true, 0)],
            &[analysis(1, "merge-intervals", 2, [1, 1, 1, 1])],
            &b,
        );
        for i in 0..10 {
            let next = suggest(&s, &b, |n| i % n).expect("a suggestion");
            assert_eq!(next.topic.as_deref(), Some("intervals"));
            assert_ne!(next.problem_id, "merge-intervals");
            let p = b.get(&next.problem_id).unwrap();
            assert!(p.topics.iter().any(|t| t == "intervals"));
        }
    }

    #[test]
    fn without_analyses_the_suggestion_is_any_problem_not_done() {
        let b = bank();
        let s = summarise("discord:1", &[interview("two-sum", false, 0)], &[], &b);
        let next = suggest(&s, &b, |_| 0).expect("a suggestion");
        assert_eq!(next.topic, None);
        assert_ne!(next.problem_id, "two-sum");
        let all_done = MemberStats {
            problems_done: b.all().map(|p| p.id.clone()).collect(),
            ..s
        };
        assert_eq!(suggest(&all_done, &b, |_| 0), None);
    }

    #[test]
    fn tests_passed_are_summed_over_interviews_and_reported() {
        let b = bank();
        let tested = |problem, passed, total| StatsInterview {
            tests_passed: passed,
            tests_total: total,
            ..interview(problem, true, 0)
        };
        let s = summarise(
            "discord:1",
            &[
                tested("two-sum", 8, 8),
                tested("valid-parentheses", 3, 10),
                interview("x", false, 0),
            ],
            &[],
            &b,
        );
        assert_eq!((s.tests_passed, s.tests_total), (11, 18));
        let lines = report_lines(&s, None);
        assert!(lines.contains(&(
            "Tests".to_string(),
            "11 of 18 passed (each interview's latest tested submission)".to_string()
        )));
        let untested = summarise("discord:1", &[interview("x", false, 0)], &[], &b);
        assert!(
            !report_lines(&untested, None)
                .iter()
                .any(|(l, _)| l == "Tests")
        );
    }

    fn regrade_row(
        stream: &str,
        reply_to: i64,
        position: i64,
        original: i64,
        score: i64,
    ) -> StatsRegrade {
        StatsRegrade {
            position,
            reply_to,
            stream_id: stream.into(),
            member_id: "discord:1".into(),
            server: "discord:77".into(),
            original_score: original,
            score,
        }
    }

    #[test]
    fn regraded_analyses_count_once_with_their_latest_regrade_beside_the_originals() {
        assert_eq!(regraded(&[]), None);
        let rows = [
            regrade_row("a", 2, 10, 6, 9),
            regrade_row("a", 2, 20, 6, 7), // the same analysis regraded later
            regrade_row("b", 4, 15, 8, 8),
        ];
        assert_eq!(
            regraded(&rows),
            Some(Regraded {
                analyses: 2,
                original_average: 7.0,
                average: 7.5,
            })
        );
        let stats = MemberStats {
            regraded: regraded(&rows),
            ..MemberStats::default()
        };
        let lines = report_lines(&stats, None);
        let line = lines.iter().find(|(k, _)| k == "Regraded").unwrap();
        assert!(
            line.1.contains("7.5/10 against 7.0/10 originally"),
            "{}",
            line.1
        );
    }
}
