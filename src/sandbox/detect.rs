//! Picking the backend at start from `SANDBOX` (auto, bwrap, landlock, piston, none):
//! auto tries bubblewrap with a user namespace once, then Landlock, and otherwise
//! refuses every run. The notes it returns are logged by the service at start.
//!
//! It must never pick no isolation unless the operator asked for `none`.

use super::confine::{self, ChildSetup};
use super::local::find_bwrap;
use super::{Limits, Sandbox, SandboxError};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;

/// The operator's `SANDBOX` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requested {
    Auto,
    Bwrap,
    Landlock,
    Piston,
    None,
}

impl FromStr for Requested {
    type Err = String;
    fn from_str(s: &str) -> Result<Requested, String> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Ok(Requested::Auto),
            "bwrap" | "bubblewrap" | "namespaces" => Ok(Requested::Bwrap),
            "landlock" => Ok(Requested::Landlock),
            "piston" => Ok(Requested::Piston),
            "none" => Ok(Requested::None),
            other => Err(format!(
                "unknown sandbox {other:?}: use auto, bwrap, landlock, piston or none"
            )),
        }
    }
}

/// The sandbox chosen, and what to tell the operator about it.
#[derive(Debug)]
pub struct Choice {
    pub sandbox: Sandbox,
    /// Warnings to log at start (a weaker isolation than asked, or none at all).
    pub warnings: Vec<String>,
}

/// Builds the sandbox the operator asked for. An explicit choice that cannot work is an
/// error; `auto` degrades (namespaces, then Landlock, then refusing every run) and says
/// why in `warnings`.
pub async fn choose(
    requested: Requested,
    scratch: PathBuf,
    piston_url: Option<&str>,
) -> Result<Choice, SandboxError> {
    let plain = |sandbox| Choice {
        sandbox,
        warnings: Vec::new(),
    };
    match requested {
        Requested::None => Ok(Choice {
            sandbox: Sandbox::unconfined(scratch),
            warnings: vec![
                "SANDBOX=none: candidate code runs UNCONFINED (it can read this machine's files and use its network)".into(),
            ],
        }),
        Requested::Piston => {
            let url = piston_url.ok_or_else(|| {
                SandboxError::Unavailable("SANDBOX=piston needs PISTON_URL".into())
            })?;
            Sandbox::piston(url).map(plain)
        }
        Requested::Bwrap => {
            let bwrap = find_bwrap();
            namespaces_work(bwrap.as_deref()).await.map_err(SandboxError::Unavailable)?;
            Sandbox::namespaces(scratch, bwrap).map(plain)
        }
        Requested::Landlock => Sandbox::landlocked(scratch).map(plain),
        Requested::Auto => {
            let bwrap = find_bwrap();
            let why_not = match namespaces_work(bwrap.as_deref()).await {
                Ok(()) => return Sandbox::namespaces(scratch, bwrap).map(plain),
                Err(why) => why,
            };
            match Sandbox::landlocked(scratch) {
                Ok(sandbox) => Ok(Choice {
                    sandbox,
                    warnings: vec![format!(
                        "user namespaces are not available ({why_not}); running code with Landlock + seccomp + rlimits instead (no PID or network namespace)"
                    )],
                }),
                Err(landlock) => {
                    let reason = format!(
                        "no sandbox works here: {why_not}; and {landlock}. Install bubblewrap and allow user namespaces, or set SANDBOX=piston, or SANDBOX=none to run code unconfined"
                    );
                    Ok(Choice {
                        sandbox: Sandbox::unavailable(reason.clone()),
                        warnings: vec![reason],
                    })
                }
            }
        }
    }
}

/// Runs `bwrap` once with a new user namespace (as the user runs will use), and says
/// why that fails, if it does.
async fn namespaces_work(bwrap: Option<&Path>) -> Result<(), String> {
    let bwrap = bwrap
        .ok_or("bubblewrap (`bwrap`) is not installed")?
        .to_path_buf();
    let probe = tokio::task::spawn_blocking(move || {
        let mut command = Command::new(bwrap);
        command
            .args([
                "--unshare-all",
                "--unshare-user",
                "--die-with-parent",
                "--ro-bind",
                "/",
                "/",
                "--",
                "/bin/true",
            ])
            .env_clear()
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if confine::is_root() {
            // Runs use a user id of their own; probe as such a user.
            let uids = confine::Uids::default();
            if let Some(uid) = uids.take() {
                command.uid(uid).gid(uid);
            }
        }
        let setup = ChildSetup::new(&Limits::default(), 64);
        // SAFETY: `in_child` only makes system calls.
        unsafe {
            command.pre_exec(move || setup.in_child());
        }
        command.output()
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| format!("cannot run bwrap: {e}"))?;
    if probe.status.success() {
        Ok(())
    } else {
        Err(format!(
            "bwrap cannot create a user namespace: {}",
            String::from_utf8_lossy(&probe.stderr).trim()
        ))
    }
}
