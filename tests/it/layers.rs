//! The layers of `src/` as docs/ARCHITECTURE.md draws them, checked on the source
//! itself: each folder names only the modules below it. A platform that reads the store,
//! a domain that imports the engine or a port that knows SQL fails here, with the file
//! and line, instead of in review.

use std::path::{Path, PathBuf};

/// What the code of one folder must never name (outside comments).
struct Rule {
    folder: &'static str,
    forbidden: &'static [&'static str],
}

const RULES: &[Rule] = &[
    Rule {
        folder: "src/domain",
        forbidden: &[
            "crate::ports",
            "crate::store",
            "crate::projections",
            "crate::engine",
            "crate::queries",
            "crate::practice",
            "crate::coach",
            "crate::platforms",
            "crate::problems",
            "crate::config",
            "crate::app",
            "sqlx",
            "tokio",
            "reqwest",
            "axum",
            "async fn",
        ],
    },
    Rule {
        folder: "src/ports",
        forbidden: &[
            "crate::store",
            "crate::projections",
            "crate::engine",
            "crate::queries",
            "crate::practice",
            "crate::coach",
            "crate::platforms",
            "crate::app",
            "sqlx",
        ],
    },
    Rule {
        folder: "src/store",
        forbidden: &[
            "crate::projections",
            "crate::engine",
            "crate::queries",
            "crate::practice",
            "crate::coach",
            "crate::platforms",
            "crate::app",
        ],
    },
    Rule {
        folder: "src/projections",
        forbidden: &[
            "crate::store",
            "crate::engine",
            "crate::queries",
            "crate::practice",
            "crate::coach",
            "crate::platforms",
            "crate::app",
            "sqlx",
        ],
    },
    Rule {
        folder: "src/engine",
        forbidden: &[
            "crate::store",
            "crate::queries",
            "crate::practice",
            "crate::coach",
            "crate::platforms",
            "crate::app",
            "sqlx",
        ],
    },
    Rule {
        folder: "src/practice",
        forbidden: &[
            "crate::store",
            "crate::queries",
            "crate::coach",
            "crate::platforms",
            "crate::app",
            "sqlx",
        ],
    },
    Rule {
        folder: "src/queries",
        forbidden: &[
            "crate::store",
            "crate::engine",
            "crate::coach",
            "crate::platforms",
            "crate::app",
            "sqlx",
        ],
    },
    Rule {
        folder: "src/coach",
        forbidden: &["crate::store", "crate::platforms", "crate::app", "sqlx"],
    },
    Rule {
        folder: "src/platforms",
        forbidden: &[
            "crate::store",
            "crate::ports",
            "crate::projections",
            "crate::coach::llm",
            "crate::app",
            "sqlx",
            "domain::decide",
            "Engine::store",
        ],
    },
];

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

/// Every `file:line: text` of `folder` that names a forbidden module.
fn violations(root: &Path, rule: &Rule) -> Vec<String> {
    let mut found = Vec::new();
    for file in rust_files(&root.join(rule.folder)) {
        let text = std::fs::read_to_string(&file).expect("readable source file");
        for (i, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            for name in rule.forbidden {
                if code.contains(name) {
                    let shown = file.strip_prefix(root).unwrap_or(&file).display();
                    found.push(format!("{shown}:{}: names `{name}`: {code}", i + 1));
                }
            }
        }
    }
    found
}

#[test]
fn each_layer_names_only_the_layers_below_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found: Vec<String> = RULES.iter().flat_map(|r| violations(root, r)).collect();
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
    let rule = RULES
        .iter()
        .find(|r| r.folder == "src/platforms")
        .expect("a rule for the platforms");
    let found = violations(dir.path(), rule);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("leak.rs:2"), "{found:?}");
}
