//! The shared directory of a local sandbox (`<scratch>/shared`): files the service makes
//! once and every later run reads, such as the judge's C++ precompiled header. Runs see
//! it read-only, at the same path as the host. A file gets there only through
//! [`copy_in`]: copied by the service (never moved, never through a symlink) out of a
//! workspace, owned by the service, mode 0644, replacing an older copy atomically, so a
//! run that is reading the old one keeps reading it.
//!
//! It must never take a file a candidate's run could have written: the caller shares
//! only what a step of its own made in a workspace no candidate code ran in.

use super::SandboxError;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

/// Where a sandbox with this scratch directory keeps its shared files.
pub fn dir(scratch: &Path) -> PathBuf {
    scratch.join("shared")
}

/// Copies the regular file `from` (a plain name in `workspace`) to `to` (a relative
/// path in `shared`). Blocking.
pub fn copy_in(
    workspace: &Path,
    from: &str,
    shared: &Path,
    to: &str,
) -> Result<PathBuf, SandboxError> {
    let invalid = |what: String| {
        SandboxError::Workspace(std::io::Error::new(std::io::ErrorKind::InvalidInput, what))
    };
    let one_name = Path::new(from).components().count() == 1
        && matches!(
            Path::new(from).components().next(),
            Some(Component::Normal(_))
        );
    if !one_name {
        return Err(invalid(format!(
            "{from:?} is not a file name in the workspace"
        )));
    }
    if !Path::new(to)
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return Err(invalid(format!("{to:?} is not a plain relative path")));
    }
    let mut source = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(workspace.join(from))
        .map_err(SandboxError::Workspace)?;
    if !source
        .metadata()
        .map_err(SandboxError::Workspace)?
        .is_file()
    {
        return Err(invalid(format!("{from:?} is not a regular file")));
    }
    let target = shared.join(to);
    let parent = target.parent().unwrap_or(shared);
    std::fs::create_dir_all(parent).map_err(SandboxError::Workspace)?;
    let mut staged = tempfile::Builder::new()
        .prefix(".staged-")
        .tempfile_in(parent)
        .map_err(SandboxError::Workspace)?;
    std::io::copy(&mut source, staged.as_file_mut()).map_err(SandboxError::Workspace)?;
    staged
        .as_file_mut()
        .flush()
        .map_err(SandboxError::Workspace)?;
    std::fs::set_permissions(staged.path(), std::fs::Permissions::from_mode(0o644))
        .map_err(SandboxError::Workspace)?;
    staged
        .persist(&target)
        .map_err(|e| SandboxError::Workspace(e.error))?;
    Ok(target)
}
