//! Where each language runtime really lives on this machine: the commands a run of that
//! runtime may call (found on the system PATH, symlinks followed to the real file) and
//! the directories it reads. The local backends expose exactly these, read-only, plus
//! the shared libraries ([`BASE_DIRS`], [`BASE_FILES`]).
//!
//! It only looks at the file system; it must never widen the view beyond what a
//! runtime needs (no /home, no /root, no /etc beyond the runtime's own files).

use super::Runtime;
use std::path::{Path, PathBuf};

/// Searched for runtime commands, in order; the PATH inside the sandbox is the same.
pub const SYSTEM_PATH: &str = "/usr/local/bin:/usr/bin:/bin";

/// Shared libraries every runtime links against (Debian merges /lib into /usr/lib).
pub const BASE_DIRS: &[&str] = &["/usr/lib", "/usr/lib64"];

/// Single files every runtime reads.
pub const BASE_FILES: &[&str] = &["/etc/ld.so.cache"];

/// Device files a run may open (read and write).
pub const DEVICES: &[&str] = &["/dev/null", "/dev/zero", "/dev/urandom", "/dev/random"];

/// The files one runtime needs.
#[derive(Debug, Clone)]
pub struct RuntimeFiles {
    /// A command by the name a step calls it (`python3`), and the real file it is.
    pub commands: Vec<(String, PathBuf)>,
    /// Directories (and single files) exposed read-only at their own path.
    pub dirs: Vec<PathBuf>,
}

impl RuntimeFiles {
    /// Every real file and directory the runtime reads, outside [`BASE_DIRS`].
    pub fn read_only_paths(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = self
            .commands
            .iter()
            .map(|(_, real)| real.clone())
            .filter(|real| !under_base(real))
            .collect();
        paths.extend(self.dirs.iter().cloned());
        paths.sort();
        paths.dedup();
        paths
    }
}

/// The runtime's files, or `None` when one of its commands is not installed.
pub fn discover(runtime: Runtime) -> Option<RuntimeFiles> {
    let (names, dirs): (&[&str], Vec<PathBuf>) = match runtime {
        Runtime::Python => (&["python3"], Vec::new()),
        // node reads OpenSSL's configuration at start and fails if it may not.
        Runtime::Node => (&["node"], vec![PathBuf::from("/etc/ssl/openssl.cnf")]),
        Runtime::Java => (&["java", "javac"], java_config_dirs()),
        Runtime::Cxx => (&["g++", "as", "ld"], vec![PathBuf::from("/usr/include")]),
    };
    let mut commands = Vec::new();
    for name in names {
        let found = find_on_path(name)?;
        commands.push((name.to_string(), std::fs::canonicalize(found).ok()?));
    }
    let dirs = dirs.into_iter().filter(|d| d.exists()).collect();
    Some(RuntimeFiles { commands, dirs })
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    SYSTEM_PATH
        .split(':')
        .map(|dir| Path::new(dir).join(name))
        .find(|candidate| candidate.is_file())
}

fn under_base(path: &Path) -> bool {
    BASE_DIRS.iter().any(|base| path.starts_with(base))
}

/// Debian's JDKs keep part of their configuration in /etc/java-<n>-openjdk (the JDK's
/// conf/ links there).
fn java_config_dirs() -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir("/etc") else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("java-"))
                && path.is_dir()
        })
        .collect();
    dirs.sort();
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_installed_runtime_is_found_through_its_symlinks_and_never_under_home() {
        for runtime in Runtime::ALL {
            let Some(files) = discover(runtime) else {
                continue;
            };
            for (name, real) in &files.commands {
                assert!(real.is_absolute() && real.is_file(), "{name}: {real:?}");
                assert!(!real.starts_with("/root") && !real.starts_with("/home"));
            }
        }
    }
}
