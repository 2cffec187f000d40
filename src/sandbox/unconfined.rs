//! `SANDBOX=none`: a plain child process in a scratch directory, with an empty
//! environment, rlimits, and its process group killed at the end. It hides nothing of
//! the machine (files, network, other processes) and a program that leaves its process
//! group survives; the operator asked for exactly that, and every run says so.

use super::{File, Limits, Outcome, SandboxError, Status, Step};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

/// A scratch directory, removed when dropped.
#[derive(Debug)]
pub struct Dir(tempfile::TempDir);

impl Dir {
    pub(super) fn path(&self) -> &Path {
        self.0.path()
    }
}

pub async fn workspace(scratch: &Path, files: &[File]) -> Result<Dir, SandboxError> {
    tokio::fs::create_dir_all(scratch)
        .await
        .map_err(SandboxError::Workspace)?;
    let dir = tempfile::Builder::new()
        .prefix("run-")
        .tempdir_in(scratch)
        .map_err(SandboxError::Workspace)?;
    for file in files {
        let path = safe_join(dir.path(), &file.path)?;
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(SandboxError::Workspace)?;
        }
        tokio::fs::write(&path, &file.contents)
            .await
            .map_err(SandboxError::Workspace)?;
    }
    Ok(Dir(dir))
}

/// `relative` under `root`, refusing absolute paths and `..`.
fn safe_join(root: &Path, relative: &str) -> Result<PathBuf, SandboxError> {
    let rel = Path::new(relative);
    let plain = rel
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !plain {
        return Err(SandboxError::Workspace(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("workspace file {relative:?} is not a plain relative path"),
        )));
    }
    Ok(root.join(rel))
}

pub async fn run(dir: &Dir, step: Step) -> Result<Outcome, SandboxError> {
    // The same heap flags as the local backends: the limits table holds here too.
    let argv = super::limits::with_heap_flags(&step.argv, &step.limits);
    let Some((program, args)) = argv.split_first() else {
        return Err(SandboxError::Spawn(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "empty argv",
        )));
    };
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("HOME", dir.path())
        .env("LANG", "C.UTF-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    let limits = step.limits.clone();
    // SAFETY: the closure runs in the forked child before exec and only calls
    // async-signal-safe setrlimit.
    unsafe {
        command.pre_exec(move || set_rlimits(&limits));
    }
    let started = Instant::now();
    let mut child = command.spawn().map_err(SandboxError::Spawn)?;
    let pgid = child.id().map(|id| id as i32);
    let stdin = child.stdin.take();
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let cap = step.limits.output_bytes;
    let input = step.stdin;
    let feed = async move {
        if let Some(mut stdin) = stdin {
            // A program that never reads its stdin closes the pipe; that is not an error.
            let _ = stdin.write_all(&input).await;
        }
    };
    let work = async {
        let ((), out, err, status) = tokio::join!(
            feed,
            read_capped(stdout, cap),
            read_capped(stderr, cap),
            async {
                // The output readers end the run early when a cap is hit (see below).
                child.wait().await
            }
        );
        (out, err, status)
    };
    let ended = tokio::time::timeout(step.limits.wall, work).await;
    if let Some(pgid) = pgid {
        kill_group(pgid);
    }
    let wall = started.elapsed();
    let Ok(((stdout, out_over), (stderr, err_over), status)) = ended else {
        return Ok(Outcome {
            status: Status::WallLimit,
            stdout: Vec::new(),
            stderr: Vec::new(),
            wall,
            peak_memory_bytes: None,
        });
    };
    let status = status.map_err(SandboxError::Spawn)?;
    let status = if out_over || err_over {
        Status::OutputLimit
    } else if let Some(code) = status.code() {
        Status::Exited(code)
    } else {
        match status.signal() {
            Some(libc::SIGXCPU) => Status::CpuLimit,
            Some(signal) => Status::Signalled(signal),
            None => Status::Exited(-1),
        }
    };
    Ok(Outcome {
        status,
        stdout,
        stderr,
        wall,
        peak_memory_bytes: None,
    })
}

/// Reads a pipe to its end, keeping `cap` bytes; reports whether there was more. Past
/// the cap it keeps draining so the writer is not blocked, up to 4x the cap, then stops
/// reading (the writer then blocks until the wall limit or the group kill).
async fn read_capped<R: AsyncRead + Unpin>(pipe: Option<R>, cap: usize) -> (Vec<u8>, bool) {
    let Some(mut pipe) = pipe else {
        return (Vec::new(), false);
    };
    let mut kept = Vec::new();
    let mut seen = 0usize;
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match pipe.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                seen += n;
                let room = cap.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
                if seen > cap {
                    break;
                }
            }
        }
    }
    (kept, seen > cap)
}

fn kill_group(pgid: i32) {
    // SAFETY: killpg only sends a signal; a group that is already gone gives ESRCH.
    unsafe {
        libc::killpg(pgid, libc::SIGKILL);
    }
}

fn set_rlimits(limits: &Limits) -> std::io::Result<()> {
    let cpu = limits.cpu.as_secs() + u64::from(limits.cpu.subsec_nanos() > 0);
    let pairs = [
        (libc::RLIMIT_CPU, cpu.max(1)),
        (libc::RLIMIT_AS, limits.memory_bytes),
        (libc::RLIMIT_NPROC, limits.processes),
        (libc::RLIMIT_FSIZE, limits.file_size_bytes),
        (libc::RLIMIT_NOFILE, limits.open_files),
        (libc::RLIMIT_CORE, 0),
    ];
    for (resource, value) in pairs {
        // The CPU hard limit sits one second above the soft one, so the program gets
        // SIGXCPU (reported as `CpuLimit`) before the kernel's SIGKILL.
        let hard = if resource == libc::RLIMIT_CPU {
            value + 1
        } else {
            value
        };
        let limit = libc::rlimit {
            rlim_cur: value as libc::rlim_t,
            rlim_max: hard as libc::rlim_t,
        };
        // SAFETY: setrlimit reads the struct we pass and touches nothing else.
        if unsafe { libc::setrlimit(resource, &limit) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}
