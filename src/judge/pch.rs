//! What every C++ compile of the judge can reuse, built once: the precompiled
//! `<bits/stdc++.h>` (which every C++ harness includes) compiled with the harness's own
//! flags, which cuts a compile from about 1.8 s to about 0.6 s on the development VM, and
//! the harness's common part (`harness_core.cpp`: JSON, protocol, `main`) as an object
//! file, which each run links instead of compiling (BENCHMARKS.md). The judge builds both
//! at its first C++ run, in a sandbox workspace of its own (the compiler on the system
//! header and the harness, no candidate code), and puts them in the sandbox's shared
//! directory, which every run reads read-only; every C++ compile then has that directory
//! first on its include path and links the object from there.
//!
//! A missing or stale header (a failed build, another g++ since) is never an error: g++
//! skips a header it cannot use and reads `<bits/stdc++.h>` itself; without the object
//! a run compiles the common part itself. Nothing here may share a file from a
//! workspace a candidate's code ran in.

use super::harness::compile_limits;
use super::harness::cpp::{CORE_OBJECT, FLAGS, PCH_FILE, core_source};
use crate::sandbox::{File, Limits, Runtime, Sandbox, Status, Step};
use std::path::PathBuf;

/// Where in the shared directory the header goes (the directory put on the include path).
const DIR: &str = "cpp-pch";

/// The header is ~100 MiB; a compile's own file size limit is smaller.
const HEADER_BYTES: u64 = 512 * 1024 * 1024;

/// Builds the header and shares it; returns the directory to put on the include path,
/// or `None` (C++ compiles then read the header themselves) when the sandbox has no
/// shared directory or the build failed (logged).
pub async fn build(sandbox: &Sandbox) -> Option<PathBuf> {
    let shared = sandbox.shared_dir()?;
    let dir = shared.join(DIR);
    match try_build(sandbox, &dir).await {
        Ok(()) => Some(dir),
        Err(why) => {
            tracing::warn!("no C++ precompiled header, compiles read <bits/stdc++.h>: {why}");
            None
        }
    }
}

async fn try_build(sandbox: &Sandbox, dir: &std::path::Path) -> Result<(), String> {
    let workspace = sandbox
        .prepare(
            Runtime::Cxx,
            vec![
                File {
                    path: "pch.h".into(),
                    contents: b"#include <bits/stdc++.h>\n".to_vec(),
                },
                File {
                    path: "harness_core.cpp".into(),
                    contents: core_source().into_bytes(),
                },
            ],
        )
        .await
        .map_err(|e| e.to_string())?;
    let compile = |args: &[&str]| {
        let mut argv = vec!["g++".to_string()];
        argv.extend(FLAGS.iter().map(|f| f.to_string()));
        argv.extend(args.iter().map(|a| a.to_string()));
        Step {
            argv,
            stdin: Vec::new(),
            limits: Limits {
                file_size_bytes: HEADER_BYTES,
                ..compile_limits(Runtime::Cxx)
            },
        }
    };
    let header = workspace
        .run(compile(&["-x", "c++-header", "pch.h", "-o", "pch.gch"]))
        .await
        .map_err(|e| e.to_string())?;
    ended_well("the header", &header)?;
    workspace
        .share("pch.gch", &format!("{DIR}/{PCH_FILE}"))
        .await
        .map_err(|e| e.to_string())?;
    // The common part, with the header just shared (a run's compile then only links it).
    let include = format!("-I{}", dir.display());
    let core = workspace
        .run(compile(&[
            &include,
            "-c",
            "harness_core.cpp",
            "-o",
            CORE_OBJECT,
        ]))
        .await
        .map_err(|e| e.to_string())?;
    if let Err(why) = ended_well("the harness's common part", &core) {
        tracing::warn!("C++ runs compile the harness's common part themselves: {why}");
        return Ok(());
    }
    workspace
        .share(CORE_OBJECT, &format!("{DIR}/{CORE_OBJECT}"))
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// `Ok` when the compile of `what` exited 0, else why not.
fn ended_well(what: &str, outcome: &crate::sandbox::Outcome) -> Result<(), String> {
    if outcome.status == Status::Exited(0) {
        return Ok(());
    }
    Err(format!(
        "g++ on {what} ended with {:?}: {}",
        outcome.status,
        String::from_utf8_lossy(&outcome.stderr)
    ))
}
