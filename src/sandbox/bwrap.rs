//! The namespace backend's command line: bubblewrap with every namespace unshared
//! (network included, so there is no network at all), user 65534 and hostname
//! `sandbox` inside, a root made of the runtime's files read-only, a fresh /proc of the
//! new PID namespace, a minimal /dev and a size-capped /tmp on tmpfs, the workspace at
//! /work, the sandbox's shared directory read-only, an empty environment but PATH, HOME
//! and LANG, a new session, death with its parent (its reaper), and the seccomp filters
//! loaded just before the program starts.
//!
//! Landlock is not added inside: a landlocked process cannot mount, so it would need a
//! helper binary inside every sandbox, and the mount namespace already shows nothing
//! but the runtime. It must never bind anything writable but the workspace.

use super::confine::{self, ChildSetup, Filters};
use super::limits::with_heap_flags;
use super::local::{Launch, LocalDir};
use super::runtimes::{BASE_DIRS, BASE_FILES, DEVICES};
use super::supervise::Launcher;
use super::{SandboxError, Step};
use std::os::fd::OwnedFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The run's user and group inside its user namespace.
const INSIDE_ID: &str = "65534";

pub fn command(dir: &LocalDir, bwrap: &Path, step: &Step) -> Result<Launch, SandboxError> {
    let limits = &step.limits;
    let filters = dir.filters();
    let deny = confine::pipe_with(&Filters::bytes(&filters.deny)).map_err(SandboxError::Spawn)?;
    let clone3 =
        confine::pipe_with(&Filters::bytes(&filters.no_clone3)).map_err(SandboxError::Spawn)?;
    let (status_read, status_write) = std::io::pipe().map_err(SandboxError::Spawn)?;
    let status_write: OwnedFd = status_write.into();
    let mut args = Args::default();
    args.flags(&[
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",
        "--die-with-parent",
        "--new-session",
        "--hostname",
        "sandbox",
        "--uid",
        INSIDE_ID,
        "--gid",
        INSIDE_ID,
        "--clearenv",
        "--setenv",
        "PATH",
        "/usr/bin:/bin",
        "--setenv",
        "HOME",
        "/work",
        "--setenv",
        "LANG",
        "C.UTF-8",
        "--setenv",
        "TMPDIR",
        "/tmp",
    ]);
    for base in BASE_DIRS.iter().filter(|d| Path::new(d).exists()) {
        args.flags(&["--ro-bind", base, base]);
    }
    args.flags(&[
        "--symlink",
        "usr/lib",
        "/lib",
        "--symlink",
        "usr/bin",
        "/bin",
    ]);
    if Path::new("/usr/lib64").exists() {
        args.flags(&["--symlink", "usr/lib64", "/lib64"]);
    }
    for file in BASE_FILES.iter().filter(|f| Path::new(f).exists()) {
        args.flags(&["--ro-bind", file, file]);
    }
    let files = dir.runtime_files();
    for path in files.read_only_paths() {
        args.path_pair("--ro-bind", &path, &path);
    }
    for (name, real) in &files.commands {
        let on_path = PathBuf::from("/usr/bin").join(name);
        if on_path != *real {
            args.path_pair("--symlink", real, &on_path);
        }
    }
    let tmp_bytes = limits.file_size_bytes.to_string();
    args.flags(&["--size", "1048576", "--tmpfs", "/dev"]);
    for device in DEVICES.iter().filter(|d| Path::new(d).exists()) {
        args.flags(&["--dev-bind", device, device]);
    }
    args.flags(&[
        "--symlink",
        "/proc/self/fd",
        "/dev/fd",
        "--symlink",
        "/proc/self/fd/0",
        "/dev/stdin",
        "--symlink",
        "/proc/self/fd/1",
        "/dev/stdout",
        "--symlink",
        "/proc/self/fd/2",
        "/dev/stderr",
        "--proc",
        "/proc",
        "--perms",
        "1777",
        "--size",
        &tmp_bytes,
        "--tmpfs",
        "/tmp",
    ]);
    // Files the service made for every run (after /tmp's tmpfs, which would hide it).
    let shared = dir.shared_dir();
    args.path_pair("--ro-bind-try", &shared, &shared);
    args.path_pair("--bind", dir.path(), Path::new("/work"));
    // The root bubblewrap built is a tmpfs with no size cap: nothing may write there.
    args.flags(&["--remount-ro", "/", "--chdir", "/work"]);
    let fd = |f: &OwnedFd| confine::raw(f).to_string();
    args.flags(&["--add-seccomp-fd", &fd(&deny)]);
    args.flags(&["--add-seccomp-fd", &fd(&clone3)]);
    args.flags(&["--json-status-fd", &fd(&status_write)]);
    args.flags(&["--"]);
    let argv = with_heap_flags(&step.argv, limits);
    args.0.extend(argv);

    let mut command = Command::new(bwrap);
    command.args(&args.0).env_clear().current_dir("/");
    command.process_group(0);
    if let Some(uid) = dir.uid() {
        command.uid(uid).gid(uid);
    }
    let mut setup = ChildSetup::new(limits, dir.nproc(limits.processes));
    setup.reaper = Some(dir.uid().is_some());
    setup.inherit = vec![
        confine::raw(&deny),
        confine::raw(&clone3),
        confine::raw(&status_write),
    ];
    // SAFETY: `in_child` only makes system calls on values prepared here.
    unsafe {
        command.pre_exec(move || setup.in_child());
    }
    Ok(Launch {
        command,
        passed: vec![deny, clone3, status_write],
        status_fd: Some(status_read.into()),
        launcher: Launcher::Bwrap,
    })
}

/// bubblewrap's arguments, built in order.
#[derive(Default)]
struct Args(Vec<String>);

impl Args {
    fn flags(&mut self, words: &[&str]) {
        self.0.extend(words.iter().map(|w| w.to_string()));
    }

    fn path_pair(&mut self, flag: &str, from: &Path, to: &Path) {
        self.0.push(flag.to_string());
        self.0.push(from.to_string_lossy().into_owned());
        self.0.push(to.to_string_lossy().into_owned());
    }
}
