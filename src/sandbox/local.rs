//! The backends that run code on this machine: bubblewrap namespaces or, where user
//! namespaces are not allowed, Landlock. Both share the workspace (a host directory,
//! see below), the seccomp filters, the rlimits, the user id per workspace and the
//! supervisor; they differ in how the process is confined (`bwrap`, `landlocked`).
//!
//! The workspace is a directory under the scratch directory on the host, bound at
//! `/work` inside: the compile step's output must survive to the run step, which a
//! tmpfs private to one bubblewrap process would not. Its size is bounded per file by
//! RLIMIT_FSIZE and in all by a check after each step (`OutputLimit` past
//! `file_size_bytes`). It must never run a step without the filters and limits.

use super::confine::{self, Filters, Uids};
use super::runtimes::{self, RuntimeFiles};
use super::supervise::{self, Launcher, Teardown};
use super::unconfined;
use super::{File, Isolation, Outcome, Runtime, SandboxError, Status, Step};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Which confinement runs the process.
#[derive(Debug, Clone)]
pub enum Mode {
    /// bubblewrap at this path.
    Namespaces { bwrap: PathBuf },
    /// Landlock + seccomp + rlimits, no namespaces.
    Landlock,
}

impl Mode {
    pub fn namespaces(bwrap: Option<PathBuf>) -> Result<Mode, SandboxError> {
        let bwrap = bwrap.or_else(find_bwrap).ok_or_else(|| {
            SandboxError::Unavailable(
                "bubblewrap (`bwrap`) is not installed (Debian: apt-get install bubblewrap)".into(),
            )
        })?;
        Ok(Mode::Namespaces { bwrap })
    }
}

pub fn find_bwrap() -> Option<PathBuf> {
    runtimes::SYSTEM_PATH
        .split(':')
        .map(|dir| Path::new(dir).join("bwrap"))
        .find(|p| p.is_file())
}

/// A local backend: its mode, where workspaces go, what each runtime needs, and the
/// filters compiled once.
#[derive(Debug)]
pub struct Local {
    pub(super) mode: Mode,
    scratch: PathBuf,
    runtimes: HashMap<Runtime, Arc<RuntimeFiles>>,
    pub(super) filters: Filters,
    uids: Uids,
    /// The service runs as root: each workspace gets a user id of its own.
    root: bool,
}

impl Local {
    pub fn new(scratch: PathBuf, mode: Mode) -> Result<Local, SandboxError> {
        let filters = Filters::compile().map_err(|e| {
            SandboxError::Unavailable(format!("cannot build the seccomp filter: {e}"))
        })?;
        if matches!(mode, Mode::Landlock) && !confine::landlock_available() {
            return Err(SandboxError::Unavailable(
                "this kernel has no Landlock (CONFIG_SECURITY_LANDLOCK, lsm=landlock)".into(),
            ));
        }
        let runtimes = Runtime::ALL
            .into_iter()
            .filter_map(|r| runtimes::discover(r).map(|files| (r, Arc::new(files))))
            .collect();
        Ok(Local {
            mode,
            scratch,
            runtimes,
            filters,
            uids: Uids::default(),
            root: confine::is_root(),
        })
    }

    /// The shared directory: read-only in every run, at its host path.
    pub fn shared_dir(&self) -> PathBuf {
        super::shared::dir(&self.scratch)
    }

    pub fn isolation(&self) -> Isolation {
        match self.mode {
            Mode::Namespaces { .. } => Isolation::Namespaces,
            Mode::Landlock => Isolation::LandlockSeccomp,
        }
    }

    /// Runtimes found on this machine.
    pub fn installed(&self) -> Vec<Runtime> {
        Runtime::ALL
            .into_iter()
            .filter(|r| self.runtimes.contains_key(r))
            .collect()
    }

    pub async fn workspace(
        self: Arc<Self>,
        runtime: Runtime,
        files: &[File],
    ) -> Result<LocalDir, SandboxError> {
        let runtime_files = self
            .runtimes
            .get(&runtime)
            .cloned()
            .ok_or(SandboxError::MissingRuntime(runtime))?;
        let dir = unconfined::workspace(&self.scratch, files).await?;
        let uid = if self.root {
            let uid = self.uids.take().ok_or_else(|| {
                SandboxError::Workspace(std::io::Error::other("no free sandbox user id"))
            })?;
            let owned = std::os::unix::fs::chown(dir.path(), Some(uid), Some(uid));
            if let Err(e) = owned {
                self.uids.give_back(uid);
                return Err(SandboxError::Workspace(e));
            }
            Some(uid)
        } else {
            None
        };
        Ok(LocalDir {
            local: self,
            runtime: runtime_files,
            dir,
            uid,
        })
    }
}

/// A workspace of a local backend; its user id goes back to the pool when dropped.
#[derive(Debug)]
pub struct LocalDir {
    local: Arc<Local>,
    runtime: Arc<RuntimeFiles>,
    dir: unconfined::Dir,
    uid: Option<u32>,
}

impl Drop for LocalDir {
    fn drop(&mut self) {
        if let Some(uid) = self.uid {
            self.local.uids.give_back(uid);
        }
    }
}

impl LocalDir {
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn uid(&self) -> Option<u32> {
        self.uid
    }

    pub fn filters(&self) -> &Filters {
        &self.local.filters
    }

    pub fn runtime_files(&self) -> &RuntimeFiles {
        &self.runtime
    }

    pub fn shared_dir(&self) -> PathBuf {
        self.local.shared_dir()
    }

    /// RLIMIT_NPROC for a step: the run's processes, plus its reaper and bubblewrap's
    /// two, plus (for a non-root service, whose runs share its user) the service's own
    /// threads.
    pub fn nproc(&self, processes: u64) -> u64 {
        match self.uid {
            Some(_) => processes + 3,
            None => processes + 3 + confine::own_threads(),
        }
    }

    pub async fn run(&self, step: Step) -> Result<Outcome, SandboxError> {
        if step.argv.is_empty() {
            return Err(SandboxError::Spawn(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "empty argv",
            )));
        }
        let limits = step.limits.clone();
        let launch = match &self.local.mode {
            Mode::Namespaces { bwrap } => super::bwrap::command(self, bwrap, &step)?,
            Mode::Landlock => super::landlocked::command(self, &step)?,
        };
        let teardown = match (launch.status_fd, self.uid) {
            (Some(fd), _) => Teardown::Bwrap(fd),
            (None, Some(uid)) => Teardown::User(uid),
            (None, None) => Teardown::Group,
        };
        let mut outcome = supervise::supervise(
            launch.command,
            step.stdin,
            &limits,
            teardown,
            launch.passed,
            launch.launcher,
        )
        .await?;
        if let Some(uid) = self.uid.filter(|_| launch.launcher == Launcher::Bwrap) {
            // bubblewrap ran as this user on the host: anything left of it goes too.
            tokio::task::spawn_blocking(move || {
                if confine::any_process_of(uid) {
                    confine::kill_all_of(uid)
                }
            })
            .await
            .ok();
        }
        if workspace_bytes(self.path(), 0) > limits.file_size_bytes {
            outcome.status = Status::OutputLimit;
        }
        Ok(outcome)
    }
}

/// A process ready to start, with what it inherits.
pub struct Launch {
    pub command: std::process::Command,
    /// The parent's copies of descriptors the child inherits.
    pub passed: Vec<std::os::fd::OwnedFd>,
    /// bubblewrap's status pipe (read end), when bubblewrap launches.
    pub status_fd: Option<std::os::fd::OwnedFd>,
    pub launcher: Launcher,
}

/// Bytes of the regular files under `dir` (symlinks not followed); a tree deeper than
/// any program needs counts as over every limit.
fn workspace_bytes(dir: &Path, depth: usize) -> u64 {
    if depth > 16 {
        return u64::MAX;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.file_type() {
            Ok(t) if t.is_dir() => workspace_bytes(&entry.path(), depth + 1),
            Ok(t) if t.is_file() => entry.metadata().map(|m| m.len()).unwrap_or(0),
            _ => 0,
        })
        .fold(0u64, u64::saturating_add)
}
