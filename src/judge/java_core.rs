//! The Java harness's common part (`IcMain.java`: the protocol, the JSON reader and
//! writer, the same for every problem) compiled once: javac's own start-up and the
//! harness's few hundred lines were most of a Java run's compile (BENCHMARKS.md). The
//! judge compiles it at its first Java run, in a sandbox workspace of its own (javac on
//! the harness alone, no candidate code), and puts the class files in the sandbox's
//! shared directory, which every run reads read-only; each run's compile and run then
//! have that directory on their classpath.
//!
//! With them goes a class data sharing archive of javac itself (`javac.jsa`, dumped by
//! a javac compiling the harness), so each run's javac maps the classes it loads
//! instead of loading them one by one. A missing class file is never an error: a run
//! without them compiles the common part itself; a missing or unusable archive is
//! skipped by the JVM (`-Xshare:auto`, its own default). Nothing here may share a file from a workspace a candidate's code ran in.

use super::harness::compile_limits;
use super::harness::java::{CDS_ARCHIVE, CORE_CLASSES, CORE_SOURCE, core_source, javac};
use crate::sandbox::{File, Runtime, Sandbox, Status, Step};
use std::path::PathBuf;

/// Where in the shared directory the classes go (the directory put on the classpath).
const DIR: &str = "java-core";

/// Compiles the common part and shares its classes; returns the directory to put on
/// the classpath, or `None` (runs then compile it themselves) when the sandbox has no
/// shared directory or the build failed (logged).
pub async fn build(sandbox: &Sandbox) -> Option<PathBuf> {
    let shared = sandbox.shared_dir()?;
    match try_build(sandbox).await {
        Ok(()) => Some(shared.join(DIR)),
        Err(why) => {
            tracing::warn!("Java runs compile the harness's common part themselves: {why}");
            None
        }
    }
}

async fn try_build(sandbox: &Sandbox) -> Result<(), String> {
    let workspace = sandbox
        .prepare(
            Runtime::Java,
            vec![File {
                path: CORE_SOURCE.into(),
                contents: core_source().as_bytes().to_vec(),
            }],
        )
        .await
        .map_err(|e| e.to_string())?;
    let outcome = workspace
        .run(Step {
            argv: javac(&[CORE_SOURCE]),
            stdin: Vec::new(),
            limits: compile_limits(Runtime::Java),
        })
        .await
        .map_err(|e| e.to_string())?;
    if outcome.status != Status::Exited(0) {
        return Err(format!(
            "javac ended with {:?}: {}",
            outcome.status,
            String::from_utf8_lossy(&outcome.stderr)
        ));
    }
    for class in CORE_CLASSES {
        workspace
            .share(class, &format!("{DIR}/{class}"))
            .await
            .map_err(|e| e.to_string())?;
    }
    // javac's archive: the same compile again, dumping what it loaded when it exits.
    let mut dump = javac(&[CORE_SOURCE]);
    dump.insert(1, format!("-J-XX:ArchiveClassesAtExit={CDS_ARCHIVE}"));
    let dumped = workspace
        .run(Step {
            argv: dump,
            stdin: Vec::new(),
            limits: compile_limits(Runtime::Java),
        })
        .await
        .map_err(|e| e.to_string())?;
    let shared = match dumped.status {
        Status::Exited(0) => workspace
            .share(CDS_ARCHIVE, &format!("{DIR}/{CDS_ARCHIVE}"))
            .await
            .map_err(|e| e.to_string()),
        other => Err(format!("javac ended with {other:?}")),
    };
    if let Err(why) = shared {
        tracing::warn!("javac runs without a class data sharing archive: {why}");
    }
    Ok(())
}
