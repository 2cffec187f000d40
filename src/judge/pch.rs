//! The C++ precompiled header: `<bits/stdc++.h>` (which every C++ harness includes)
//! compiled once with the harness's own flags, which cuts a compile from about 1.8 s to
//! about 0.6 s on the development VM (BENCHMARKS.md). The judge builds it at its first
//! C++ run, in a sandbox workspace of its own (the compiler on the system header, no
//! candidate code), and puts it in the sandbox's shared directory, which every run reads
//! read-only; every C++ compile then has that directory first on its include path.
//!
//! A missing or stale header (a failed build, another g++ since) is never an error: g++
//! skips a header it cannot use and reads `<bits/stdc++.h>` itself. Nothing here may
//! share a file from a workspace a candidate's code ran in.

use super::harness::compile_limits;
use super::harness::cpp::{FLAGS, PCH_FILE};
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
    match try_build(sandbox).await {
        Ok(()) => Some(shared.join(DIR)),
        Err(why) => {
            tracing::warn!("no C++ precompiled header, compiles read <bits/stdc++.h>: {why}");
            None
        }
    }
}

async fn try_build(sandbox: &Sandbox) -> Result<(), String> {
    let workspace = sandbox
        .prepare(
            Runtime::Cxx,
            vec![File {
                path: "pch.h".into(),
                contents: b"#include <bits/stdc++.h>\n".to_vec(),
            }],
        )
        .await
        .map_err(|e| e.to_string())?;
    let mut argv = vec!["g++".to_string()];
    argv.extend(FLAGS.iter().map(|f| f.to_string()));
    argv.extend(["-x", "c++-header", "pch.h", "-o", "pch.gch"].map(String::from));
    let limits = Limits {
        file_size_bytes: HEADER_BYTES,
        ..compile_limits(Runtime::Cxx)
    };
    let outcome = workspace
        .run(Step {
            argv,
            stdin: Vec::new(),
            limits,
        })
        .await
        .map_err(|e| e.to_string())?;
    if outcome.status != Status::Exited(0) {
        return Err(format!(
            "g++ ended with {:?}: {}",
            outcome.status,
            String::from_utf8_lossy(&outcome.stderr)
        ));
    }
    workspace
        .share("pch.gch", &format!("{DIR}/{PCH_FILE}"))
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}
