//! The reaper of one local run: the first process of every run forks the run itself and
//! stays behind as a child subreaper (`PR_SET_CHILD_SUBREAPER`), so every process the
//! run starts, daemons that double-fork and `setsid` included, is its descendant and is
//! waited for by it, never by the machine's init (which may not reap at all: a service
//! that is PID 1 in a container, or an init that never calls `wait`). When the run's
//! first process ends, or the supervisor asks with SIGTERM (wall-clock or output limit),
//! or the service is gone, it kills the run's process group and, when the run has a user
//! id of its own, every process of that id, waits until it has no child left, and exits
//! the way the run's first process did. Its own resource usage is negligible, so the
//! supervisor's `wait4` on it reports the run's CPU time.
//!
//! Everything here runs between fork and exec in a copy of a multi-threaded service:
//! only raw system calls, no allocation, no locks. It must never run candidate code
//! itself, never keep a descriptor open (not the run's pipes, not the service's), and
//! never dump core (it is a copy of the service's memory).

use std::mem::MaybeUninit;

/// How long the reaper waits for the last of a run once it has killed it: long enough
/// for the kernel to deliver SIGKILL everywhere, bounded for the case where a process
/// escaped the group and cannot be killed by user id (a service that is not root).
const LAST_WAITS: u32 = 20;
/// One wait for SIGCHLD or SIGTERM, in nanoseconds (also how often the reaper checks
/// that the service is still there).
const WAIT_NANOS: i64 = 100_000_000;

/// Splits the forked child: returns `Ok` in the run's own process (which goes on to be
/// confined and exec), and never returns in the reaper. `kill_user`: the run has a user
/// id of its own, so killing everything that id may signal is killing the run.
///
/// # Safety
/// Only between fork and exec, in the single-threaded child.
pub unsafe fn split(kill_user: bool) -> std::io::Result<()> {
    // SAFETY: plain system calls on local values (see the function's contract).
    unsafe {
        let parent = libc::getppid();
        let mut watched = MaybeUninit::<libc::sigset_t>::zeroed().assume_init();
        libc::sigemptyset(&mut watched);
        libc::sigaddset(&mut watched, libc::SIGCHLD);
        libc::sigaddset(&mut watched, libc::SIGTERM);
        let mut before = MaybeUninit::<libc::sigset_t>::zeroed().assume_init();
        if libc::sigprocmask(libc::SIG_BLOCK, &watched, &mut before) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        if libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        match libc::fork() {
            -1 => Err(std::io::Error::last_os_error()),
            0 => {
                // The run: the signal mask the service had (its own process group or
                // session comes next, in `ChildSetup::in_child`).
                libc::sigprocmask(libc::SIG_SETMASK, &before, std::ptr::null_mut());
                Ok(())
            }
            run => reap(run, parent, &watched, kill_user),
        }
    }
}

/// The reaper's whole life; exits as the run's first process did.
unsafe fn reap(run: i32, parent: i32, watched: &libc::sigset_t, kill_user: bool) -> ! {
    // SAFETY: plain system calls on local values.
    unsafe {
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
        let no_core = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        libc::setrlimit(libc::RLIMIT_CORE, &no_core);
        // It is a copy of the service and never execs: every descriptor the service had
        // (the run's pipes' other ends, sockets, the database) would stay open in it.
        // The run's pipes must reach end-of-file when the run closes them.
        if libc::syscall(libc::SYS_close_range, 0u32, u32::MAX, 0u32) != 0 {
            for fd in 0..65_536 {
                libc::close(fd);
            }
        }
        let mut first: Option<i32> = None;
        let mut ending = false;
        let mut waits_since_end = 0;
        loop {
            loop {
                let mut status = 0;
                let pid = libc::waitpid(-1, &mut status, libc::WNOHANG | libc::__WALL);
                if pid == run {
                    first = Some(status);
                    if !ending {
                        end(run, kill_user);
                        ending = true;
                    }
                } else if pid == 0 {
                    break;
                } else if pid < 0 {
                    if *libc::__errno_location() == libc::EINTR {
                        continue;
                    }
                    exit_as(first); // ECHILD: nothing of the run is left.
                }
            }
            let wait = libc::timespec {
                tv_sec: 0,
                tv_nsec: WAIT_NANOS,
            };
            let signal = libc::sigtimedwait(watched, std::ptr::null_mut(), &wait);
            if !ending && (signal == libc::SIGTERM || libc::getppid() != parent) {
                end(run, kill_user);
                ending = true;
            }
            if ending {
                waits_since_end += 1;
                if waits_since_end > LAST_WAITS {
                    exit_as(first);
                }
            }
        }
    }
}

/// Kills the run: its process group, and every process of its user id when it has one
/// (`kill(-1)` from that id reaches exactly the run, and never the caller itself).
unsafe fn end(run: i32, kill_user: bool) {
    // SAFETY: signals only the run's group and, as the run's own user, its processes.
    unsafe {
        libc::kill(run, libc::SIGKILL);
        libc::kill(-run, libc::SIGKILL);
        if kill_user {
            libc::kill(-1, libc::SIGKILL);
        }
    }
}

/// Exits with the run's exit code, or dies of the signal that ended it.
unsafe fn exit_as(status: Option<i32>) -> ! {
    // SAFETY: plain system calls; `_exit` never returns.
    unsafe {
        match status {
            Some(s) if libc::WIFEXITED(s) => libc::_exit(libc::WEXITSTATUS(s)),
            Some(s) if libc::WIFSIGNALED(s) => {
                let signal = libc::WTERMSIG(s);
                let mut only = MaybeUninit::<libc::sigset_t>::zeroed().assume_init();
                libc::sigemptyset(&mut only);
                libc::sigaddset(&mut only, signal);
                libc::signal(signal, libc::SIG_DFL);
                libc::sigprocmask(libc::SIG_UNBLOCK, &only, std::ptr::null_mut());
                libc::kill(libc::getpid(), signal);
                libc::_exit(128 + signal)
            }
            _ => libc::_exit(127),
        }
    }
}
