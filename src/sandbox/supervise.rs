//! Watching one confined run from start to end, for the local backends: feeds its
//! stdin, keeps at most `output_bytes` of stdout and stderr (ending the run past that),
//! ends it at the wall-clock limit, waits for its reaper (`super::reaper`, the first
//! process, which waits for every process of the run) with `wait4` (peak memory and CPU
//! time from its rusage), makes sure nothing it started is left ([`Teardown`]), and turns
//! how it ended into a [`Status`].
//!
//! It never blocks the async runtime (the fork and the wait run on blocking threads) and
//! never signals a process by a bare pid that may have been reused (pidfds).

use super::confine;
use super::{Limits, Outcome, SandboxError, Status};
use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::unix::pipe;
use tokio::sync::Notify;

/// How to be sure the whole run is gone once its first process has ended.
pub enum Teardown {
    /// bubblewrap reports its PID-namespace init on this pipe (`--json-status-fd`);
    /// the namespace is empty once that init has exited.
    Bwrap(OwnedFd),
    /// Every process of this user id is the run's: kill them all.
    User(u32),
    /// The run's session and process group (a non-root fallback: a program that leaves
    /// both can survive; the start-up warning says so).
    Group,
}

const NOT_KILLED: u8 = 0;
const KILLED_WALL: u8 = 1;
const KILLED_OUTPUT: u8 = 2;

/// How long the end of a run may take once its first process is gone.
const TEARDOWN: Duration = Duration::from_secs(5);

/// Whether the run's first process is bubblewrap, whose exit code carries a signal as
/// 128 + signal.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Launcher {
    Bwrap,
    Direct,
}

/// Runs `command` (already confined by its `pre_exec`) to its end. `passed` are the
/// parent's copies of descriptors the child inherits, closed once it has started.
pub async fn supervise(
    mut command: Command,
    stdin: Vec<u8>,
    limits: &Limits,
    teardown: Teardown,
    passed: Vec<OwnedFd>,
    launcher: Launcher,
) -> Result<Outcome, SandboxError> {
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = tokio::task::spawn_blocking(move || command.spawn())
        .await
        .map_err(|e| SandboxError::Spawn(std::io::Error::other(e)))?
        .map_err(SandboxError::Spawn)?;
    drop(passed);
    let pid = child.id() as i32;
    let handle = Arc::new(pidfd(pid).map_err(SandboxError::Spawn)?);
    let input = child.stdin.take().map(OwnedFd::from);
    let output = child.stdout.take().map(OwnedFd::from);
    let errors = child.stderr.take().map(OwnedFd::from);
    drop(child); // never waited by std: `wait4` below reaps it.

    let killed = Arc::new(AtomicU8::new(NOT_KILLED));
    let over = Arc::new(Notify::new());
    let waiter = tokio::task::spawn_blocking(move || wait_and_tear_down(pid, teardown));
    let feed = tokio::spawn(feed(input, stdin));
    let cap = limits.output_bytes;
    let out = tokio::spawn(read_capped(receiver(output), cap, over.clone()));
    let err = tokio::spawn(read_capped(receiver(errors), cap, over.clone()));

    // The first process is the run's reaper: SIGTERM asks it to kill the whole run and
    // reap it; SIGKILL is the backstop when it does not end in time.
    let kill = |reason: u8| {
        let _ = killed.compare_exchange(NOT_KILLED, reason, Ordering::SeqCst, Ordering::SeqCst);
        send_signal(&handle, libc::SIGTERM);
    };
    let mut waiter = waiter;
    let ended = tokio::select! {
        ended = &mut waiter => Some(ended),
        _ = tokio::time::sleep(limits.wall) => { kill(KILLED_WALL); None }
        _ = over.notified() => { kill(KILLED_OUTPUT); None }
    };
    let ended = match ended {
        Some(ended) => ended,
        None => match tokio::time::timeout(TEARDOWN, &mut waiter).await {
            Ok(ended) => ended,
            Err(_) => {
                send_signal(&handle, libc::SIGKILL);
                waiter.await
            }
        },
    }
    .map_err(|e| SandboxError::Spawn(std::io::Error::other(e)))?;
    let wall = started.elapsed();
    feed.abort();
    let (stdout, out_over) = finish(out).await;
    let (stderr, err_over) = finish(err).await;
    let (raw_status, usage) = ended.map_err(SandboxError::Spawn)?;
    let killed = killed.load(Ordering::SeqCst);
    let status = classify(Ended {
        raw_status,
        launcher,
        killed,
        over: out_over || err_over,
        cpu: usage.cpu,
        limits,
        stderr: &stderr,
    });
    Ok(Outcome {
        status,
        stdout,
        stderr,
        wall,
        peak_memory_bytes: Some(usage.max_rss_bytes),
    })
}

/// A pidfd for our (not yet reaped) child, so a late kill never hits a reused pid.
fn pidfd(pid: i32) -> std::io::Result<OwnedFd> {
    // SAFETY: pidfd_open returns a new descriptor we own, or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `fd` is a fresh descriptor owned by no one else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

fn send_signal(handle: &OwnedFd, signal: libc::c_int) {
    // SAFETY: sends `signal` through the pidfd; a process already gone gives ESRCH.
    unsafe {
        libc::syscall(
            libc::SYS_pidfd_send_signal,
            handle.as_raw_fd(),
            signal,
            std::ptr::null::<libc::siginfo_t>(),
            0u32,
        );
    }
}

struct Usage {
    cpu: Duration,
    max_rss_bytes: u64,
}

/// Blocking: waits for the first process, then for the rest of the run to be gone.
fn wait_and_tear_down(pid: i32, teardown: Teardown) -> std::io::Result<(i32, Usage)> {
    // bubblewrap prints its namespace init's pid first thing; take a pidfd on it while
    // it is certainly alive (it outlives bwrap's own process only by a kill).
    let init = match &teardown {
        Teardown::Bwrap(status) => namespace_init(status).and_then(|p| pidfd(p).ok()),
        _ => None,
    };
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: waits for our own child; the pointers are valid for the call.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
    match teardown {
        Teardown::Bwrap(_) => {
            if let Some(init) = init {
                wait_readable(&init, TEARDOWN);
            }
        }
        Teardown::User(uid) => confine::kill_all_of(uid),
        Teardown::Group => {
            // SAFETY: signals the run's own group; gone already gives ESRCH.
            unsafe {
                libc::killpg(pid, libc::SIGKILL);
            }
        }
    }
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Ok((
        status,
        Usage {
            cpu: time(usage.ru_utime) + time(usage.ru_stime),
            max_rss_bytes: usage.ru_maxrss.max(0) as u64 * 1024,
        },
    ))
}

/// The host pid of bubblewrap's namespace init, from its first status line
/// `{ "child-pid": N, ... }`; `None` when bubblewrap failed before it.
fn namespace_init(status: &OwnedFd) -> Option<i32> {
    let mut file = std::fs::File::from(status.try_clone().ok()?);
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while file.read(&mut byte).ok()? == 1 {
        if byte[0] == b'\n' {
            break;
        }
        line.push(byte[0]);
    }
    let value: serde_json::Value = serde_json::from_slice(&line).ok()?;
    value.get("child-pid")?.as_i64().map(|p| p as i32)
}

fn wait_readable(fd: &OwnedFd, timeout: Duration) {
    let mut poll = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    unsafe {
        libc::poll(&mut poll, 1, timeout.as_millis() as i32);
    }
}

fn receiver(fd: Option<OwnedFd>) -> Option<pipe::Receiver> {
    fd.and_then(|fd| pipe::Receiver::from_owned_fd(fd).ok())
}

async fn feed(input: Option<OwnedFd>, bytes: Vec<u8>) {
    let Some(mut sender) = input.and_then(|fd| pipe::Sender::from_owned_fd(fd).ok()) else {
        return;
    };
    // A program that never reads its stdin closes the pipe; that is not an error.
    let _ = sender.write_all(&bytes).await;
}

/// Reads a pipe to its end, keeping `cap` bytes; past the cap it raises `over` (the
/// run is then killed) and stops.
async fn read_capped<R: AsyncRead + Unpin>(
    pipe: Option<R>,
    cap: usize,
    over: Arc<Notify>,
) -> (Vec<u8>, bool) {
    let Some(mut pipe) = pipe else {
        return (Vec::new(), false);
    };
    let mut kept = Vec::new();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match pipe.read(&mut buf).await {
            Ok(0) | Err(_) => return (kept, false),
            Ok(n) => {
                let room = cap - kept.len();
                kept.extend_from_slice(&buf[..n.min(room)]);
                if n > room {
                    over.notify_one();
                    return (kept, true);
                }
            }
        }
    }
}

/// A reader's result; a pipe still held open by a survivor is given up after a while.
async fn finish(reader: tokio::task::JoinHandle<(Vec<u8>, bool)>) -> (Vec<u8>, bool) {
    let abort = reader.abort_handle();
    match tokio::time::timeout(Duration::from_secs(1), reader).await {
        Ok(Ok(result)) => result,
        _ => {
            abort.abort();
            (Vec::new(), false)
        }
    }
}

struct Ended<'a> {
    raw_status: i32,
    launcher: Launcher,
    killed: u8,
    over: bool,
    cpu: Duration,
    limits: &'a Limits,
    stderr: &'a [u8],
}

/// What the runtimes print when an allocation (or a thread) could not be had.
const OUT_OF_MEMORY: &[&str] = &[
    "MemoryError",
    "std::bad_alloc",
    "java.lang.OutOfMemoryError",
    "JavaScript heap out of memory",
    "Cannot allocate memory",
    "out of memory",
    "virtual memory exhausted",
];

/// What a write past RLIMIT_FSIZE prints when the program ignores SIGXFSZ (Python does).
const FILE_TOO_LARGE: &[&str] = &["File too large"];

fn classify(e: Ended<'_>) -> Status {
    match e.killed {
        KILLED_WALL => return Status::WallLimit,
        KILLED_OUTPUT => return Status::OutputLimit,
        _ => {}
    }
    if e.over {
        return Status::OutputLimit;
    }
    let (code, signal) = decode(e.raw_status, e.launcher);
    let cpu_spent = e.cpu + Duration::from_millis(50) >= e.limits.cpu;
    let says = |markers: &[&str]| {
        let text = String::from_utf8_lossy(e.stderr);
        markers.iter().any(|marker| text.contains(marker))
    };
    let out_of_memory = || says(OUT_OF_MEMORY);
    match (code, signal) {
        (_, Some(libc::SIGXCPU)) => Status::CpuLimit,
        (_, Some(libc::SIGKILL)) if cpu_spent => Status::CpuLimit,
        (_, Some(libc::SIGXFSZ)) => Status::OutputLimit,
        (_, Some(_)) if out_of_memory() => Status::MemoryLimit,
        (_, Some(signal)) => Status::Signalled(signal),
        (Some(0), _) => Status::Exited(0),
        (Some(_), _) if out_of_memory() => Status::MemoryLimit,
        (Some(_), _) if says(FILE_TOO_LARGE) => Status::OutputLimit,
        (Some(code), _) => Status::Exited(code),
        (None, None) => Status::Exited(-1),
    }
}

/// Exit code or signal; bubblewrap reports a signal as exit code 128 + signal.
fn decode(raw: i32, launcher: Launcher) -> (Option<i32>, Option<i32>) {
    if libc::WIFSIGNALED(raw) {
        return (None, Some(libc::WTERMSIG(raw)));
    }
    if !libc::WIFEXITED(raw) {
        return (None, None);
    }
    let code = libc::WEXITSTATUS(raw);
    if launcher == Launcher::Bwrap && (129..=128 + 64).contains(&code) {
        return (None, Some(code - 128));
    }
    (Some(code), None)
}
