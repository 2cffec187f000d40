//! Where a prepared harness runs. Locally it is a sandbox workspace, compiled once, in
//! which each step (a batch of cases) runs; Piston has no workspaces, so there the
//! harness and the candidate's file travel as one whole program with each step's input
//! and are compiled again on each call (a step restarts only when a case kills its
//! process, so that is rare). Both give the step's outcome, so the judge reads verdicts
//! the same way on every backend.
//!
//! It never changes what runs: the files are the plan's, except that C++'s candidate file
//! is renamed so that Piston compiles it only through the harness's `#include`.

use super::harness::Plan;
use super::{JudgeError, Language};
use crate::sandbox::{File, Outcome, Program, Sandbox, SandboxError, Step, Workspace};

/// A harness ready to run steps.
#[derive(Debug)]
pub(crate) enum Prepared {
    /// A local workspace, compiled.
    Workspace(Workspace),
    /// The whole program, sent to the sandbox (Piston) with each step.
    Whole {
        sandbox: Sandbox,
        program: Box<Program>,
    },
}

impl Prepared {
    /// Runs one step: its stdin and limits (its argv is the plan's run command, which
    /// the whole program's runtime knows).
    pub(crate) async fn run(&self, step: Step) -> Result<Outcome, JudgeError> {
        match self {
            Prepared::Workspace(workspace) => Ok(workspace.run(step).await?),
            Prepared::Whole { sandbox, program } => {
                let mut program = Program::clone(program);
                program.stdin = step.stdin;
                program.run_limits = step.limits;
                let outcome = sandbox.run_program(program).await?;
                // A compile that passed when prepared and fails now (the server's
                // trouble) is the step's outcome: no case answered, so it is reported.
                outcome.run.or(outcome.compile).ok_or_else(|| {
                    JudgeError::Sandbox(SandboxError::Piston(
                        "the answer had neither a compile nor a run".into(),
                    ))
                })
            }
        }
    }
}

/// The candidate's C++ file under Piston: not a `.cpp`, so only the harness compiles it.
const CPP_CANDIDATE: &str = "solution.inc";

/// `plan` as one program of `language`: its files, entry file and limits. C++'s
/// candidate file is renamed (Piston compiles every `.cpp`) and the harness's defines
/// move from the compile command into the harness itself.
pub(crate) fn program(language: Language, plan: &mut Plan) -> Program {
    let mut files: Vec<File> = plan.files.clone();
    let main = match language {
        Language::Cpp => {
            let defines: String = plan
                .compile
                .iter()
                .flat_map(|(argv, _)| argv.iter())
                .filter_map(|a| a.strip_prefix("-D"))
                .filter(|d| d.starts_with("IC_"))
                .map(|d| format!("#define {d}\n"))
                .collect();
            for f in &mut files {
                if f.path == "solution.cpp" {
                    f.path = CPP_CANDIDATE.into();
                } else if f.path == "main.cpp" {
                    let text = String::from_utf8_lossy(&f.contents).replace(
                        "#include \"solution.cpp\"",
                        &format!("#include \"{CPP_CANDIDATE}\""),
                    );
                    f.contents = format!("{defines}{text}").into_bytes();
                }
            }
            plan.candidate_file = CPP_CANDIDATE.into();
            "main.cpp".to_string()
        }
        Language::Java => format!("{}.java", plan.run.last().cloned().unwrap_or_default()),
        Language::Python | Language::JavaScript => plan.run.last().cloned().unwrap_or_default(),
    };
    let mut program = Program::new(language.runtime(), files, main);
    program.run_limits = plan.limits.clone();
    if let Some((_, limits)) = &plan.compile {
        program.compile_limits = limits.clone();
    }
    program
}
