//! A problem that is not in the bank has no harness and no tests: the candidate's code
//! runs as a whole program (`main.py`, `main.js`, `Main.java`, `main.cpp`) with their
//! input on stdin, and the result is what it printed. Only through the sandbox given.

use crate::domain::{Actor, CaseRun, CaseVerdict, EXCERPT_BYTES, RunOf, TestsRun};
use crate::judge::Language;
use crate::judge::verdict::{excerpt, tail};
use crate::sandbox::{File, Outcome, Program, Sandbox, SandboxError, Status};
use chrono::{DateTime, Utc};

/// How the program ended.
pub(super) struct Plain {
    isolation: String,
    language: Language,
    input: String,
    compile: Option<Outcome>,
    run: Option<Outcome>,
}

/// Runs `code` as a program of `language` with `stdin`.
pub(super) async fn run(
    sandbox: &Sandbox,
    language: Language,
    code: &str,
    stdin: &str,
) -> Result<Plain, SandboxError> {
    let main = match language {
        Language::Python => "main.py",
        Language::JavaScript => "main.js",
        Language::Java => "Main.java",
        Language::Cpp => "main.cpp",
    };
    let files = vec![File {
        path: main.to_string(),
        contents: code.as_bytes().to_vec(),
    }];
    let mut program = Program::new(language.runtime(), files, main);
    program.stdin = stdin.as_bytes().to_vec();
    let outcome = sandbox.run_program(program).await?;
    Ok(Plain {
        isolation: sandbox.isolation().as_str().to_string(),
        language,
        input: stdin.to_string(),
        compile: outcome.compile,
        run: outcome.run,
    })
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

impl Plain {
    pub(super) fn into_run(self, actor: Actor, of: RunOf, at: DateTime<Utc>) -> TestsRun {
        let mut run = TestsRun {
            actor,
            of,
            language: self.language.name().to_string(),
            isolation: self.isolation,
            verdict: CaseVerdict::Completed,
            examples: Vec::new(),
            tests: Default::default(),
            custom: None,
            error: None,
            complexity: None,
            at,
        };
        let compiled = self
            .compile
            .as_ref()
            .is_none_or(|c| c.status == Status::Exited(0));
        let (Some(outcome), true) = (self.run, compiled) else {
            run.verdict = CaseVerdict::CompileError;
            run.error = self.compile.map(|c| tail(&text(&c.stderr), EXCERPT_BYTES));
            return run;
        };
        let verdict = match outcome.status {
            Status::Exited(0) => CaseVerdict::Completed,
            Status::Exited(_) | Status::Signalled(_) => CaseVerdict::RuntimeError,
            Status::CpuLimit | Status::WallLimit => CaseVerdict::TimeLimit,
            Status::MemoryLimit => CaseVerdict::MemoryLimit,
            Status::OutputLimit => CaseVerdict::OutputLimit,
        };
        let stderr = text(&outcome.stderr);
        run.verdict = verdict;
        run.custom = Some(CaseRun {
            verdict,
            input: excerpt(&self.input, EXCERPT_BYTES),
            expected: None,
            got: None,
            time_ms: Some(outcome.wall.as_secs_f64() * 1000.0),
            memory_bytes: outcome.peak_memory_bytes,
            stdout: excerpt(&text(&outcome.stdout), EXCERPT_BYTES),
            error: (!stderr.trim().is_empty()).then(|| tail(&stderr, EXCERPT_BYTES)),
        });
        run
    }
}
