//! A member's own stats as a peer interviewer (issue 16): interviews given, how many
//! they left early, how many candidates rated them and the average, and the latest
//! notes candidates wrote about them.
//!
//! Pure: it formats what the query door gives it. The notes are for the interviewer's
//! eyes only: the platforms ask for them only when the member asks about themselves,
//! and this module never decides who is asking.

use serde::Serialize;

/// How many of the latest rating notes are shown.
pub const LATEST_NOTES: usize = 3;

/// The label of the stats' part, as the platforms show it.
pub const LABEL: &str = "As interviewer";

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct InterviewerStats {
    /// Peer interviews the member was paired into as the interviewer.
    pub given: u32,
    /// Of those, the ones they left before the end (the coach took over).
    pub left_early: u32,
    pub ratings: u32,
    /// Average stars (1-5) over the ratings.
    pub average: Option<f64>,
    /// The latest notes, newest first (empty unless asked for by the interviewer).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<RatingNote>,
}

/// A candidate's note about the interviewer, with its stars.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RatingNote {
    pub stars: u8,
    /// The candidate's display name.
    pub by: String,
    pub note: String,
}

impl InterviewerStats {
    pub fn is_empty(&self) -> bool {
        self.given == 0
    }
}

/// The "As interviewer" part for chat platforms (plain text, no mentions), or `None`
/// for a member who has not interviewed anyone.
pub fn report_line(stats: &InterviewerStats) -> Option<(String, String)> {
    if stats.is_empty() {
        return None;
    }
    let mut text = format!("{} peer interview(s) given", stats.given);
    if stats.left_early > 0 {
        text.push_str(&format!(" ({} left early)", stats.left_early));
    }
    match stats.average {
        Some(avg) => text.push_str(&format!(
            " · rated {avg:.1}/5 by {} candidate(s)",
            stats.ratings
        )),
        None => text.push_str(" · no rating yet"),
    }
    if !stats.notes.is_empty() {
        text.push_str("\nLatest notes (only you see them):");
        for n in &stats.notes {
            text.push_str(&format!("\n{}★ {}: {}", n.stars, n.by, one_line(&n.note)));
        }
    }
    Some((LABEL.to_string(), text))
}

/// A note on one line, cut to a length a stats field holds.
fn one_line(note: &str) -> String {
    const MAX: usize = 200;
    let flat = note.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= MAX {
        return flat;
    }
    let cut: String = flat.chars().take(MAX).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_who_never_interviewed_gets_no_part() {
        assert_eq!(report_line(&InterviewerStats::default()), None);
    }

    #[test]
    fn the_part_says_the_count_the_average_and_the_notes_on_one_line_each() {
        let stats = InterviewerStats {
            given: 3,
            left_early: 1,
            ratings: 2,
            average: Some(4.5),
            notes: vec![RatingNote {
                stars: 5,
                by: "Maya".into(),
                note: "Good\nquestions".into(),
            }],
        };
        let (label, text) = report_line(&stats).unwrap();
        assert_eq!(label, "As interviewer");
        assert!(
            text.starts_with("3 peer interview(s) given (1 left early) · rated 4.5/5 by 2"),
            "{text}"
        );
        assert!(text.ends_with("5★ Maya: Good questions"), "{text}");
        let unrated = InterviewerStats {
            given: 1,
            ..InterviewerStats::default()
        };
        assert!(report_line(&unrated).unwrap().1.contains("no rating yet"));
    }
}
