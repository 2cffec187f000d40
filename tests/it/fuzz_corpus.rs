//! The committed fuzz corpus (`fuzz/corpus/<target>/`), replayed through the very checks
//! the cargo-fuzz targets run (`interview_coach::fuzz_checks`), so every CI run checks
//! each input the fuzzers kept without cargo-fuzz. Also replays `fuzz/regressions/`,
//! inputs that once broke a check. No database, no network.

use interview_coach::fuzz_checks::{self, Check, TARGETS};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// Fewer files than this means the corpus was lost, not minimised.
const MIN_CORPUS_FILES: usize = 10;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a readable directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Runs `check` on every file of `dir` and names each file whose input broke it.
fn replay(dir: &Path, check: Check) -> Vec<String> {
    let mut broken = Vec::new();
    for file in files(dir) {
        let input = std::fs::read(&file).expect("a readable corpus file");
        if catch_unwind(AssertUnwindSafe(|| check(&input))).is_err() {
            broken.push(file.display().to_string());
        }
    }
    broken
}

fn replay_target(target: &str) {
    let (_, check) = TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .expect("a fuzz target of that name");
    let corpus = fuzz_dir().join("corpus").join(target);
    let count = files(&corpus).len();
    assert!(
        count >= MIN_CORPUS_FILES,
        "{}: {count} files; the committed corpus is missing",
        corpus.display()
    );
    let mut broken = replay(&corpus, *check);
    broken.extend(replay(&fuzz_dir().join("regressions").join(target), *check));
    assert!(
        broken.is_empty(),
        "inputs that break {target}:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_websocket_protocol_corpus_passes_its_checks() {
    replay_target("ws_protocol");
}

#[test]
fn the_slack_signature_corpus_passes_its_checks() {
    replay_target("slack_signature");
}

#[test]
fn the_slack_payload_corpus_passes_its_checks() {
    replay_target("slack_payload");
}

#[test]
fn the_discord_parse_corpus_passes_its_checks() {
    replay_target("discord_parse");
}

#[test]
fn the_event_decode_corpus_passes_its_checks() {
    replay_target("event_decode");
}

#[test]
fn the_split_message_corpus_passes_its_checks() {
    replay_target("split_message");
}

#[test]
fn every_fuzz_target_has_a_binary_and_a_replay() {
    let manifest =
        std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).expect("fuzz/Cargo.toml exists");
    for (target, _) in TARGETS {
        let path = format!("path = \"fuzz_targets/{target}.rs\"");
        assert!(manifest.contains(&path), "fuzz/Cargo.toml lacks {target}");
        let source = std::fs::read_to_string(fuzz_dir().join(format!("fuzz_targets/{target}.rs")))
            .expect("the target's source exists");
        assert!(
            source.contains(&format!("fuzz_checks::{target}(data)")),
            "{target}"
        );
    }
    let this = include_str!("fuzz_corpus.rs");
    for (target, _) in TARGETS {
        assert!(
            this.contains(&format!("replay_target(\"{target}\")")),
            "{target}"
        );
    }
    // A catch: the replay reports the input that broke a check.
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("fine"), b"fine").expect("a file");
    assert!(replay(dir.path(), fuzz_checks::ws_protocol).is_empty());
    std::fs::write(dir.path().join("bad"), b"x").expect("a file");
    let broken = replay(dir.path(), |input| assert_ne!(input, b"x"));
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert!(broken[0].ends_with("bad"));
}
