//! The line a chat thread shows while a submission's tests run: posted at the run's
//! first step ("⏳ Queued, 2 ahead", "⚙️ Running 2 examples and 12 tests…"), edited at
//! each later step, and replaced by the verdict's headline once the `TestsRun` is in
//! the log ("✅ Tests of submission #2: 14 of 14 passed (python)."). Discord and Slack
//! each post and edit their own message; this module only says what to do, from the
//! engine's progress bus and feed, per (stream, submission).
//!
//! Pure: it never posts, reads or decides anything about the run, and holds only the
//! message ids of lines still showing. Progress is in-process, so a line is shown by
//! the instance whose coach runs the tests; the verdicts themselves are always posted
//! by the outbox, whatever happens here.

use crate::domain::{StreamId, TestsRun};
use crate::engine::RunProgress;
use crate::practice::runs::headline;
use std::collections::{HashMap, HashSet};

/// What a platform does with its line.
#[derive(Debug, Clone, PartialEq)]
pub enum LineAction<M> {
    /// Post a new message in the thread with this text (then [`Lines::posted`]).
    Post(String),
    /// Edit the message already showing the line.
    Edit(M, String),
}

/// The lines showing, and the runs that ended (a late step never posts again).
#[derive(Debug)]
pub struct Lines<M> {
    showing: HashMap<(StreamId, u32), Line<M>>,
    ended: HashSet<(StreamId, u32)>,
}

#[derive(Debug)]
struct Line<M> {
    /// `None` while its post is on its way.
    message: Option<M>,
    text: String,
}

impl<M> Default for Lines<M> {
    fn default() -> Self {
        Lines {
            showing: HashMap::new(),
            ended: HashSet::new(),
        }
    }
}

/// Bounds the memory of ended runs (a long-lived instance sees many).
const MAX_ENDED: usize = 10_000;

impl<M: Clone> Lines<M> {
    /// A step of the tests of `submission` on `stream`, told as `text`.
    pub fn step(
        &mut self,
        stream: &StreamId,
        submission: u32,
        step: &RunProgress,
        text: String,
    ) -> Option<LineAction<M>> {
        let key = (stream.clone(), submission);
        if self.ended.contains(&key) {
            return None;
        }
        if matches!(step, RunProgress::Failed { .. }) {
            self.end(key.clone());
        }
        match self.showing.get_mut(&key) {
            None => {
                self.showing.insert(
                    key,
                    Line {
                        message: None,
                        text: text.clone(),
                    },
                );
                Some(LineAction::Post(text))
            }
            Some(line) if line.text == text => None,
            Some(line) => {
                line.text = text.clone();
                line.message.clone().map(|m| LineAction::Edit(m, text))
            }
        }
        .inspect(|_| self.forget_if_ended(stream, submission))
    }

    /// The line's message was posted (`None`: the post failed, nothing to edit later).
    pub fn posted(&mut self, stream: &StreamId, submission: u32, message: Option<M>) {
        let key = (stream.clone(), submission);
        match message {
            Some(m) if !self.ended.contains(&key) => {
                if let Some(line) = self.showing.get_mut(&key) {
                    line.message = Some(m);
                }
            }
            _ => {
                self.showing.remove(&key);
            }
        }
    }

    /// The text the line shows now, if it shows (what a post that just landed should
    /// be edited to when a step came meanwhile).
    pub fn text(&self, stream: &StreamId, submission: u32) -> Option<&str> {
        self.showing
            .get(&(stream.clone(), submission))
            .map(|l| l.text.as_str())
    }

    /// A `TestsRun` was committed on `stream`: a submission's line becomes its verdict.
    pub fn recorded(&mut self, stream: &StreamId, run: &TestsRun) -> Option<LineAction<M>> {
        let submission = run.submission()?;
        let key = (stream.clone(), submission);
        self.end(key.clone());
        let line = self.showing.remove(&key)?;
        Some(LineAction::Edit(line.message?, verdict_line(run)))
    }

    fn end(&mut self, key: (StreamId, u32)) {
        if self.ended.len() >= MAX_ENDED {
            self.ended.clear();
        }
        self.ended.insert(key);
    }

    /// A failed run's line is shown once more (its failure), then forgotten.
    fn forget_if_ended(&mut self, stream: &StreamId, submission: u32) {
        let key = (stream.clone(), submission);
        if self.ended.contains(&key)
            && self
                .showing
                .get(&key)
                .is_some_and(|line| line.message.is_some())
        {
            self.showing.remove(&key);
        }
    }
}

/// The verdict a line ends with: the run's mark and headline.
pub fn verdict_line(run: &TestsRun) -> String {
    let mark = if run.verdict.ok() { "✅" } else { "❌" };
    format!("{mark} {}.", headline(run))
}

/// A step as the line shows it: the same words as an ad-hoc run's private line.
pub fn step_text(step: &RunProgress) -> String {
    match step {
        RunProgress::Queued { ahead: 0 } => "⏳ Queued, next to run.".to_string(),
        RunProgress::Queued { ahead } => format!("⏳ Queued, {ahead} ahead."),
        RunProgress::Running { text } => format!("⚙️ {text}"),
        RunProgress::Failed { message } => {
            format!("⚠️ The tests could not run: {message}.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CaseVerdict, Platform, RunOf};

    fn stream() -> StreamId {
        StreamId("discord:1:2".into())
    }

    fn running() -> RunProgress {
        RunProgress::Running {
            text: "Running 2 examples and 6 tests…".into(),
        }
    }

    fn submission_run(verdict: CaseVerdict) -> TestsRun {
        let mut run =
            crate::domain::runs::samples::run(Platform::Discord, verdict, 2, 6, Some("O(n)"));
        run.of = RunOf::Submission { submission: 3 };
        run
    }

    fn given_a_posted_line(text: &str) -> Lines<u64> {
        let mut lines = Lines::default();
        let step = RunProgress::Queued { ahead: 1 };
        let _ = lines.step(&stream(), 3, &step, text.to_string());
        lines.posted(&stream(), 3, Some(77));
        lines
    }

    #[test]
    fn the_first_step_of_a_submissions_tests_posts_a_line() {
        let mut lines: Lines<u64> = Lines::default();
        let action = lines.step(&stream(), 3, &running(), step_text(&running()));
        assert_eq!(
            action,
            Some(LineAction::Post(
                "⚙️ Running 2 examples and 6 tests…".into()
            ))
        );
    }

    #[test]
    fn a_later_step_edits_the_posted_line() {
        let mut lines = given_a_posted_line("⏳ Queued, 1 ahead.");
        let action = lines.step(&stream(), 3, &running(), step_text(&running()));
        assert_eq!(
            action,
            Some(LineAction::Edit(
                77,
                "⚙️ Running 2 examples and 6 tests…".into()
            ))
        );
    }

    #[test]
    fn the_same_text_again_changes_nothing() {
        let mut lines = given_a_posted_line("⏳ Queued, 1 ahead.");
        let step = RunProgress::Queued { ahead: 1 };
        assert_eq!(lines.step(&stream(), 3, &step, step_text(&step)), None);
    }

    #[test]
    fn a_step_before_the_post_landed_is_remembered_for_it() {
        let mut lines: Lines<u64> = Lines::default();
        let queued = RunProgress::Queued { ahead: 0 };
        let _ = lines.step(&stream(), 3, &queued, step_text(&queued));
        assert_eq!(
            lines.step(&stream(), 3, &running(), step_text(&running())),
            None
        );
        lines.posted(&stream(), 3, Some(77));
        assert_eq!(
            lines.text(&stream(), 3),
            Some("⚙️ Running 2 examples and 6 tests…")
        );
    }

    #[test]
    fn the_recorded_verdict_replaces_the_line() {
        let mut lines = given_a_posted_line("⚙️ Running 2 examples and 6 tests…");
        let action = lines.recorded(&stream(), &submission_run(CaseVerdict::Passed));
        assert_eq!(
            action,
            Some(LineAction::Edit(
                77,
                "✅ Tests of submission #3: 8 of 8 passed (python).".into()
            ))
        );
        assert_eq!(lines.text(&stream(), 3), None);
    }

    #[test]
    fn a_failing_verdict_is_marked_as_failing() {
        let mut lines = given_a_posted_line("⚙️ Running…");
        let Some(LineAction::Edit(_, text)) =
            lines.recorded(&stream(), &submission_run(CaseVerdict::WrongAnswer))
        else {
            panic!("no edit");
        };
        assert!(text.starts_with("❌ Tests of submission #3: "), "{text}");
    }

    #[test]
    fn a_step_after_the_verdict_posts_nothing() {
        let mut lines = given_a_posted_line("⚙️ Running…");
        let _ = lines.recorded(&stream(), &submission_run(CaseVerdict::Passed));
        assert_eq!(
            lines.step(&stream(), 3, &running(), step_text(&running())),
            None
        );
    }

    #[test]
    fn an_ad_hoc_run_or_a_line_never_shown_has_nothing_to_replace() {
        let mut lines: Lines<u64> = Lines::default();
        let adhoc =
            crate::domain::runs::samples::run(Platform::Discord, CaseVerdict::Passed, 1, 1, None);
        assert_eq!(lines.recorded(&stream(), &adhoc), None);
        assert_eq!(
            lines.recorded(&stream(), &submission_run(CaseVerdict::Passed)),
            None
        );
    }

    #[test]
    fn a_run_that_could_not_happen_says_so_once() {
        let mut lines = given_a_posted_line("⏳ Queued, 1 ahead.");
        let failed = RunProgress::Failed {
            message: "the service is shutting down".into(),
        };
        assert_eq!(
            lines.step(&stream(), 3, &failed, step_text(&failed)),
            Some(LineAction::Edit(
                77,
                "⚠️ The tests could not run: the service is shutting down.".into()
            ))
        );
        assert_eq!(lines.step(&stream(), 3, &failed, "again".into()), None);
    }
}
