//! The layers of `src/` as docs/ARCHITECTURE.md draws them, checked on the source
//! itself: each folder names only the modules below it. A platform that reads the store,
//! a domain that imports the engine or a port that knows SQL fails here, with the file
//! and line, instead of in review.

use std::path::{Path, PathBuf};

/// A folder of `src/`, the crate modules its code may name (besides itself), and what
/// else it must never name (outside comments). The order is the layers' order, inside
/// out.
struct Layer {
    folder: &'static str,
    may_use: &'static [&'static str],
    never: &'static [&'static str],
}

const LAYERS: &[Layer] = &[
    Layer {
        folder: "domain",
        may_use: &[],
        never: &["sqlx", "tokio", "reqwest", "axum", "async fn"],
    },
    Layer {
        folder: "sandbox",
        may_use: &[],
        never: &["sqlx", "axum"],
    },
    Layer {
        folder: "telemetry",
        may_use: &[],
        never: &["axum", "reqwest", "sqlx::"],
    },
    Layer {
        folder: "judge",
        may_use: &["sandbox", "problems"],
        never: &["sqlx", "axum", "reqwest"],
    },
    Layer {
        folder: "ports",
        may_use: &["domain"],
        never: &["sqlx"],
    },
    Layer {
        folder: "store",
        may_use: &["domain", "ports", "telemetry"],
        never: &[],
    },
    Layer {
        folder: "projections",
        may_use: &["domain", "ports"],
        never: &["sqlx"],
    },
    Layer {
        folder: "engine",
        may_use: &["domain", "ports", "projections", "telemetry"],
        never: &["sqlx"],
    },
    Layer {
        folder: "practice",
        may_use: &["domain", "ports", "projections", "engine", "problems"],
        never: &["sqlx"],
    },
    Layer {
        folder: "queries",
        may_use: &["domain", "ports", "projections", "practice", "problems"],
        never: &["sqlx"],
    },
    Layer {
        folder: "runs",
        may_use: &[
            "domain", "ports", "engine", "judge", "sandbox", "problems", "practice",
        ],
        never: &["sqlx", "axum", "reqwest"],
    },
    Layer {
        folder: "coach",
        may_use: &[
            "domain",
            "ports",
            "engine",
            "queries",
            "problems",
            "config",
            "telemetry",
            "runs",
        ],
        never: &["sqlx"],
    },
    Layer {
        folder: "platforms",
        may_use: &[
            "domain",
            "engine",
            "queries",
            "practice",
            "problems",
            "config",
            "telemetry",
            "runs",
        ],
        never: &["sqlx", "domain::decide", "Engine::store", "coach::llm"],
    },
    Layer {
        folder: "eval",
        may_use: &[
            "domain", "engine", "coach", "queries", "runs", "problems", "app", "config",
        ],
        never: &["sqlx", "platforms", "axum"],
    },
];

/// The crate modules a line names (`crate::x`).
fn crate_modules(code: &str) -> Vec<&str> {
    code.match_indices("crate::")
        .map(|(i, m)| {
            let rest = &code[i + m.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .collect()
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable source folder") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Every `file:line: text` of the layer's folder that names what it may not.
fn violations(root: &Path, layer: &Layer) -> Vec<String> {
    let mut found = Vec::new();
    let folder = root.join("src").join(layer.folder);
    for file in rust_files(&folder) {
        let text = std::fs::read_to_string(&file).expect("readable source file");
        let shown = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .display()
            .to_string();
        for (i, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            let modules = crate_modules(code)
                .into_iter()
                .filter(|m| *m != layer.folder && !layer.may_use.contains(m) && !m.is_empty());
            let names = layer.never.iter().copied().filter(|n| code.contains(n));
            for name in modules.chain(names) {
                found.push(format!("{shown}:{}: names `{name}`: {code}", i + 1));
            }
        }
    }
    found
}

#[test]
fn each_layer_names_only_the_layers_below_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found: Vec<String> = LAYERS.iter().flat_map(|l| violations(root, l)).collect();
    assert!(
        found.is_empty(),
        "layer rules broken (see docs/ARCHITECTURE.md):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_finds_a_platform_that_reads_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let platforms = dir.path().join("src/platforms/web");
    std::fs::create_dir_all(&platforms).unwrap();
    std::fs::write(
        platforms.join("leak.rs"),
        "// crate::store in a comment is fine\nuse crate::store::SqliteStore;\n",
    )
    .unwrap();
    let layer = LAYERS
        .iter()
        .find(|l| l.folder == "platforms")
        .expect("a layer for the platforms");
    let found = violations(dir.path(), layer);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("leak.rs:2"), "{found:?}");
}
