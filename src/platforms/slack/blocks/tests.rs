use super::*;
use crate::domain::{Band, FailureKind, HireSignal, RubricScore, Score};
use chrono::TimeZone;
use slack_morphism::prelude::{SlackBlock, SlackView};

fn rubric() -> Rubric {
    let r = |s| RubricScore {
        score: Band::new(s).unwrap(),
        evidence: "seen".into(),
    };
    Rubric {
        communication: r(3),
        problem_solving: r(3),
        technical_competency: r(4),
        testing: r(2),
    }
}

/// Every rendering must be something slack-morphism (and so Slack) accepts.
fn assert_blocks(r: &Rendered) -> Vec<SlackBlock> {
    serde_json::from_value(r.blocks.clone().expect("blocks")).expect("valid Block Kit")
}

fn action_ids(blocks: &Value) -> Vec<String> {
    let mut ids = Vec::new();
    for b in blocks.as_array().unwrap() {
        for e in b["elements"].as_array().into_iter().flatten() {
            if let Some(id) = e["action_id"].as_str() {
                ids.push(id.to_string());
            }
        }
    }
    ids
}

#[test]
fn the_root_message_shows_problem_candidate_deadline_and_five_buttons() {
    let deadline = Utc.with_ymd_and_hms(2026, 1, 2, 15, 30, 0).unwrap();
    let r = root_message(&RootInfo {
        title: "Two Sum",
        statement: "# Two Sum\n\nFind **two** numbers.",
        candidate_id: "U1",
        difficulty: Some("easy"),
        language: Some("python"),
        deadline: Some(deadline),
    });
    assert_blocks(&r);
    let blocks = r.blocks.unwrap();
    assert_eq!(
        action_ids(&blocks),
        [
            ACTION_APPROACH,
            ACTION_SUBMIT,
            ACTION_RUN,
            ACTION_HINT,
            ACTION_END
        ]
    );
    let all = blocks.to_string();
    assert!(all.contains("<@U1>"));
    assert!(all.contains(&format!("<!date^{}^", deadline.timestamp())));
    assert!(all.contains("Find *two* numbers."));
    assert!(r.text.contains("Two Sum"));
}

#[test]
fn markdown_becomes_mrkdwn_outside_code_fences_only() {
    let md = "## Plan\n**bold**\n```\nx = a**2\n```";
    assert_eq!(mrkdwn(md), "*Plan*\n*bold*\n```\nx = a**2\n```");
}

#[test]
fn a_long_coach_reply_is_split_into_messages_under_the_limit() {
    let text = format!("Intro\n```python\n{}```\n", "print(1)\n".repeat(800));
    let parts = coach_reply(&text);
    assert!(parts.len() > 1);
    for p in &parts {
        assert!(p.text.chars().count() <= MESSAGE_CHARS);
        assert_eq!(p.text.matches("```").count() % 2, 0, "fences balanced");
    }
}

#[test]
fn an_analysis_is_block_kit_sections_with_score_and_rubric() {
    let a = Analysis {
        technical_feedback: "Hash map is right.".into(),
        complexity_analysis: "O(n)".into(),
        code_quality: "Clear.".into(),
        follow_up_question: "What if sorted?".into(),
        score: Score::new(7).unwrap(),
        correctness: "Correct.".into(),
        rubric: rubric(),
    };
    let r = analysis(&a);
    assert_blocks(&r);
    let all = r.blocks.unwrap().to_string();
    for needle in [
        "7/10",
        "Hash map is right.",
        "O(n)",
        "What if sorted?",
        "technical competency",
    ] {
        assert!(all.contains(needle), "{needle}");
    }
}

#[test]
fn a_retryable_failure_has_a_retry_button_and_a_final_one_does_not() {
    let mut f = CoachFailed {
        stamp: None,
        reply_to: 3,
        kind: FailureKind::Unavailable,
        message: "the model is overloaded".into(),
        attempts: 4,
        retryable: true,
        at: Utc::now(),
    };
    let r = failure(&f);
    assert_blocks(&r);
    assert_eq!(action_ids(r.blocks.as_ref().unwrap()), [ACTION_RETRY]);
    f.retryable = false;
    assert!(action_ids(failure(&f).blocks.as_ref().unwrap()).is_empty());
}

#[test]
fn a_summary_is_block_kit_with_strengths_improvements_and_rubric() {
    let s = SummaryWritten {
        stamp: None,
        reply_to: 9,
        overall: "Solid.".into(),
        strengths: vec!["Clear plan".into()],
        improvements: vec!["Test edges".into()],
        rubric: rubric(),
        hire_signal: HireSignal::LeanYes,
        duration_seconds: 1500,
        submissions: 2,
        hints_used: 1,
        usage: None,
        at: Utc::now(),
    };
    let r = summary(&s);
    assert_blocks(&r);
    let all = r.blocks.unwrap().to_string();
    for needle in [
        "Interview summary",
        "Solid.",
        "Clear plan",
        "Test edges",
        "lean yes",
        "25 min",
    ] {
        assert!(all.contains(needle), "{needle}");
    }
}

#[test]
fn the_modals_are_valid_views_carrying_their_thread() {
    let meta = modal_metadata("C1", "1.0");
    for view in [approach_modal(&meta), submit_modal(&meta, Some("rust"))] {
        let _: SlackView = serde_json::from_value(view.clone()).expect("valid view");
        assert_eq!(view["private_metadata"], "C1|1.0");
    }
}
