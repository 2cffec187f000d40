//! The coach's context, rebuilt from the log for every turn. Deterministic: the same log
//! gives the same request, byte for byte. Candidate events appear in version order, each
//! followed by the coach's answer to it, so turn N+1's messages start with turn N's.
//! The stable prefix (persona, rubric, problem) ends with a cache breakpoint, a second
//! sits on the latest completed turn, and a third on the final message, so the next
//! turn reads the whole conversation so far from the cache.
//!
//! Every value a member supplied is fenced as data (`prompts::candidate_block` or
//! `candidate_inline`), never spliced into our own sentences or attributes: display
//! names, languages, a custom problem's title and text, approaches, messages and code,
//! here and in the compaction digest. Only values the code chose (numbers, enums, the
//! bank's problems) appear bare.

use super::llm::{LlmRequest, Message, Role, TextBlock};
use super::prompts::{self, candidate_block, candidate_inline};
use super::schema;
use crate::domain::{Event, InterviewStarted, TurnKind, Version};
use crate::ports::RecordedEvent;

/// What the context needs besides the log.
#[derive(Debug, Clone)]
pub struct ContextInputs<'a> {
    pub model: &'a str,
    pub max_tokens: u32,
    /// The statement of a bank problem (custom problems carry their own text).
    pub statement: Option<&'a str>,
    pub hints: &'a [String],
}

/// Build the request for the turn answering `reply_to`.
pub fn build_request(
    events: &[RecordedEvent],
    reply_to: Version,
    kind: TurnKind,
    inputs: &ContextInputs,
) -> LlmRequest {
    let started = events.iter().find_map(|r| match &r.event {
        Event::InterviewStarted(s) => Some(s),
        _ => None,
    });
    let mut system = vec![TextBlock {
        text: format!("{}\n\n{}", prompts::PERSONA, prompts::RUBRIC),
        cache: false,
    }];
    system.push(TextBlock {
        text: problem_text(started, inputs),
        cache: true,
    });
    let mut messages = render(events, reply_to, started);
    mark_latest_completed_turn(&mut messages);
    let forced = match kind {
        TurnKind::Analysis => Some(schema::ANALYSIS_TOOL.to_string()),
        TurnKind::Summary => Some(schema::SUMMARY_TOOL.to_string()),
        _ => None,
    };
    LlmRequest {
        model: inputs.model.to_string(),
        system,
        messages,
        max_tokens: inputs.max_tokens,
        temperature: Some(0.2),
        tools: schema::tools(),
        tool_choice: forced,
    }
}

fn problem_text(started: Option<&InterviewStarted>, inputs: &ContextInputs) -> String {
    let Some(s) = started else {
        return "No problem has been set.".to_string();
    };
    let (title, statement) = match &s.problem {
        crate::domain::Problem::Custom { title, text } => (
            candidate_inline("problem_title", title),
            candidate_block("problem", text),
        ),
        crate::domain::Problem::Bank { title, .. } => (
            title.clone(),
            inputs
                .statement
                .unwrap_or("(statement unavailable)")
                .to_string(),
        ),
    };
    prompts::problem_block(&title, &statement, inputs.hints)
}

/// Rough token count (4 characters a token), for the context budget.
pub fn estimate_tokens(req: &LlmRequest) -> usize {
    let chars: usize = req.system.iter().map(|b| b.text.len()).sum::<usize>()
        + req
            .messages
            .iter()
            .flat_map(|m| &m.content)
            .map(|b| b.text.len())
            .sum::<usize>();
    chars / 4
}

/// Messages in logical order up to and including the candidate event `reply_to`.
fn render(
    events: &[RecordedEvent],
    reply_to: Version,
    started: Option<&InterviewStarted>,
) -> Vec<Message> {
    let compaction = events.iter().rev().find_map(|r| match &r.event {
        Event::ContextCompacted(c) if c.up_to < reply_to => Some(c),
        _ => None,
    });
    let compacted_up_to = compaction.map(|c| c.up_to).unwrap_or(0);
    let mut out: Vec<Message> = Vec::new();
    if let Some(c) = compaction {
        push(
            &mut out,
            Role::User,
            format!(
                "(Earlier turns, compacted)\n{}",
                fenced_digest(&c.digest, started)
            ),
        );
    }
    for r in events
        .iter()
        .filter(|r| r.version <= reply_to && r.version > compacted_up_to)
    {
        let Some(mut text) = candidate_text(&r.event) else {
            continue;
        };
        if let Event::CodeSubmitted(e) = &r.event
            && let Some(run) = super::verdicts::run_of(events, e.submission)
        {
            text.push('\n');
            text.push_str(&super::verdicts::text(run));
        }
        if matches!(r.event, Event::InterviewEnded(_)) {
            let before = |t: &str| {
                events
                    .iter()
                    .filter(|e| e.version < r.version && e.event.type_name() == t)
                    .count()
            };
            text.push_str(&format!(
                "\nSubmissions: {}. Hints used: {} (weigh them in problem_solving as the rubric says).",
                before("code_submitted"),
                before("hint_requested")
            ));
            if let Some(run) = events.iter().rev().find_map(|e| match &e.event {
                Event::TestsRun(run) if e.version < r.version && run.submission().is_some() => {
                    Some(run)
                }
                _ => None,
            }) {
                text.push_str(&format!(
                    "\nTests of the last tested submission: {} of {} passed.",
                    run.passed(),
                    run.total()
                ));
                if let Some(measured) = &run.complexity {
                    text.push_str(&format!(
                        "\nMeasured time complexity (the judge timed the function at growing sizes): {measured}. \
                         Put it beside your own complexity_analysis and say so when they disagree."
                    ));
                }
            }
        }
        push(&mut out, Role::User, text);
        if r.version == reply_to {
            break;
        }
        let answer = events.iter().find(|a| {
            a.event.reply_to() == Some(r.version) && !matches!(a.event, Event::CoachFailed(_))
        });
        if let Some(text) = answer.and_then(|a| coach_text(&a.event)) {
            push(&mut out, Role::Assistant, text);
        }
    }
    out
}

fn push(out: &mut Vec<Message>, role: Role, text: String) {
    match out.last_mut() {
        Some(last) if last.role == role => last.content.push(TextBlock { text, cache: false }),
        _ => out.push(Message {
            role,
            content: vec![TextBlock { text, cache: false }],
        }),
    }
}

/// A stored digest as the context shows it. Digests written before prompt version 2
/// hold candidate text bare, so such a digest is fenced whole.
fn fenced_digest(digest: &str, started: Option<&InterviewStarted>) -> String {
    let fences_its_fields = started.is_some_and(|s| s.coach.prompt_version >= 2);
    if fences_its_fields {
        digest.to_string()
    } else {
        candidate_block("digest", digest)
    }
}

/// Cache breakpoints in the messages: on the latest completed turn (the last coach
/// answer), and on the final candidate message, which the next turn will re-read.
fn mark_latest_completed_turn(messages: &mut [Message]) {
    if let Some(block) = messages
        .iter_mut()
        .rev()
        .find(|m| m.role == Role::Assistant)
        .and_then(|m| m.content.last_mut())
    {
        block.cache = true;
    }
    if let Some(block) = messages.last_mut().and_then(|m| m.content.last_mut()) {
        block.cache = true;
    }
}

/// How a candidate event reads to the coach; None for events that are not candidate turns.
pub fn candidate_text(event: &Event) -> Option<String> {
    Some(match event {
        Event::InterviewStarted(s) => {
            let mut t = format!(
                "The interview starts. Candidate: {}.",
                candidate_inline("name", &s.candidate.name)
            );
            if let Some(l) = &s.language {
                t.push_str(&format!(" Language: {}.", candidate_inline("language", l)));
            }
            if let Some(d) = s.difficulty {
                t.push_str(&format!(" Difficulty: {}.", d.as_str()));
            }
            if let Some(m) = s.time_limit_minutes {
                t.push_str(&format!(" Time limit: {m} minutes."));
            }
            if matches!(s.problem, crate::domain::Problem::Custom { .. }) {
                t.push_str("\n(The candidate described the problem themselves. Greet them in one sentence, restate the problem briefly to confirm you understood it, and ask them to explain their approach before coding.)");
            }
            t
        }
        Event::ApproachExplained(e) => format!(
            "{} explains an approach:\n{}\n(Respond as the interviewer to this approach.)",
            candidate_inline("name", &e.actor.name),
            candidate_block("approach", &e.text)
        ),
        Event::CodeSubmitted(e) => format!(
            "Submission #{} in {}:\n{}\n(Review this submission with the {} tool.)",
            e.submission,
            candidate_inline("language", &e.language),
            candidate_block("code", &e.code),
            schema::ANALYSIS_TOOL
        ),
        Event::CandidateMessage(e) => format!(
            "{} writes:\n{}",
            candidate_inline("name", &e.actor.name),
            candidate_block("message", &e.text)
        ),
        Event::HintRequested(e) => format!(
            "(The candidate asks for hint #{}. Give rung {} of the hint ladder, adapted to their current approach and code; if the ladder has no such rung, give one small nudge of your own.)",
            e.hint, e.hint
        ),
        Event::InterviewEnded(e) => format!(
            "(The interview has ended: {}. Write the final assessment with the {} tool.)",
            e.reason.as_str(),
            schema::SUMMARY_TOOL
        ),
        // issue 16: peer
        Event::PeerPaired(e) => format!(
            "(This is a peer interview: {} is the human interviewer and you are their assistant. Stay silent unless asked; when asked, answer the interviewer briefly.)",
            candidate_inline("name", &e.interviewer.name)
        ),
        Event::PeerHintRevealed(e) => format!(
            "(The interviewer showed the candidate rung {} of the hint ladder.)",
            e.hint
        ),
        Event::PeerQuestionAsked(e) => format!(
            "The interviewer asks the candidate:\n{}",
            candidate_block("question", &e.question)
        ),
        Event::PeerCoachAsked(e) => format!(
            "The interviewer asks you{}:\n{}\n(Answer the interviewer in a few sentences{}.)",
            if e.aloud {
                " to speak in the thread"
            } else {
                " privately"
            },
            candidate_block("question", &e.question),
            if e.aloud {
                ", addressing the candidate"
            } else {
                "; the candidate will not see it"
            }
        ),
        Event::PeerInterviewerLeft(_) => {
            "(The interviewer has left; you are the interviewer from now on.)".to_string()
        }
        _ => return None,
    })
}

/// How a coach answer reads in later turns.
pub fn coach_text(event: &Event) -> Option<String> {
    Some(match event {
        Event::CoachReplied(e) => e.text.clone(),
        Event::CodeAnalyzed(e) => {
            let a = &e.analysis;
            let rubric: Vec<String> = a
                .rubric
                .dimensions()
                .iter()
                .map(|(n, d)| format!("{n} {}/4", d.score.get()))
                .collect();
            format!(
                "Review (score {}/10).\nCorrectness: {}\nFeedback: {}\nComplexity: {}\nCode quality: {}\nRubric: {}\nFollow-up question: {}",
                a.score.get(),
                a.correctness,
                a.technical_feedback,
                a.complexity_analysis,
                a.code_quality,
                rubric.join(", "),
                a.follow_up_question
            )
        }
        Event::SummaryWritten(e) => format!("Final assessment: {}", e.overall),
        _ => return None,
    })
}

/// A deterministic digest of the events up to `up_to`, replacing them in later contexts.
pub fn digest(events: &[RecordedEvent], up_to: Version) -> String {
    let mut lines = Vec::new();
    for r in events.iter().filter(|r| r.version <= up_to) {
        let line = match &r.event {
            Event::ApproachExplained(e) => format!(
                "- Approach: {}",
                candidate_inline("approach", &clip(&e.text, 400))
            ),
            Event::CodeSubmitted(e) => format!(
                "- Submission #{} in {}, {} lines",
                e.submission,
                candidate_inline("language", &e.language),
                e.code.lines().count()
            ),
            Event::CodeAnalyzed(e) => format!(
                "- Review: score {}/10; correctness: {}; follow-up asked: {}",
                e.analysis.score.get(),
                clip(&e.analysis.correctness, 200),
                clip(&e.analysis.follow_up_question, 200)
            ),
            Event::HintRequested(e) => format!("- Hint #{} given", e.hint),
            Event::TestsRun(run) => match run.submission() {
                Some(n) => format!(
                    "- Tests of submission #{n}: {} of {} passed ({})",
                    run.passed(),
                    run.total(),
                    run.verdict.label()
                ),
                None => continue,
            },
            Event::CandidateMessage(e) => format!(
                "- {} said: {}",
                candidate_inline("name", &e.actor.name),
                candidate_inline("message", &clip(&e.text, 160))
            ),
            Event::CoachReplied(e) => format!("- Coach: {}", clip(&e.text, 160)),
            _ => continue,
        };
        lines.push(line);
    }
    lines.join("\n")
}

fn clip(s: &str, max: usize) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let mut out: String = one_line.chars().take(max).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests;
