//! What a judge run reports: a verdict per case with its time, memory and capped output
//! excerpts, and the run's overall verdict. Plain serialisable values; nothing here runs
//! code or decides a verdict from a process (that is `judge::run`'s).

use serde::Serialize;
use serde_json::Value;

/// How one case (or a whole run) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Passed,
    WrongAnswer,
    RuntimeError,
    TimeLimit,
    MemoryLimit,
    OutputLimit,
    CompileError,
    /// A custom input with no expected output ran to its end.
    Completed,
    /// Not run: an earlier case ended its process too many times.
    Skipped,
}

impl Verdict {
    /// Whether this counts as a success (passed, or a custom input that ran).
    pub fn ok(self) -> bool {
        matches!(self, Verdict::Passed | Verdict::Completed)
    }
}

/// Which case: an example, a hidden test or the candidate's own input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "index")]
pub enum CaseKind {
    Example(usize),
    Test(usize),
    Custom,
}

impl CaseKind {
    /// `examples[0]`, `tests[3]` or `custom`, as `check_reference.py` names cases.
    pub fn label(&self) -> String {
        match self {
            CaseKind::Example(i) => format!("examples[{i}]"),
            CaseKind::Test(i) => format!("tests[{i}]"),
            CaseKind::Custom => "custom".to_string(),
        }
    }
}

/// One case's result.
#[derive(Debug, Clone, Serialize)]
pub struct CaseReport {
    pub case: String,
    pub verdict: Verdict,
    pub input: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub got: Option<Value>,
    /// Milliseconds inside the candidate's code, measured by the harness around the call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_ms: Option<f64>,
    /// The process's peak resident memory when the case ended (the harness's own count,
    /// else the sandbox's), in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_bytes: Option<u64>,
    /// What the candidate's code printed during this case (capped).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub stdout: String,
    /// The error: the exception and the candidate's frames, or the end of stderr.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A whole run: the overall verdict (the first case that did not pass, else passed), the
/// compile output when compiling failed, every case, and the isolation used.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub problem: String,
    pub language: String,
    pub isolation: String,
    pub verdict: Verdict,
    pub passed: usize,
    pub total: usize,
    /// Compiler messages (compile error) or the failure of the code's top level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub cases: Vec<CaseReport>,
}

impl Report {
    /// The first case that did not pass, if any.
    pub fn first_failure(&self) -> Option<&CaseReport> {
        self.cases.iter().find(|c| !c.verdict.ok())
    }
}

/// At most `max` bytes of `text` (on a character boundary), with a note when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes more)", &text[..end], text.len() - end)
}

/// The last `max` bytes of `text` (on a character boundary), with a note when cut.
pub fn tail(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut start = text.len() - max;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    format!("(… {start} bytes before) {}", &text[start..])
}
