//! Old against new in a regrade: for each analysis and the summary, the overall score,
//! each rubric band and the hire signal, the original beside the new one, with the
//! difference and, over repeats, the spread. The new figure of several repeats is their
//! median (the lower one of an even count), so one odd answer does not move it.
//!
//! Pure: figures in, rows and text out. It never reads the log or calls a model.

use super::regrade::{Original, Regrade};
use crate::domain::regrade::{median, signal_at, signal_step};
use crate::domain::{Grade, GradedKind, RegradedTurn};

/// The rubric's dimensions in the order of `Grade::bands`.
pub const DIMENSIONS: [&str; 4] = [
    "communication",
    "problem_solving",
    "technical_competency",
    "testing",
];

/// One figure of one turn, old beside new.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// "analysis of event 4" or "summary".
    pub turn: String,
    /// "score", a rubric dimension, or "hire_signal".
    pub figure: &'static str,
    pub old: String,
    /// The median of the repeats, "-" when none validated.
    pub new: String,
    /// new - old ("+2", "0", "-1"; in steps for the hire signal), "-" without a new one.
    pub diff: String,
    /// max - min over the repeats.
    pub spread: String,
    /// Every repeat's value, in order.
    pub values: String,
    pub changed: bool,
}

/// The rows of every regraded turn, in log order.
pub fn rows(originals: &[Original], turns: &[RegradedTurn]) -> Vec<Row> {
    let mut out = Vec::new();
    for t in turns {
        let Some(original) = originals.iter().find(|o| o.reply_to == t.reply_to) else {
            continue;
        };
        let turn = match t.kind {
            GradedKind::Analysis => format!("analysis of event {}", t.reply_to),
            GradedKind::Summary => "summary".to_string(),
        };
        let old = &original.grade;
        let mut figure = |name: &'static str,
                          of: &dyn Fn(&Grade) -> Option<i64>,
                          show: &dyn Fn(i64) -> String| {
            let Some(before) = of(old) else { return };
            let values: Vec<i64> = t.grades.iter().filter_map(of).collect();
            out.push(row(turn.clone(), name, before, &values, show));
        };
        figure("score", &|g| g.score.map(|s| i64::from(s.get())), &|v| {
            v.to_string()
        });
        for (i, name) in DIMENSIONS.iter().enumerate() {
            figure(name, &|g| Some(i64::from(g.bands[i].get())), &|v| {
                v.to_string()
            });
        }
        figure("hire_signal", &|g| g.hire_signal.map(signal_step), &|v| {
            signal_at(v).as_str().to_string()
        });
    }
    out
}

fn row(
    turn: String,
    figure: &'static str,
    before: i64,
    values: &[i64],
    show: &dyn Fn(i64) -> String,
) -> Row {
    let median = median(values);
    let spread = match (values.iter().min(), values.iter().max()) {
        (Some(lo), Some(hi)) => (hi - lo).to_string(),
        _ => "-".into(),
    };
    let diff = median.map(|m| m - before);
    Row {
        turn,
        figure,
        old: show(before),
        new: median.map_or("-".into(), show),
        diff: match diff {
            Some(d) if d > 0 => format!("+{d}"),
            Some(d) => d.to_string(),
            None => "-".into(),
        },
        spread,
        values: values
            .iter()
            .map(|v| show(*v))
            .collect::<Vec<_>>()
            .join(" "),
        changed: diff.is_some_and(|d| d != 0),
    }
}

/// The whole comparison as text for the terminal.
pub fn render(r: &Regrade) -> String {
    let mut out = format!("Regrade of interview {} ({})\n", r.interview_id, r.stream);
    let mut stamps: Vec<String> = r
        .originals
        .iter()
        .map(|o| match &o.stamp {
            Some(s) => format!("prompt {}, model {}", s.prompt_version, s.model),
            None => "not stamped (before prompt versions were recorded)".into(),
        })
        .collect();
    stamps.dedup();
    out.push_str(&format!("Original: {}\n", stamps.join("; ")));
    out.push_str(&format!(
        "New:      prompt {}, model {}, {} repeat(s), {} token(s)\n\n",
        r.new.stamp.prompt_version, r.new.stamp.model, r.new.repeat, r.new.tokens
    ));
    let rows = rows(&r.originals, &r.new.turns);
    let header = ["turn", "figure", "old", "new", "diff", "spread", "repeats"];
    let cells: Vec<[String; 7]> = rows
        .iter()
        .map(|row| {
            [
                row.turn.clone(),
                row.figure.to_string(),
                row.old.clone(),
                row.new.clone(),
                row.diff.clone(),
                row.spread.clone(),
                row.values.clone(),
            ]
        })
        .collect();
    let width = |i: usize| {
        cells
            .iter()
            .map(|c| c[i].chars().count())
            .chain([header[i].len()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..7).map(width).collect();
    let line = |c: &[&str]| {
        let mut l: String = c
            .iter()
            .zip(&widths)
            .map(|(text, w)| format!("{text:<width$}  ", width = *w))
            .collect();
        l.truncate(l.trim_end().len());
        l.push('\n');
        l
    };
    out.push_str(&line(&header));
    for c in &cells {
        out.push_str(&line(&c.iter().map(String::as_str).collect::<Vec<_>>()));
    }
    let changed = rows.iter().filter(|r| r.changed).count();
    out.push_str(&format!(
        "\n{changed} of {} figure(s) changed.\n",
        rows.len()
    ));
    for t in r.new.turns.iter().filter(|t| t.failed > 0) {
        out.push_str(&format!(
            "{} of event {}: {} of {} repeat(s) gave no valid answer.\n",
            t.kind.as_str(),
            t.reply_to,
            t.failed,
            r.new.repeat
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Band, HireSignal, Score};

    fn analysis(score: i64, bands: [i64; 4]) -> Grade {
        Grade {
            score: Some(Score::new(score).unwrap()),
            bands: bands.map(|b| Band::new(b).unwrap()),
            hire_signal: None,
        }
    }

    fn summary(bands: [i64; 4], signal: HireSignal) -> Grade {
        Grade {
            score: None,
            bands: bands.map(|b| Band::new(b).unwrap()),
            hire_signal: Some(signal),
        }
    }

    fn turn(reply_to: u64, kind: GradedKind, grades: Vec<Grade>, failed: u32) -> RegradedTurn {
        RegradedTurn {
            reply_to,
            kind,
            original: analysis(1, [1, 1, 1, 1]),
            grades,
            failed,
        }
    }

    fn original(reply_to: u64, kind: GradedKind, grade: Grade) -> Original {
        Original::new(reply_to, kind, grade, None)
    }

    #[test]
    fn given_one_repeat_when_the_score_rose_then_the_diff_is_signed_and_the_spread_zero() {
        let originals = [original(4, GradedKind::Analysis, analysis(6, [3, 3, 3, 2]))];
        let turns = [turn(
            4,
            GradedKind::Analysis,
            vec![analysis(8, [3, 4, 3, 1])],
            0,
        )];
        let rows = rows(&originals, &turns);
        let score = &rows[0];
        assert_eq!(
            (
                score.figure,
                score.old.as_str(),
                score.new.as_str(),
                score.diff.as_str(),
                score.spread.as_str()
            ),
            ("score", "6", "8", "+2", "0")
        );
        let by_name = |n: &str| rows.iter().find(|r| r.figure == n).unwrap();
        assert_eq!(by_name("communication").diff, "0");
        assert!(!by_name("communication").changed);
        assert_eq!(by_name("problem_solving").diff, "+1");
        assert_eq!(by_name("testing").diff, "-1");
        assert_eq!(rows.len(), 5, "a score and four bands, no hire signal");
    }

    #[test]
    fn given_repeats_then_the_new_figure_is_the_lower_median_and_the_spread_max_minus_min() {
        let originals = [original(4, GradedKind::Analysis, analysis(7, [3, 3, 3, 3]))];
        let grades = [9, 7, 8, 10].map(|s| analysis(s, [3, 3, 3, 3])).to_vec();
        let rows = rows(&originals, &[turn(4, GradedKind::Analysis, grades, 0)]);
        assert_eq!(rows[0].new, "8");
        assert_eq!(rows[0].diff, "+1");
        assert_eq!(rows[0].spread, "3");
        assert_eq!(rows[0].values, "9 7 8 10");
    }

    #[test]
    fn given_a_summary_then_the_hire_signal_is_compared_in_steps() {
        let originals = [original(
            9,
            GradedKind::Summary,
            summary([3, 3, 3, 2], HireSignal::LeanYes),
        )];
        let grades = vec![
            summary([3, 3, 3, 2], HireSignal::Yes),
            summary([3, 3, 3, 2], HireSignal::StrongYes),
        ];
        let rows = rows(&originals, &[turn(9, GradedKind::Summary, grades, 0)]);
        let signal = rows.iter().find(|r| r.figure == "hire_signal").unwrap();
        assert_eq!(
            (
                signal.old.as_str(),
                signal.new.as_str(),
                signal.diff.as_str(),
                signal.spread.as_str()
            ),
            ("lean_yes", "yes", "+1", "1")
        );
        assert!(rows.iter().all(|r| r.figure != "score"));
        assert_eq!(rows[0].turn, "summary");
    }

    #[test]
    fn given_no_valid_repeat_then_new_diff_and_spread_are_dashes() {
        let originals = [original(4, GradedKind::Analysis, analysis(7, [3, 3, 3, 3]))];
        let rows = rows(&originals, &[turn(4, GradedKind::Analysis, vec![], 2)]);
        assert_eq!(
            (
                rows[0].new.as_str(),
                rows[0].diff.as_str(),
                rows[0].spread.as_str()
            ),
            ("-", "-", "-")
        );
        assert!(!rows[0].changed);
    }
}
