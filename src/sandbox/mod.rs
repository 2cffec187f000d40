//! The sandbox: runs a hostile program (the candidate's code inside a harness, or a
//! compiler working on it) and reports how it ended. A run gets a fresh workspace, an
//! empty environment, limits on CPU, memory, processes, file size, open files, output and
//! wall-clock time, and its whole process group is killed at the end, so nothing it
//! starts outlives it.
//!
//! This module knows programs, files and limits, never problems, verdicts or interviews:
//! the judge (`crate::judge`) turns those into runs. It must never run anything outside
//! the isolation the operator chose, never pass the service's environment on, and never
//! block the async runtime while a run goes on.
//!
//! Backends: [`Backend::Unconfined`] (only with `SANDBOX=none`, and every run says so),
//! the local namespace sandbox and Piston come in `local` and `piston`.

mod unconfined;

use std::path::PathBuf;
use std::time::Duration;

/// What a run may use. A limit the backend cannot enforce is reported by
/// [`Isolation`], never silently dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// CPU seconds (RLIMIT_CPU, rounded up to whole seconds).
    pub cpu: Duration,
    /// Wall-clock time from start to kill.
    pub wall: Duration,
    /// Address space in bytes (RLIMIT_AS). JVMs need this large; see `heap_bytes`.
    pub memory_bytes: u64,
    /// Processes and threads the run's user may have (RLIMIT_NPROC).
    pub processes: u64,
    /// Largest file the run may write, in bytes (RLIMIT_FSIZE).
    pub file_size_bytes: u64,
    /// Open file descriptors (RLIMIT_NOFILE).
    pub open_files: u64,
    /// Bytes kept of stdout and of stderr each; more ends the run with `OutputLimit`.
    pub output_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            cpu: Duration::from_secs(5),
            wall: Duration::from_secs(10),
            memory_bytes: 512 * 1024 * 1024,
            processes: 64,
            file_size_bytes: 16 * 1024 * 1024,
            open_files: 64,
            output_bytes: 64 * 1024,
        }
    }
}

/// The language runtime a run needs: the backend exposes (read-only) only the
/// directories that runtime lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Runtime {
    Python,
    Node,
    Java,
    Cxx,
}

/// A file placed in the workspace before a run, at a path relative to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub contents: Vec<u8>,
}

/// One run inside a workspace: argv (argv[0] is looked up on the runtime's PATH), its
/// stdin and its limits. A compiler and then the compiled program are two steps in one
/// workspace.
#[derive(Debug, Clone)]
pub struct Step {
    pub argv: Vec<String>,
    pub stdin: Vec<u8>,
    pub limits: Limits,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The program exited by itself with this code.
    Exited(i32),
    /// Killed by this signal (not one of ours).
    Signalled(i32),
    /// Over its CPU seconds.
    CpuLimit,
    /// Over its wall-clock time.
    WallLimit,
    /// Over its memory (allocation failed or the kernel killed it).
    MemoryLimit,
    /// Wrote more than `output_bytes` on stdout or stderr.
    OutputLimit,
}

/// What a run produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: Status,
    /// At most `output_bytes`.
    pub stdout: Vec<u8>,
    /// At most `output_bytes`.
    pub stderr: Vec<u8>,
    pub wall: Duration,
    /// Peak resident memory of the run's processes, when the backend can tell.
    pub peak_memory_bytes: Option<u64>,
}

/// How strongly runs are isolated; logged at start and recorded with every run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Isolation {
    /// `SANDBOX=none`: no isolation at all, chosen explicitly by the operator.
    None,
}

impl Isolation {
    /// The name recorded in events and shown to members.
    pub fn as_str(&self) -> &'static str {
        match self {
            Isolation::None => "none",
        }
    }
}

/// Why a run could not be attempted at all (a program that fails is an [`Outcome`]).
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("could not prepare the run's workspace: {0}")]
    Workspace(#[source] std::io::Error),
    #[error("could not start the sandboxed program: {0}")]
    Spawn(#[source] std::io::Error),
    #[error("the runtime for {0:?} is not installed on this machine")]
    MissingRuntime(Runtime),
}

/// Where runs happen.
#[derive(Debug, Clone)]
pub enum Backend {
    /// Runs as a plain child process: an empty environment, rlimits, a process group
    /// killed at the end, but the machine's files and network are visible. Only with
    /// `SANDBOX=none`.
    Unconfined { scratch: PathBuf },
}

/// The sandbox the service runs code in.
#[derive(Debug, Clone)]
pub struct Sandbox {
    backend: Backend,
}

impl Sandbox {
    /// Unconfined runs, for an operator who set `SANDBOX=none`.
    pub fn unconfined(scratch: PathBuf) -> Sandbox {
        Sandbox {
            backend: Backend::Unconfined { scratch },
        }
    }

    pub fn isolation(&self) -> Isolation {
        match self.backend {
            Backend::Unconfined { .. } => Isolation::None,
        }
    }

    /// A fresh workspace holding `files`, for one or more steps of `runtime`. It is
    /// removed when dropped.
    pub async fn prepare(
        &self,
        runtime: Runtime,
        files: Vec<File>,
    ) -> Result<Workspace, SandboxError> {
        match &self.backend {
            Backend::Unconfined { scratch } => {
                let dir = unconfined::workspace(scratch, &files).await?;
                Ok(Workspace {
                    runtime,
                    inner: WorkspaceInner::Unconfined(dir),
                })
            }
        }
    }
}

/// The files of one judge run, and the steps run on them.
#[derive(Debug)]
pub struct Workspace {
    runtime: Runtime,
    inner: WorkspaceInner,
}

#[derive(Debug)]
enum WorkspaceInner {
    Unconfined(unconfined::Dir),
}

impl Workspace {
    pub fn runtime(&self) -> Runtime {
        self.runtime
    }

    /// Runs one step to its end (or its limits) and reports how it ended.
    pub async fn run(&self, step: Step) -> Result<Outcome, SandboxError> {
        match &self.inner {
            WorkspaceInner::Unconfined(dir) => unconfined::run(dir, step).await,
        }
    }
}
