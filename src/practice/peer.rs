//! What a peer interview shows beyond a solo one (issue 16): the interviewer's private
//! brief (the full statement, the hint ladder, the rubric's anchors, the reference
//! approach and suggested follow-up questions) and the end's side-by-side of the
//! interviewer's rubric and the coach's, with where they differ.
//!
//! Pure: it formats what it is given and never reads the log, appends or knows a
//! platform. It never shows the candidate anything: the platforms send the brief to the
//! interviewer alone.

use crate::domain::{Band, Event, Interview, PeerRubric, RUBRIC_TEXT, Rubric};
use crate::problems::BankProblem;

/// The interviewer's brief for one bank problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brief {
    pub title: String,
    /// As the candidate sees it: Markdown with examples and constraints.
    pub statement: String,
    pub hints: Vec<String>,
    /// The coach's rubric anchors, the interviewer scores on the same bands.
    pub rubric: &'static str,
    /// The ladder's last rung, which spells the intended solution out.
    pub reference_approach: String,
    pub follow_ups: Vec<String>,
}

/// The brief of `problem`. The follow-up questions come from its constraints and
/// topics, then the questions every rubric dimension asks.
pub fn brief(problem: &BankProblem) -> Brief {
    Brief {
        title: problem.title.clone(),
        statement: problem.full_statement(),
        hints: problem.hints.clone(),
        rubric: RUBRIC_TEXT,
        reference_approach: problem
            .hints
            .last()
            .cloned()
            .unwrap_or_else(|| "The bank gives no reference approach for this problem.".into()),
        follow_ups: follow_ups(problem),
    }
}

/// Suggested questions, in the order an interviewer would ask them.
pub fn follow_ups(problem: &BankProblem) -> Vec<String> {
    let mut out = vec![
        "Before you code: what is your plan, and what are its time and space complexity?"
            .to_string(),
    ];
    if let Some(c) = problem.constraints.first() {
        out.push(format!(
            "How does your solution behave at the edge of this constraint: {c}?"
        ));
    }
    if let Some(topic) = problem.topics.first() {
        out.push(format!(
            "Which other {} technique did you consider, and why did you not choose it?",
            topic.replace('-', " ")
        ));
    }
    out.push("Which inputs would you test first, and what would each one catch?".to_string());
    out.push("Can you walk me through your code on the first example, line by line?".into());
    out.push("If you had to cut the memory use in half, what would you change?".to_string());
    out
}

/// The question the interviewer asks next: the suggestions in turn.
pub fn next_question(follow_ups: &[String], asked: u32) -> Option<&str> {
    if follow_ups.is_empty() {
        return None;
    }
    follow_ups
        .get(asked as usize % follow_ups.len())
        .map(String::as_str)
}

/// What the thread is told of a peer move (Markdown, `**bold**`): the hint's rung from
/// `ladder`, the question, the interviewer leaving, the end with what comes next.
/// `None` for other events.
pub fn thread_line(ladder: &[String], state: &Interview, event: &Event) -> Option<String> {
    Some(match event {
        Event::PeerHintRevealed(e) => {
            let text = ladder
                .get((e.hint as usize).saturating_sub(1))
                .cloned()
                .unwrap_or_else(|| "Think about what information would let you skip work.".into());
            format!("💡 **Hint {}** from {}: {text}", e.hint, e.by.name)
        }
        Event::PeerQuestionAsked(e) => format!("❓ **{}** asks: {}", e.by.name, e.question),
        Event::PeerInterviewerLeft(e) => format!(
            "👋 {} left the interview. The coach takes over as the interviewer: keep going in \
             this thread, and end it when you are done.",
            e.by.name
        ),
        Event::InterviewEnded(_) => {
            let peer = state.peer.as_ref()?;
            let candidate = &state.started.as_ref()?.candidate;
            format!(
                "🏁 The interview has ended. {}: press **Fill rubric**. {}: you can **Rate \
                 interviewer**. Either of you can **Swap roles** for a new problem.",
                peer.interviewer.name, candidate.name
            )
        }
        _ => return None,
    })
}

/// The rubric filled by `who`, beside the coach's (when its summary is written), with
/// the dimensions where they differ named.
pub fn rubric_reply(who: &str, interviewer: &PeerRubric, coach: Option<&Rubric>) -> String {
    let rows = compare(Some(interviewer), coach);
    let mut text = format!(
        "📋 **{who}'s rubric beside the coach's**\n{}",
        comparison_lines(&rows)
    );
    if coach.is_none() {
        text.push_str(
            "\n(The coach's assessment is still being written; its summary will show both.)",
        );
    }
    let differ = differences(&rows);
    if !differ.is_empty() {
        let names: Vec<String> = differ.iter().map(|d| d.replace('_', " ")).collect();
        text.push_str(&format!("\nThey differ on: {}.", names.join(", ")));
    }
    text
}

/// One rubric dimension, side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub dimension: &'static str,
    pub interviewer: Option<Band>,
    pub coach: Option<Band>,
}

impl Row {
    /// How far apart the two bands are, when both exist.
    pub fn gap(&self) -> Option<u8> {
        Some(self.interviewer?.get().abs_diff(self.coach?.get()))
    }
}

/// The interviewer's and the coach's bands per dimension.
pub fn compare(interviewer: Option<&PeerRubric>, coach: Option<&Rubric>) -> Vec<Row> {
    let names = [
        "communication",
        "problem_solving",
        "technical_competency",
        "testing",
    ];
    names
        .into_iter()
        .map(|dimension| Row {
            dimension,
            interviewer: interviewer.and_then(|r| {
                r.dimensions()
                    .into_iter()
                    .find(|(d, _)| *d == dimension)
                    .map(|(_, b)| b)
            }),
            coach: coach.and_then(|r| {
                r.dimensions()
                    .into_iter()
                    .find(|(d, _)| *d == dimension)
                    .map(|(_, s)| s.score)
            }),
        })
        .collect()
}

/// The side-by-side as plain lines (Markdown-safe for Discord and Slack mrkdwn):
/// `dimension: interviewer 3/4 · coach 2/4 (differ by 1)`.
pub fn comparison_lines(rows: &[Row]) -> String {
    let band = |b: Option<Band>| b.map_or("—".to_string(), |b| format!("{}/4", b.get()));
    rows.iter()
        .map(|r| {
            let gap = match r.gap() {
                Some(0) => " (agree)".to_string(),
                Some(g) => format!(" (⚠ differ by {g})"),
                None => String::new(),
            };
            format!(
                "{}: interviewer {} · coach {}{gap}",
                r.dimension.replace('_', " "),
                band(r.interviewer),
                band(r.coach)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The dimensions where the two disagree, by name.
pub fn differences(rows: &[Row]) -> Vec<&'static str> {
    rows.iter()
        .filter(|r| r.gap().is_some_and(|g| g > 0))
        .map(|r| r.dimension)
        .collect()
}

/// A peer interview's result for the web page: who interviewed, both rubrics side by
/// side, where they differ, and the candidate's rating of the interviewer. Folded from
/// the interview's events (`None` for an interview that is not a peer one).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PeerSummary {
    pub interviewer: String,
    pub interviewer_left: bool,
    pub rows: Vec<SummaryRow>,
    pub differ: Vec<&'static str>,
    /// The interviewer's notes, when given.
    pub notes: Option<String>,
    pub stars: Option<u8>,
}

/// One dimension with both bands (1-4), as the page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SummaryRow {
    pub dimension: &'static str,
    pub interviewer: Option<u8>,
    pub coach: Option<u8>,
}

/// The summary of `interview`, when it is a peer interview.
pub fn summary_of(interview: &Interview) -> Option<PeerSummary> {
    let peer = interview.peer.as_ref()?;
    let rows = compare(
        peer.rubric.as_ref().map(|r| &r.rubric),
        peer.coach_rubric.as_ref(),
    );
    Some(PeerSummary {
        interviewer: peer.interviewer.name.clone(),
        interviewer_left: peer.left,
        differ: differences(&rows),
        rows: rows
            .iter()
            .map(|r| SummaryRow {
                dimension: r.dimension,
                interviewer: r.interviewer.map(Band::get),
                coach: r.coach.map(Band::get),
            })
            .collect(),
        notes: peer
            .rubric
            .as_ref()
            .map(|r| r.notes.clone())
            .filter(|n| !n.is_empty()),
        stars: peer.rating.as_ref().map(|r| r.stars),
    })
}

/// A band typed by the interviewer: `1`..`4`, or the band's word (`solid`).
pub fn parse_band(text: &str) -> Option<Band> {
    let t = text.trim().to_lowercase();
    let n = match t.as_str() {
        "not yet" => 1,
        "developing" => 2,
        "solid" => 3,
        "strong" => 4,
        _ => t.split('/').next()?.trim().parse().ok()?,
    };
    Band::new(n).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::RubricScore;
    use crate::problems::ProblemBank;

    fn band(n: i64) -> Band {
        Band::new(n).unwrap()
    }

    #[test]
    fn the_brief_holds_the_ladder_the_rubric_and_the_last_rung_as_the_approach() {
        let bank = ProblemBank::load_default().unwrap();
        let p = bank.get("two-sum").unwrap();
        let b = brief(p);
        assert_eq!(b.hints, p.hints);
        assert_eq!(Some(&b.reference_approach), p.hints.last());
        assert!(b.rubric.contains("communication:"));
        assert!(b.statement.contains("Two Sum"));
        assert!(b.follow_ups.len() >= 4);
        assert!(b.follow_ups.iter().any(|q| q.contains("2 <= len(nums)")));
    }

    #[test]
    fn the_questions_are_asked_in_turn_and_start_over() {
        let qs = vec!["a".to_string(), "b".to_string()];
        assert_eq!(next_question(&qs, 0), Some("a"));
        assert_eq!(next_question(&qs, 1), Some("b"));
        assert_eq!(next_question(&qs, 2), Some("a"));
        assert_eq!(next_question(&[], 0), None);
    }

    #[test]
    fn the_side_by_side_marks_where_interviewer_and_coach_differ() {
        let peer = PeerRubric {
            communication: band(3),
            problem_solving: band(2),
            technical_competency: band(4),
            testing: band(1),
        };
        let score = |n| RubricScore {
            score: band(n),
            evidence: String::new(),
        };
        let coach = Rubric {
            communication: score(3),
            problem_solving: score(3),
            technical_competency: score(4),
            testing: score(3),
        };
        let rows = compare(Some(&peer), Some(&coach));
        assert_eq!(differences(&rows), vec!["problem_solving", "testing"]);
        let text = comparison_lines(&rows);
        assert!(text.contains("communication: interviewer 3/4 · coach 3/4 (agree)"));
        assert!(text.contains("testing: interviewer 1/4 · coach 3/4 (⚠ differ by 2)"));
        let alone = comparison_lines(&compare(Some(&peer), None));
        assert!(alone.contains("testing: interviewer 1/4 · coach —"));
    }

    #[test]
    fn bands_are_read_as_numbers_or_their_words_and_nothing_else() {
        assert_eq!(parse_band(" 3 "), Some(band(3)));
        assert_eq!(parse_band("4/4"), Some(band(4)));
        assert_eq!(parse_band("Solid"), Some(band(3)));
        assert_eq!(parse_band("5"), None);
        assert_eq!(parse_band("good"), None);
    }
}
