//! The structured answers: JSON schemas of the forced tool calls for a code analysis and
//! an end-of-interview summary, and strict parsing of what the model returned. A value
//! that does not validate is rejected whole; nothing is rounded, defaulted or invented.

use crate::coach::llm::ToolSpec;
use crate::domain::{Analysis, Band, HireSignal, Rubric, RubricScore, Score};
use serde::Deserialize;
use serde_json::{Value, json};

pub const ANALYSIS_TOOL: &str = "record_analysis";
pub const SUMMARY_TOOL: &str = "record_summary";

fn rubric_schema() -> Value {
    let dim = json!({
        "type": "object",
        "properties": {
            "score": {"type": "integer", "minimum": 1, "maximum": 4, "description": "band from the rubric anchors"},
            "evidence": {"type": "string", "maxLength": 300, "description": "what in the interview supports the band"}
        },
        "required": ["score", "evidence"]
    });
    json!({
        "type": "object",
        "properties": {
            "communication": dim,
            "problem_solving": dim,
            "technical_competency": dim,
            "testing": dim
        },
        "required": ["communication", "problem_solving", "technical_competency", "testing"]
    })
}

/// The tools every request carries (the same list each time, so the cached prefix holds).
/// Built once: building the schemas took about 4 % of the service's CPU under load
/// (`perf`, web load bench in BENCHMARKS.md); a request now shares them.
pub fn tools() -> Vec<ToolSpec> {
    static TOOLS: std::sync::LazyLock<Vec<ToolSpec>> =
        std::sync::LazyLock::new(|| vec![analysis_tool(), summary_tool()]);
    TOOLS.clone()
}

pub fn analysis_tool() -> ToolSpec {
    ToolSpec {
        name: ANALYSIS_TOOL.to_string(),
        description: "Record your review of the candidate's latest code submission.".to_string(),
        input_schema: std::sync::Arc::new(json!({
            "type": "object",
            "properties": {
                "technical_feedback": {"type": "string", "description": "what works, what is wrong, and why"},
                "complexity_analysis": {"type": "string", "description": "time and space complexity of the submitted code"},
                "code_quality": {"type": "string", "description": "readability, naming, structure, idiom"},
                "follow_up_question": {"type": "string", "description": "one question to ask next"},
                "score": {"type": "integer", "minimum": 1, "maximum": 10, "description": "overall score of this submission"},
                "correctness": {"type": "string", "description": "is it correct? which inputs fail, if any"},
                "rubric": rubric_schema()
            },
            "required": ["technical_feedback", "complexity_analysis", "code_quality", "follow_up_question", "score", "correctness", "rubric"]
        })),
    }
}

pub fn summary_tool() -> ToolSpec {
    ToolSpec {
        name: SUMMARY_TOOL.to_string(),
        description: "Record the final assessment of the whole interview.".to_string(),
        input_schema: std::sync::Arc::new(json!({
            "type": "object",
            "properties": {
                "overall": {"type": "string", "maxLength": 600, "description": "overall assessment, a short paragraph"},
                // Bounded: a grammar-constrained small model (SmolLM2-135M on llama.cpp)
                // otherwise repeated an item, or text inside one, until max_tokens cut the
                // JSON (eval/RESULTS.md). Hosted models are not held to these bounds.
                "strengths": {"type": "array", "items": {"type": "string", "maxLength": 200}, "minItems": 1, "maxItems": 4},
                "improvements": {"type": "array", "items": {"type": "string", "maxLength": 200}, "minItems": 1, "maxItems": 4},
                "rubric": rubric_schema(),
                "hire_signal": {"type": "string", "enum": ["strong_no", "no", "lean_no", "lean_yes", "yes", "strong_yes"]}
            },
            "required": ["overall", "strengths", "improvements", "rubric", "hire_signal"]
        })),
    }
}

#[derive(Deserialize)]
struct RawDim {
    score: Value,
    evidence: String,
}

#[derive(Deserialize)]
struct RawRubric {
    communication: RawDim,
    problem_solving: RawDim,
    technical_competency: RawDim,
    testing: RawDim,
}

#[derive(Deserialize)]
struct RawAnalysis {
    technical_feedback: String,
    complexity_analysis: String,
    code_quality: String,
    follow_up_question: String,
    score: Value,
    correctness: String,
    rubric: RawRubric,
}

#[derive(Deserialize)]
struct RawSummary {
    overall: String,
    strengths: Vec<String>,
    improvements: Vec<String>,
    rubric: RawRubric,
    hire_signal: HireSignal,
}

/// The parts of a summary the model gives; the rest comes from the log.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryInput {
    pub overall: String,
    pub strengths: Vec<String>,
    pub improvements: Vec<String>,
    pub rubric: Rubric,
    pub hire_signal: HireSignal,
}

/// An integer exactly: 7 is fine, 7.0, 7.5 and "7" are not.
fn integer(v: &Value, what: &str) -> Result<i64, String> {
    match v {
        Value::Number(n) if n.is_i64() => n
            .as_i64()
            .ok_or_else(|| format!("{what} is not an integer")),
        other => Err(format!("{what} must be an integer, got {other}")),
    }
}

fn text(s: String, what: &str) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(format!("{what} is empty"));
    }
    Ok(t.to_string())
}

fn rubric(r: RawRubric) -> Result<Rubric, String> {
    let dim = |d: RawDim, name: &str| -> Result<RubricScore, String> {
        Ok(RubricScore {
            score: Band::new(integer(&d.score, name)?)?,
            evidence: text(d.evidence, name)?,
        })
    };
    Ok(Rubric {
        communication: dim(r.communication, "communication")?,
        problem_solving: dim(r.problem_solving, "problem_solving")?,
        technical_competency: dim(r.technical_competency, "technical_competency")?,
        testing: dim(r.testing, "testing")?,
    })
}

pub fn parse_analysis(input: Option<&Value>) -> Result<Analysis, String> {
    let input = input.ok_or("the model did not call record_analysis")?;
    let raw: RawAnalysis =
        serde_json::from_value(input.clone()).map_err(|e| format!("invalid analysis: {e}"))?;
    Ok(Analysis {
        technical_feedback: text(raw.technical_feedback, "technical_feedback")?,
        complexity_analysis: text(raw.complexity_analysis, "complexity_analysis")?,
        code_quality: text(raw.code_quality, "code_quality")?,
        follow_up_question: text(raw.follow_up_question, "follow_up_question")?,
        score: Score::new(integer(&raw.score, "score")?)?,
        correctness: text(raw.correctness, "correctness")?,
        rubric: rubric(raw.rubric)?,
    })
}

pub fn parse_summary(input: Option<&Value>) -> Result<SummaryInput, String> {
    let input = input.ok_or("the model did not call record_summary")?;
    let raw: RawSummary =
        serde_json::from_value(input.clone()).map_err(|e| format!("invalid summary: {e}"))?;
    Ok(SummaryInput {
        overall: text(raw.overall, "overall")?,
        strengths: raw
            .strengths
            .into_iter()
            .filter(|s| !s.trim().is_empty())
            .collect(),
        improvements: raw
            .improvements
            .into_iter()
            .filter(|s| !s.trim().is_empty())
            .collect(),
        rubric: rubric(raw.rubric)?,
        hire_signal: raw.hire_signal,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dim() -> Value {
        json!({"score": 3, "evidence": "e"})
    }

    fn good() -> Value {
        json!({
            "technical_feedback": "t", "complexity_analysis": "O(n)", "code_quality": "ok",
            "follow_up_question": "q?", "score": 7, "correctness": "correct",
            "rubric": {"communication": dim(), "problem_solving": dim(), "technical_competency": dim(), "testing": dim()}
        })
    }

    #[test]
    fn a_complete_analysis_parses() {
        let a = parse_analysis(Some(&good())).unwrap();
        assert_eq!(a.score.get(), 7);
    }

    #[test]
    fn scores_are_never_rounded_or_coerced() {
        for bad in [
            json!(7.5),
            json!("7"),
            json!(0),
            json!(11),
            json!(null),
            json!(7.0),
        ] {
            let mut v = good();
            v["score"] = bad.clone();
            assert!(parse_analysis(Some(&v)).is_err(), "accepted score {bad}");
        }
    }

    #[test]
    fn missing_fields_and_missing_tool_calls_are_rejected() {
        let mut v = good();
        v.as_object_mut().unwrap().remove("follow_up_question");
        assert!(parse_analysis(Some(&v)).is_err());
        assert!(parse_analysis(None).is_err());
        let mut v = good();
        v["rubric"]["testing"]["score"] = json!(5);
        assert!(parse_analysis(Some(&v)).is_err());
    }
}
