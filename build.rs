//! Builds the web page (`web/dist`) when it is missing or older than its sources, so the
//! README's `cargo run --release` serves it on a fresh machine with Node.js present and
//! no separate npm step.
//!
//! It never fails the Rust build over Node: without npm, with a failing npm, or with
//! `INTERVIEW_COACH_SKIP_WEB_BUILD=1` it prints a warning and the server answers `/`
//! with build instructions. When nothing changed it only compares a few timestamps.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::SystemTime;

/// Inputs of the page build, relative to `web/`.
const SOURCES: [&str; 5] = [
    "src",
    "public",
    "index.html",
    "package.json",
    "package-lock.json",
];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // `sqlx::migrate!` embeds these; rebuild when one is added.
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-env-changed=INTERVIEW_COACH_SKIP_WEB_BUILD");
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into()));
    let web = root.join("web");
    let mut inputs: Vec<PathBuf> = SOURCES.iter().map(|s| web.join(s)).collect();
    inputs.extend(vite_configs(&web));
    for input in &inputs {
        println!("cargo:rerun-if-changed={}", input.display());
    }
    println!(
        "cargo:rerun-if-changed={}",
        web.join("dist/index.html").display()
    );
    if std::env::var("INTERVIEW_COACH_SKIP_WEB_BUILD").is_ok_and(|v| v == "1") {
        return;
    }
    if !web.join("package.json").is_file() {
        return;
    }
    let built = modified(&web.join("dist/index.html"));
    let newest = inputs.iter().filter_map(|p| newest_in(p)).max();
    if let (Some(built), Some(newest)) = (built, newest)
        && built >= newest
    {
        return;
    }
    if let Err(why) = build(&web) {
        println!(
            "cargo:warning=the web page was not built ({why}); `/` will show how to build it (cd web && npm ci && npm run build)"
        );
    }
}

fn build(web: &Path) -> Result<(), String> {
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let found = Command::new(npm)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !found.is_ok_and(|s| s.success()) {
        return Err("npm is not installed; install Node.js 20 or newer".to_string());
    }
    let lock = modified(&web.join("package-lock.json"));
    let installed = modified(&web.join("node_modules/.package-lock.json"))
        .or_else(|| modified(&web.join("node_modules")));
    let stale = match (installed, lock) {
        (Some(i), Some(l)) => i < l,
        (None, _) => true,
        (Some(_), None) => false,
    };
    if stale {
        run(web, npm, &["ci", "--no-audit", "--no-fund"])?;
    }
    run(web, npm, &["run", "build"])
}

/// Run npm in `web/`, its output on stderr (stdout is for cargo directives).
fn run(web: &Path, npm: &str, args: &[&str]) -> Result<(), String> {
    let status = Command::new(npm)
        .args(args)
        .current_dir(web)
        .stdin(Stdio::null())
        .stdout(std::io::stderr())
        .stderr(std::io::stderr())
        .status()
        .map_err(|e| format!("cannot run npm {}: {e}", args.join(" ")))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("npm {} failed with {status}", args.join(" ")))
    }
}

fn vite_configs(web: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(web) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("vite.config."))
        })
        .collect();
    found.sort();
    found
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The newest modification time of a file, or of anything under a directory.
fn newest_in(path: &Path) -> Option<SystemTime> {
    let meta = std::fs::metadata(path).ok()?;
    let own = meta.modified().ok();
    if !meta.is_dir() {
        return own;
    }
    let children = std::fs::read_dir(path)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| newest_in(&e.path()));
    children.chain(own).max()
}
