//! What the bot posts, as plain values: message texts split for Discord's 2000
//! characters (as a file past a few chunks), embeds for analyses and summaries, the
//! problem message, and the buttons under them. `send.rs` turns these into serenity
//! builders; everything here is tested without Discord.
//!
//! It renders only what is in the log; it never decides anything. Coach events arrive
//! as entries of the transcript view (`practice::transcript`); the echo of a member's
//! private input takes the event the command just appended.

use super::parse::truncate_chars;
use crate::domain::{
    Analysis, CoachFailed, Event, HireSignal, Interview, Problem, Rubric, SubmissionSource,
    SummaryWritten,
};
use crate::platforms::text::split_message;
use crate::practice::transcript::{Entry, What};
use chrono::{DateTime, Utc};

/// Discord's limit on a message's content.
pub const MAX_CONTENT_CHARS: usize = 2000;
/// Past this many chunks a long text is sent as a file instead.
pub const MAX_CHUNKS: usize = 4;
/// Discord's embed limits.
pub const MAX_EMBED_TITLE: usize = 256;
pub const MAX_EMBED_DESCRIPTION: usize = 4096;
pub const MAX_FIELD_NAME: usize = 256;
pub const MAX_FIELD_VALUE: usize = 1024;
pub const MAX_FIELDS: usize = 25;
pub const MAX_EMBED_TOTAL: usize = 6000;

const COLOR_ANALYSIS: u32 = 0x5865F2;
const COLOR_SUMMARY: u32 = 0x57F287;

/// A button under a bot message; the custom id is what comes back when it is pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Button {
    Hint,
    Submit,
    End,
    Retry,
    /// Runs the last code on the problem's tests (bank problems only).
    Run,
    // issue 16: peer
    /// A peer interview's buttons (`discord/peer.rs`).
    Peer(super::peer::PeerButton),
}

impl Button {
    pub const ALL: [Button; 5] = [
        Button::Hint,
        Button::Submit,
        Button::End,
        Button::Retry,
        Button::Run,
    ];

    pub fn custom_id(self) -> &'static str {
        match self {
            Button::Peer(p) => p.custom_id(),
            Button::Hint => "interview:hint",
            Button::Submit => "interview:submit",
            Button::End => "interview:end",
            Button::Retry => "interview:retry",
            Button::Run => "interview:run",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Button::Peer(p) => p.label(),
            Button::Hint => "Hint",
            Button::Submit => "Submit code",
            Button::End => "End",
            Button::Retry => "Retry",
            Button::Run => "Run tests",
        }
    }

    pub fn from_custom_id(id: &str) -> Option<Button> {
        Button::ALL
            .into_iter()
            .find(|b| b.custom_id() == id)
            .or_else(|| super::peer::PeerButton::from_custom_id(id).map(Button::Peer))
    }
}

/// The buttons under the problem and the coach's replies while the interview runs.
pub const INTERVIEW_BUTTONS: [Button; 3] = [Button::Hint, Button::Submit, Button::End];

/// The buttons under the problem and the coach's replies while `interview` runs:
/// [`INTERVIEW_BUTTONS`], with Run tests before End when the problem is from the bank
/// (a problem of one's own has no tests; `/run input:` runs it).
pub fn interview_buttons(interview: &Interview) -> Vec<Button> {
    let bank = interview
        .started
        .as_ref()
        .is_some_and(|s| matches!(s.problem, Problem::Bank { .. }));
    buttons(bank)
}

/// [`INTERVIEW_BUTTONS`], with Run tests when the problem has tests.
pub fn buttons(runnable: bool) -> Vec<Button> {
    let mut out = INTERVIEW_BUTTONS.to_vec();
    if runnable {
        out.insert(2, Button::Run);
    }
    out
}

/// An embed, platform-neutral.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EmbedView {
    pub title: String,
    pub description: String,
    pub fields: Vec<Field>,
    pub color: u32,
    pub footer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub inline: bool,
}

impl EmbedView {
    pub(super) fn field(mut self, name: &str, value: &str, inline: bool) -> EmbedView {
        let value = value.trim();
        if !value.is_empty() && self.fields.len() < MAX_FIELDS {
            self.fields.push(Field {
                name: truncate_chars(name, MAX_FIELD_NAME),
                value: truncate_chars(value, MAX_FIELD_VALUE),
                inline,
            });
        }
        self
    }

    /// Characters counted against Discord's 6000 per embed.
    pub fn total_chars(&self) -> usize {
        let fields: usize = self
            .fields
            .iter()
            .map(|f| f.name.chars().count() + f.value.chars().count())
            .sum();
        self.title.chars().count()
            + self.description.chars().count()
            + fields
            + self.footer.as_ref().map_or(0, |f| f.chars().count())
    }

    /// Drops trailing fields until the embed fits Discord's total.
    pub(super) fn fit(mut self) -> EmbedView {
        while self.total_chars() > MAX_EMBED_TOTAL && !self.fields.is_empty() {
            self.fields.pop();
        }
        self
    }
}

/// One post: messages in order; buttons go under the last one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub body: Body,
    pub buttons: Vec<Button>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Each chunk is one message of at most 2000 characters, fences intact.
    Text(Vec<String>),
    /// Too long for a few messages: a short note with the whole text attached.
    File {
        note: String,
        name: String,
        content: String,
    },
    Embed(EmbedView),
}

impl Post {
    /// Messages this post takes.
    pub fn message_count(&self) -> usize {
        match &self.body {
            Body::Text(chunks) => chunks.len().max(1),
            _ => 1,
        }
    }
}

/// Long text as messages, or as a file past [`MAX_CHUNKS`] messages.
pub fn text_body(text: &str, file_name: &str) -> Body {
    let chunks = split_message(text, MAX_CONTENT_CHARS);
    if chunks.len() <= MAX_CHUNKS {
        return Body::Text(chunks);
    }
    let preview = split_message(text, 1500)
        .into_iter()
        .next()
        .unwrap_or_default();
    Body::File {
        note: format!("{preview}\n\n*(the full text is attached)*"),
        name: file_name.to_string(),
        content: text.to_string(),
    }
}

/// The post for a coach entry (built with `Entry::of`), or `None` for entries the
/// thread does not show.
pub fn render_event(entry: &Entry, interview: &Interview) -> Option<Post> {
    let running = interview.ended.is_none();
    let buttons = if running {
        interview_buttons(interview)
    } else {
        Vec::new()
    };
    match &entry.what {
        What::CoachReply { text, .. } => Some(Post {
            body: text_body(text, "coach-reply.md"),
            buttons,
        }),
        What::Analysis { analysis, .. } => Some(Post {
            body: Body::Embed(analysis_embed(analysis)),
            buttons,
        }),
        What::CoachFailure(e) => Some(failure_post(e)),
        What::TestsRun(run) => Some(Post {
            body: Body::Embed(super::run_render::run_embed(run)),
            buttons,
        }),
        What::Summary(s) => Some(match &interview.peer {
            // issue 16: peer
            Some(peer) => super::peer::summary_post(s, peer),
            None => Post {
                body: Body::Embed(summary_embed(s)),
                buttons: Vec::new(),
            },
        }),
        _ => None,
    }
}

/// The coach could not answer: say so plainly, with Retry when retrying can help.
pub fn failure_post(e: &CoachFailed) -> Post {
    let mut text = format!("⚠️ {}", e.message.trim());
    if e.retryable {
        text.push_str("\nPress **Retry** or use `/retry` in a minute; nothing you sent is lost.");
    }
    Post {
        body: Body::Text(split_message(&text, MAX_CONTENT_CHARS)),
        buttons: if e.retryable {
            vec![Button::Retry]
        } else {
            Vec::new()
        },
    }
}

/// The analysis of a submission.
pub fn analysis_embed(a: &Analysis) -> EmbedView {
    EmbedView {
        title: format!("Code analysis · score {}", a.score),
        description: truncate_chars(a.technical_feedback.trim(), MAX_EMBED_DESCRIPTION),
        color: COLOR_ANALYSIS,
        ..EmbedView::default()
    }
    .field("Correctness", &a.correctness, false)
    .field("Complexity", &a.complexity_analysis, false)
    .field("Code quality", &a.code_quality, false)
    .field("Rubric", &rubric_lines(&a.rubric), false)
    .field("Follow-up question", &a.follow_up_question, false)
    .fit()
}

/// The end-of-interview summary.
pub fn summary_embed(s: &SummaryWritten) -> EmbedView {
    let minutes = s.duration_seconds / 60;
    EmbedView {
        title: "Interview summary".to_string(),
        description: truncate_chars(s.overall.trim(), MAX_EMBED_DESCRIPTION),
        color: COLOR_SUMMARY,
        footer: Some(format!(
            "{minutes} min · {} submission(s) · {} hint(s)",
            s.submissions, s.hints_used
        )),
        ..EmbedView::default()
    }
    .field("Hire signal", hire_signal(s.hire_signal), true)
    .field("Strengths", &bullets(&s.strengths), false)
    .field("To improve", &bullets(&s.improvements), false)
    .field("Rubric", &rubric_lines(&s.rubric), false)
    .fit()
}

fn rubric_lines(r: &Rubric) -> String {
    r.dimensions()
        .iter()
        .map(|(name, score)| {
            format!(
                "**{}** {}/4 ({})",
                name.replace('_', " "),
                score.score.get(),
                score.score.label()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn bullets(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("• {}", s.trim()))
        .collect::<Vec<_>>()
        .join("\n")
}

fn hire_signal(h: HireSignal) -> &'static str {
    match h {
        HireSignal::StrongNo => "strong no",
        HireSignal::No => "no",
        HireSignal::LeanNo => "lean no",
        HireSignal::LeanYes => "lean yes",
        HireSignal::Yes => "yes",
        HireSignal::StrongYes => "strong yes",
    }
}

/// The first post in a new interview thread: who, what, until when, and the buttons.
pub fn problem_post(
    candidate_id: &str,
    statement: &str,
    language: Option<&str>,
    deadline: Option<DateTime<Utc>>,
    buttons: Vec<Button>,
) -> Post {
    let mut intro = format!("Interview for <@{candidate_id}>");
    if let Some(lang) = language {
        intro.push_str(&format!(" · {lang}"));
    }
    if let Some(end) = deadline {
        intro.push_str(&format!(" · ends <t:{}:R>", end.timestamp()));
    }
    intro.push_str(
        "\nExplain your approach first (a message or `/approach`), then post your code as a \
         fenced block or with `/submit`; `/run` tries it first.\n\n",
    );
    let text = format!("{intro}{}", statement.trim());
    Post {
        body: text_body(&text, "problem.md"),
        buttons,
    }
}

/// What the member typed privately, shown in the thread for those watching: an
/// approach from `/approach`, code from the editor or a file. `None` for other events
/// (and for code posted as a message, which is visible already).
pub fn echo(event: &Event) -> Option<Post> {
    let (text, file) = match event {
        Event::ApproachExplained(e) => {
            let quoted: Vec<String> = e.text.lines().map(|l| format!("> {l}")).collect();
            let text = format!(
                "📝 **{}** explained their approach:\n{}",
                e.actor.name,
                quoted.join("\n")
            );
            (text, "approach.md")
        }
        Event::CodeSubmitted(e) if e.source != SubmissionSource::Message => {
            let text = format!(
                "📨 **{}** submitted {} code (submission {}):\n```{}\n{}\n```",
                e.actor.name,
                e.language,
                e.submission,
                e.language,
                e.code.trim_end()
            );
            (text, "submission.md")
        }
        _ => return None,
    };
    Some(Post {
        body: text_body(&text, file),
        buttons: Vec::new(),
    })
}

/// The private acknowledgement of a thread command, while the coach works.
pub fn acknowledgement(action: super::auth::Action) -> &'static str {
    use super::auth::Action;
    match action {
        Action::Chat => "💬 Sent to the coach.",
        Action::Approach => "📝 Approach noted; the coach is reading it.",
        Action::Submit => "📨 Code received; the coach is reviewing it.",
        Action::Hint => "💡 Hint requested.",
        Action::End => "🏁 Interview ended; the coach is writing your summary.",
        Action::Retry => "🔁 Retrying the coach.",
        Action::Run => "🧪 Running your code.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Band, LlmUsage, RubricScore, Score};

    fn rubric() -> Rubric {
        let r = |b| RubricScore {
            score: Band::new(b).unwrap(),
            evidence: "seen".into(),
        };
        Rubric {
            communication: r(3),
            problem_solving: r(4),
            technical_competency: r(2),
            testing: r(1),
        }
    }

    fn analysis(feedback: &str) -> Analysis {
        Analysis {
            technical_feedback: feedback.into(),
            complexity_analysis: "O(n log n) time, O(n) space".into(),
            code_quality: "clear names".into(),
            follow_up_question: "What if the intervals stream in?".into(),
            score: Score::new(7).unwrap(),
            correctness: "handles touching intervals".into(),
            rubric: rubric(),
        }
    }

    #[test]
    fn a_long_approach_is_echoed_with_a_readable_preview_and_attached_as_approach_md() {
        let actor = crate::domain::Actor::new(crate::domain::Platform::Discord, "1", "maya");
        let paragraph = "I will sort the intervals by start and sweep once, merging overlaps. ";
        let text = (0..20)
            .map(|_| paragraph.repeat(7))
            .collect::<Vec<_>>()
            .join("\n\n");
        let event = Event::ApproachExplained(crate::domain::ApproachExplained {
            actor,
            text: text.clone(),
            at: chrono::Utc::now(),
        });
        let Some(Post {
            body:
                Body::File {
                    note,
                    name,
                    content,
                },
            ..
        }) = echo(&event)
        else {
            panic!("a long approach is attached")
        };
        assert_eq!(name, "approach.md");
        assert!(
            note.contains("I will sort the intervals"),
            "preview: {note}"
        );
        assert!(content.contains(&text[..200]));
    }

    #[test]
    fn an_analysis_embed_shows_score_rubric_complexity_and_follow_up() {
        let e = analysis_embed(&analysis("Sort, then sweep."));
        assert_eq!(e.title, "Code analysis · score 7/10");
        assert_eq!(e.description, "Sort, then sweep.");
        let names: Vec<_> = e.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Correctness",
                "Complexity",
                "Code quality",
                "Rubric",
                "Follow-up question"
            ]
        );
        let rubric = &e.fields[3].value;
        assert!(
            rubric.contains("**problem solving** 4/4 (strong)"),
            "{rubric}"
        );
        assert!(rubric.contains("**testing** 1/4 (not yet)"));
    }

    #[test]
    fn a_huge_analysis_still_fits_discords_embed_limits() {
        let mut a = analysis(&"f".repeat(10_000));
        a.code_quality = "q".repeat(5000);
        a.correctness = "c".repeat(5000);
        let e = analysis_embed(&a);
        assert!(e.description.chars().count() <= MAX_EMBED_DESCRIPTION);
        assert!(
            e.fields
                .iter()
                .all(|f| f.value.chars().count() <= MAX_FIELD_VALUE)
        );
        assert!(e.total_chars() <= MAX_EMBED_TOTAL);
    }

    #[test]
    fn a_summary_embed_has_signal_strengths_improvements_and_rubric() {
        let s = SummaryWritten {
            stamp: None,
            reply_to: 9,
            overall: "Solid.".into(),
            strengths: vec!["clear plan".into()],
            improvements: vec!["test edges".into(), "name things".into()],
            rubric: rubric(),
            hire_signal: HireSignal::LeanYes,
            duration_seconds: 1800,
            submissions: 2,
            hints_used: 1,
            usage: Some(LlmUsage::default()),
            at: Utc::now(),
        };
        let e = summary_embed(&s);
        assert_eq!(e.fields[0].value, "lean yes");
        assert_eq!(e.fields[2].value, "• test edges\n• name things");
        assert_eq!(
            e.footer.as_deref(),
            Some("30 min · 2 submission(s) · 1 hint(s)")
        );
    }

    #[test]
    fn a_retryable_failure_offers_retry() {
        let failed = CoachFailed {
            stamp: None,
            reply_to: 3,
            kind: crate::domain::FailureKind::Unavailable,
            message: "The coach is busy right now.".into(),
            attempts: 4,
            retryable: true,
            at: Utc::now(),
        };
        let post = failure_post(&failed);
        assert_eq!(post.buttons, vec![Button::Retry]);
        let Body::Text(chunks) = post.body else {
            panic!("text")
        };
        assert!(chunks[0].contains("The coach is busy") && chunks[0].contains("/retry"));
        let final_failure = CoachFailed {
            retryable: false,
            ..failed
        };
        assert!(failure_post(&final_failure).buttons.is_empty());
    }

    #[test]
    fn long_text_is_split_and_very_long_text_becomes_a_file() {
        let medium = "word ".repeat(700);
        let Body::Text(chunks) = text_body(&medium, "x.md") else {
            panic!("text")
        };
        assert_eq!(chunks.len(), 2);
        assert!(
            chunks
                .iter()
                .all(|c| c.chars().count() <= MAX_CONTENT_CHARS)
        );
        let huge = "line\n".repeat(3000);
        let Body::File { note, content, .. } = text_body(&huge, "x.md") else {
            panic!("file")
        };
        assert_eq!(content, huge);
        assert!(note.chars().count() <= MAX_CONTENT_CHARS);
    }

    #[test]
    fn the_problem_post_has_a_relative_deadline_and_the_buttons() {
        let end = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let post = problem_post(
            "42",
            "# Merge Intervals\n...",
            Some("python"),
            Some(end),
            buttons(true),
        );
        let Body::Text(chunks) = &post.body else {
            panic!("text")
        };
        assert!(chunks[0].contains("<t:1800000000:R>"), "{}", chunks[0]);
        assert!(chunks[0].contains("<@42>"));
        assert_eq!(
            post.buttons,
            [Button::Hint, Button::Submit, Button::Run, Button::End]
        );
    }

    #[test]
    fn private_submissions_are_echoed_and_message_submissions_are_not() {
        let submitted = |source| {
            Event::CodeSubmitted(crate::domain::CodeSubmitted {
                actor: crate::domain::Actor::new(crate::domain::Platform::Discord, "1", "Maya"),
                language: "python".into(),
                code: "print(1)\n".into(),
                source,
                submission: 2,
                at: Utc::now(),
            })
        };
        let post = echo(&submitted(SubmissionSource::Modal)).unwrap();
        let Body::Text(chunks) = post.body else {
            panic!("text")
        };
        assert_eq!(
            chunks[0],
            "📨 **Maya** submitted python code (submission 2):\n```python\nprint(1)\n```"
        );
        assert!(post.buttons.is_empty());
        assert_eq!(echo(&submitted(SubmissionSource::Message)), None);
    }

    #[test]
    fn run_tests_is_offered_only_for_a_bank_problem() {
        let started = |problem| {
            Event::InterviewStarted(crate::domain::InterviewStarted {
                interview_id: uuid::Uuid::nil(),
                place: crate::domain::Place::Web {
                    session: "s".into(),
                },
                candidate: crate::domain::Actor::new(crate::domain::Platform::Discord, "1", "M"),
                problem,
                language: None,
                difficulty: None,
                time_limit_minutes: None,
                mode: crate::domain::Mode::Solo,
                coach: crate::domain::CoachConfig {
                    model: "m".into(),
                    prompt_version: 1,
                    rubric_version: 1,
                },
                at: Utc::now(),
            })
        };
        let bank = started(Problem::Bank {
            id: "two-sum".into(),
            version: 1,
            title: "Two Sum".into(),
        });
        assert!(interview_buttons(&Interview::from_events([&bank])).contains(&Button::Run));
        let own = started(Problem::custom("Echo"));
        assert_eq!(
            interview_buttons(&Interview::from_events([&own])),
            INTERVIEW_BUTTONS.to_vec()
        );
    }

    #[test]
    fn button_ids_round_trip() {
        for b in Button::ALL {
            assert_eq!(Button::from_custom_id(b.custom_id()), Some(b));
        }
        assert_eq!(Button::from_custom_id("other"), None);
    }

    #[test]
    fn the_posts_of_each_fixture_event_match_their_golden_file() {
        for (name, log) in crate::practice::golden::logs() {
            let mut out = String::new();
            for (i, r) in log.iter().enumerate() {
                let interview = Interview::from_events(log[..=i].iter().map(|r| &r.event));
                let post = render_event(&Entry::of(r), &interview);
                let echoed = echo(&r.event);
                out.push_str(&format!(
                    "#{} {post:#?}\n#{} echo {echoed:#?}\n",
                    r.version, r.version
                ));
            }
            crate::practice::golden::check(&format!("{name}.discord.txt"), &out);
        }
    }
}
