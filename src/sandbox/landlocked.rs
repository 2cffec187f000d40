//! The fallback backend's command, for machines where user namespaces are not allowed
//! (Docker's default seccomp profile): the program runs directly, in a new session,
//! with rlimits, Landlock (the runtime's files, shared libraries, /proc and a few
//! devices readable; only the workspace writable; no TCP bind or connect; signals and
//! abstract Unix sockets scoped to the run), the seccomp filters (no socket but Unix
//! ones, no ptrace, no namespaces), no new privileges, and, when the service is root,
//! the workspace's own user id.
//!
//! It sees the machine's process list and any file Landlock allows; that is the price
//! of having no namespaces, and the service says so at start. It must never leave the
//! Landlock or seccomp layer out.

use super::confine::{self, ChildSetup};
use super::limits::with_heap_flags;
use super::local::{Launch, LocalDir};
use super::runtimes::{BASE_DIRS, BASE_FILES, DEVICES, SYSTEM_PATH};
use super::supervise::Launcher;
use super::{SandboxError, Step};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Command;

pub fn command(dir: &LocalDir, step: &Step) -> Result<Launch, SandboxError> {
    let limits = &step.limits;
    let mut read: Vec<PathBuf> = BASE_DIRS
        .iter()
        .chain(BASE_FILES)
        .map(PathBuf::from)
        .collect();
    read.extend(dir.runtime_files().read_only_paths());
    read.push(PathBuf::from("/proc"));
    read.push(dir.shared_dir());
    let mut write: Vec<PathBuf> = DEVICES.iter().map(PathBuf::from).collect();
    write.push(dir.path().to_path_buf());
    let ruleset = confine::landlock_ruleset(&read, &write).map_err(|e| {
        SandboxError::Spawn(std::io::Error::other(format!("Landlock ruleset: {e}")))
    })?;
    let argv = with_heap_flags(&step.argv, limits);
    let program = resolve(dir, &argv[0]);
    let tmp = dir.path().join(".tmp");
    std::fs::create_dir_all(&tmp).map_err(SandboxError::Workspace)?;
    if let Some(uid) = dir.uid() {
        std::os::unix::fs::chown(&tmp, Some(uid), Some(uid)).map_err(SandboxError::Workspace)?;
    }
    let mut command = Command::new(program);
    command
        .arg0(&argv[0])
        .args(&argv[1..])
        .env_clear()
        .env("PATH", SYSTEM_PATH)
        .env("HOME", dir.path())
        .env("LANG", "C.UTF-8")
        .env("TMPDIR", &tmp)
        .current_dir(dir.path());
    if let Some(uid) = dir.uid() {
        command.uid(uid).gid(uid);
    }
    let mut setup = ChildSetup::new(limits, dir.nproc(limits.processes));
    setup.reaper = Some(dir.uid().is_some());
    setup.new_session = true;
    setup.landlock = Some(confine::raw(&ruleset));
    setup.filters = Some(dir.filters().raw());
    // SAFETY: `in_child` only makes system calls on values prepared here.
    unsafe {
        command.pre_exec(move || setup.in_child());
    }
    Ok(Launch {
        command,
        passed: vec![ruleset],
        status_fd: None,
        launcher: Launcher::Direct,
    })
}

/// A runtime command by name to its real file (what Landlock lets run); anything else
/// (`./main`) as given, relative to the workspace.
fn resolve(dir: &LocalDir, name: &str) -> PathBuf {
    dir.runtime_files()
        .commands
        .iter()
        .find(|(command, _)| command == name)
        .map(|(_, real)| real.clone())
        .unwrap_or_else(|| {
            if name.contains('/') {
                dir.path().join(name)
            } else {
                PathBuf::from(name)
            }
        })
}
