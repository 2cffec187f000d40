//! The sandbox: runs a hostile program (the candidate's code inside a harness, or a
//! compiler working on it) and reports how it ended. A run gets a fresh workspace, an
//! empty environment, limits on CPU, memory, processes, file size, open files, output and
//! wall-clock time, and everything it starts is killed at the end, so nothing outlives it.
//!
//! This module knows programs, files and limits, never problems, verdicts or interviews:
//! the judge (`crate::judge`) turns those into runs. It must never run anything outside
//! the isolation the operator chose, never pass the service's environment on, and never
//! block the async runtime while a run goes on.
//!
//! Backends ([`Isolation`] names them): user, mount, PID, IPC, UTS and network namespaces
//! through bubblewrap plus seccomp (`bwrap`); Landlock plus seccomp where namespaces are
//! not allowed (`landlocked`); a self-hosted Piston (`piston`); and no isolation at all
//! (`unconfined`, only with `SANDBOX=none`). [`detect`] picks one at start; [`Pool`]
//! bounds how many run at once.

mod bwrap;
mod confine;
mod detect;
mod landlocked;
mod limits;
mod local;
mod piston;
mod pool;
mod program;
mod reaper;
mod runtimes;
mod shared;
mod supervise;
mod unconfined;

pub use detect::{Choice, Requested, choose};
pub use pool::{Pool, PoolSettings, Ticket, Waiting};
pub use program::{Program, ProgramOutcome};

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// What a run may use. A limit the backend cannot enforce is reported by
/// [`Isolation`], never silently dropped. [`Limits::for_run`] and
/// [`Limits::for_compile`] give each runtime's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// CPU seconds (RLIMIT_CPU, rounded up to whole seconds).
    pub cpu: Duration,
    /// Wall-clock time from start to kill.
    pub wall: Duration,
    /// Address space in bytes (RLIMIT_AS). JVMs need this large; see `heap_bytes`.
    pub memory_bytes: u64,
    /// Processes and threads the run may have (RLIMIT_NPROC, counted per run: each
    /// workspace runs under a user id of its own).
    pub processes: u64,
    /// Largest file the run may write, in bytes (RLIMIT_FSIZE); also the most the
    /// workspace may hold in all after a step.
    pub file_size_bytes: u64,
    /// Open file descriptors (RLIMIT_NOFILE).
    pub open_files: u64,
    /// Bytes kept of stdout and of stderr each; more ends the run with `OutputLimit`.
    pub output_bytes: usize,
    /// The managed heap of a JVM (`-Xmx`) or of node (`--max-old-space-size`), which the
    /// local backends add after `java` / `node` in a step's argv. `None`: the runtime's
    /// own default (bounded only by `memory_bytes`).
    pub heap_bytes: Option<u64>,
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
            heap_bytes: None,
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

impl Runtime {
    pub const ALL: [Runtime; 4] = [Runtime::Python, Runtime::Node, Runtime::Java, Runtime::Cxx];

    pub fn as_str(&self) -> &'static str {
        match self {
            Runtime::Python => "python",
            Runtime::Node => "node",
            Runtime::Java => "java",
            Runtime::Cxx => "c++",
        }
    }
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
    /// Over its memory (allocation failed, a thread could not be created, or the kernel
    /// killed it).
    MemoryLimit,
    /// Wrote more than `output_bytes` on stdout or stderr, or a file (or a workspace)
    /// larger than `file_size_bytes`.
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
    /// Peak resident memory of the run's largest process, when the backend can tell.
    pub peak_memory_bytes: Option<u64>,
}

/// How strongly runs are isolated; logged at start and recorded with every run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Isolation {
    /// `SANDBOX=none`: no isolation at all, chosen explicitly by the operator.
    None,
    /// bubblewrap: new user, mount, PID, IPC, UTS and network namespaces, a read-only
    /// view of the runtime only, seccomp, rlimits.
    Namespaces,
    /// No user namespaces here: Landlock (runtime read-only, workspace read-write, no
    /// TCP), seccomp (no sockets but Unix ones), rlimits, a user id per workspace.
    LandlockSeccomp,
    /// Runs go to a self-hosted Piston (`PISTON_URL`), which isolates them.
    Piston,
    /// Nothing safe is available: every run is refused (see the start-up warning).
    Unavailable,
}

impl Isolation {
    /// The name recorded in events and shown to members.
    pub fn as_str(&self) -> &'static str {
        match self {
            Isolation::None => "none",
            Isolation::Namespaces => "namespaces",
            Isolation::LandlockSeccomp => "landlock+seccomp",
            Isolation::Piston => "piston",
            Isolation::Unavailable => "unavailable",
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
    /// No isolation is available (no user namespaces, no Landlock) and `SANDBOX=none`
    /// was not chosen; the reason says what is missing.
    #[error("code cannot run here: {0}")]
    Unavailable(String),
    /// The backend cannot do this (a Piston workspace runs whole programs only).
    #[error("the {backend} sandbox cannot {what}")]
    Unsupported {
        backend: &'static str,
        what: &'static str,
    },
    #[error("the Piston server failed: {0}")]
    Piston(String),
    /// The service is shutting down: no new run starts.
    #[error("the service is shutting down; no new runs start")]
    Draining,
    /// The queue is full (`SANDBOX_QUEUE_MAX`).
    #[error("too many runs are waiting ({0} queued); try again shortly")]
    QueueFull(usize),
    /// The member asked for runs faster than the per-member rate allows.
    #[error("too many runs; try again in {} s", .retry_after.as_secs().max(1))]
    RateLimited { retry_after: Duration },
}

/// Where runs happen.
#[derive(Debug, Clone)]
pub enum Backend {
    /// Runs as a plain child process: an empty environment, rlimits, a process group
    /// killed at the end, but the machine's files and network are visible. Only with
    /// `SANDBOX=none`.
    Unconfined { scratch: PathBuf },
    /// bubblewrap or Landlock, on this machine.
    Local(Arc<local::Local>),
    /// A Piston server.
    Piston(Arc<piston::Piston>),
    /// Every run is refused with this reason.
    Unavailable(String),
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

    /// Namespaces through bubblewrap (`bwrap` on PATH or at the given path).
    pub fn namespaces(scratch: PathBuf, bwrap: Option<PathBuf>) -> Result<Sandbox, SandboxError> {
        let local = local::Local::new(scratch, local::Mode::namespaces(bwrap)?)?;
        Ok(Sandbox {
            backend: Backend::Local(Arc::new(local)),
        })
    }

    /// Landlock + seccomp + rlimits, for machines without user namespaces.
    pub fn landlocked(scratch: PathBuf) -> Result<Sandbox, SandboxError> {
        let local = local::Local::new(scratch, local::Mode::Landlock)?;
        Ok(Sandbox {
            backend: Backend::Local(Arc::new(local)),
        })
    }

    /// Runs go to the Piston server at `url` (`http://host:2000`, without `/api/v2`).
    pub fn piston(url: &str) -> Result<Sandbox, SandboxError> {
        Sandbox::piston_with_slack(url, Duration::from_secs(15))
    }

    /// Piston, allowing `slack` for the HTTP exchange beyond the program's own limits
    /// before a request counts as failed.
    pub fn piston_with_slack(url: &str, slack: Duration) -> Result<Sandbox, SandboxError> {
        Ok(Sandbox {
            backend: Backend::Piston(Arc::new(piston::Piston::new(url, slack)?)),
        })
    }

    /// A sandbox that refuses every run with `reason`.
    pub fn unavailable(reason: impl Into<String>) -> Sandbox {
        Sandbox {
            backend: Backend::Unavailable(reason.into()),
        }
    }

    /// The directory every local run can read (never write), at the same path inside
    /// as on the host: files the service makes once for all runs ([`Workspace::share`]).
    /// `None` for Piston and for a sandbox that refuses every run.
    pub fn shared_dir(&self) -> Option<PathBuf> {
        match &self.backend {
            Backend::Unconfined { scratch } => Some(shared::dir(scratch)),
            Backend::Local(local) => Some(local.shared_dir()),
            Backend::Piston(_) | Backend::Unavailable(_) => None,
        }
    }

    pub fn isolation(&self) -> Isolation {
        match &self.backend {
            Backend::Unconfined { .. } => Isolation::None,
            Backend::Local(local) => local.isolation(),
            Backend::Piston(_) => Isolation::Piston,
            Backend::Unavailable(_) => Isolation::Unavailable,
        }
    }

    /// A fresh workspace holding `files`, for one or more steps of `runtime`. It is
    /// removed when dropped. (Piston has no workspaces: use [`Sandbox::run_program`].)
    pub async fn prepare(
        &self,
        runtime: Runtime,
        files: Vec<File>,
    ) -> Result<Workspace, SandboxError> {
        let inner = match &self.backend {
            Backend::Unconfined { scratch } => {
                WorkspaceInner::Unconfined(unconfined::workspace(scratch, &files).await?)
            }
            Backend::Local(local) => {
                WorkspaceInner::Local(local.clone().workspace(runtime, &files).await?)
            }
            Backend::Piston(_) => {
                return Err(SandboxError::Unsupported {
                    backend: "piston",
                    what: "run single steps (use run_program)",
                });
            }
            Backend::Unavailable(reason) => return Err(SandboxError::Unavailable(reason.clone())),
        };
        let shared = self.shared_dir().unwrap_or_default();
        Ok(Workspace {
            runtime,
            inner,
            shared,
        })
    }

    /// Compiles (when the runtime needs it) and runs a whole program, on any backend:
    /// the portable path, and the only one Piston offers.
    pub async fn run_program(&self, program: Program) -> Result<ProgramOutcome, SandboxError> {
        match &self.backend {
            Backend::Piston(piston) => piston.run_program(program).await,
            _ => program::run_locally(self, program).await,
        }
    }
}

/// The files of one judge run, and the steps run on them.
#[derive(Debug)]
pub struct Workspace {
    runtime: Runtime,
    inner: WorkspaceInner,
    /// The sandbox's shared directory.
    shared: PathBuf,
}

#[derive(Debug)]
enum WorkspaceInner {
    Unconfined(unconfined::Dir),
    Local(local::LocalDir),
}

impl Workspace {
    pub fn runtime(&self) -> Runtime {
        self.runtime
    }

    /// Copies the file `from` (a name in this workspace, made by a step) to `to` in the
    /// sandbox's shared directory, where every later run can read it; returns its path.
    /// Only for files of the service's own making: never share a workspace a
    /// candidate's code ran in.
    pub async fn share(&self, from: &str, to: &str) -> Result<PathBuf, SandboxError> {
        let workspace = match &self.inner {
            WorkspaceInner::Unconfined(dir) => dir.path().to_path_buf(),
            WorkspaceInner::Local(dir) => dir.path().to_path_buf(),
        };
        let (from, to, shared) = (from.to_string(), to.to_string(), self.shared.clone());
        tokio::task::spawn_blocking(move || shared::copy_in(&workspace, &from, &shared, &to))
            .await
            .map_err(|e| SandboxError::Workspace(std::io::Error::other(e)))?
    }

    /// Runs one step to its end (or its limits) and reports how it ended.
    pub async fn run(&self, step: Step) -> Result<Outcome, SandboxError> {
        match &self.inner {
            WorkspaceInner::Unconfined(dir) => unconfined::run(dir, step).await,
            WorkspaceInner::Local(dir) => dir.run(step).await,
        }
    }
}
