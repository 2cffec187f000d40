//! A whole program (source files, the entry file, stdin, limits) compiled when its
//! runtime needs it and run, the same on every backend: locally as two steps in one
//! workspace with the commands below, on Piston as one execute request. This is the
//! path Piston supports; the judge may also drive workspaces step by step locally.
//!
//! It must never run the program when its compile step failed.

use super::{File, Limits, Outcome, Runtime, Sandbox, SandboxError, Status, Step};

/// A program to compile (if need be) and run.
#[derive(Debug, Clone)]
pub struct Program {
    pub runtime: Runtime,
    /// Source files (and any data files), relative paths.
    pub files: Vec<File>,
    /// The entry file among `files`: `main.py`, `main.js`, `Main.java` (its class is
    /// run), `main.cpp` (every `.cpp` file is compiled with it).
    pub main: String,
    pub args: Vec<String>,
    pub stdin: Vec<u8>,
    pub compile_limits: Limits,
    pub run_limits: Limits,
}

impl Program {
    /// A program with the runtime's default limits, no arguments and empty stdin.
    pub fn new(runtime: Runtime, files: Vec<File>, main: impl Into<String>) -> Program {
        Program {
            runtime,
            files,
            main: main.into(),
            args: Vec::new(),
            stdin: Vec::new(),
            compile_limits: Limits::for_compile(runtime),
            run_limits: Limits::for_run(runtime),
        }
    }
}

/// How each stage ended. `run` is `None` when compiling failed.
#[derive(Debug, Clone)]
pub struct ProgramOutcome {
    /// Only for compiled runtimes (C++, Java).
    pub compile: Option<Outcome>,
    pub run: Option<Outcome>,
}

/// The compile command of `program`, if its runtime compiles.
pub fn compile_argv(program: &Program) -> Option<Vec<String>> {
    let sources = |ext: &[&str]| -> Vec<String> {
        program
            .files
            .iter()
            .map(|f| f.path.clone())
            .filter(|p| ext.iter().any(|e| p.ends_with(e)))
            .collect()
    };
    let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    match program.runtime {
        Runtime::Python | Runtime::Node => None,
        Runtime::Cxx => {
            let mut argv = words(&["g++", "-std=c++17", "-O2", "-pipe", "-o", "main"]);
            argv.extend(sources(&[".cpp", ".cc", ".cxx"]));
            Some(argv)
        }
        Runtime::Java => {
            let mut argv = words(&["javac", "-encoding", "UTF-8", "-d", "."]);
            argv.extend(sources(&[".java"]));
            Some(argv)
        }
    }
}

/// The run command of `program`.
pub fn run_argv(program: &Program) -> Vec<String> {
    let mut argv: Vec<String> = match program.runtime {
        Runtime::Python => vec!["python3".into(), program.main.clone()],
        Runtime::Node => vec!["node".into(), program.main.clone()],
        Runtime::Cxx => vec!["./main".into()],
        Runtime::Java => {
            let class = program.main.trim_end_matches(".java").replace('/', ".");
            vec!["java".into(), "-cp".into(), ".".into(), class]
        }
    };
    argv.extend(program.args.iter().cloned());
    argv
}

/// Two steps in one local workspace.
pub async fn run_locally(
    sandbox: &Sandbox,
    program: Program,
) -> Result<ProgramOutcome, SandboxError> {
    let workspace = sandbox
        .prepare(program.runtime, program.files.clone())
        .await?;
    let compile = match compile_argv(&program) {
        Some(argv) => Some(
            workspace
                .run(Step {
                    argv,
                    stdin: Vec::new(),
                    limits: program.compile_limits.clone(),
                })
                .await?,
        ),
        None => None,
    };
    if compile
        .as_ref()
        .is_some_and(|c| c.status != Status::Exited(0))
    {
        return Ok(ProgramOutcome { compile, run: None });
    }
    let run = workspace
        .run(Step {
            argv: run_argv(&program),
            stdin: program.stdin.clone(),
            limits: program.run_limits.clone(),
        })
        .await?;
    Ok(ProgramOutcome {
        compile,
        run: Some(run),
    })
}
