//! The slash-command manifest against Discord's documented limits
//! (https://discord.com/developers/docs/interactions/application-commands): names,
//! description lengths, option types, max lengths, counts; and the commands' options.

use interview_coach::platforms::discord::manifest::manifest;
use serde_json::Value;

const SUB_COMMAND: u64 = 1;
const STRING: u64 = 3;
const INTEGER: u64 = 4;
const BOOLEAN: u64 = 5;
const USER: u64 = 6;
const ATTACHMENT: u64 = 11;

fn command<'a>(all: &'a [Value], name: &str) -> &'a Value {
    all.iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no command {name}"))
}

fn option<'a>(parent: &'a Value, name: &str) -> &'a Value {
    parent["options"]
        .as_array()
        .and_then(|o| o.iter().find(|o| o["name"] == name))
        .unwrap_or_else(|| panic!("no option {name} in {}", parent["name"]))
}

fn valid_name(name: &str) -> bool {
    (1..=32).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Checks one command or option and its children; returns its characters counted
/// against the 4000 per command.
fn check(node: &Value, path: &str) -> usize {
    let name = node["name"].as_str().expect("a name");
    let path = format!("{path}/{name}");
    assert!(valid_name(name), "{path}: bad name");
    let description = node["description"].as_str().unwrap_or("");
    let len = description.chars().count();
    assert!(
        (1..=100).contains(&len),
        "{path}: description of {len} characters"
    );
    let mut chars = name.len() + len;
    if let Some(kind) = node.get("type").and_then(Value::as_u64) {
        assert!((1..=11).contains(&kind), "{path}: type {kind}");
    }
    if let Some(max) = node.get("max_length").and_then(Value::as_u64) {
        assert!((1..=6000).contains(&max), "{path}: max_length {max}");
        assert_eq!(node["type"], STRING, "{path}: max_length on a non-string");
    }
    if let Some(min) = node.get("min_length").and_then(Value::as_u64) {
        assert!(min <= 6000, "{path}: min_length {min}");
    }
    if let Some(choices) = node.get("choices").and_then(Value::as_array) {
        assert!(choices.len() <= 25, "{path}: {} choices", choices.len());
        for c in choices {
            let n = c["name"].as_str().unwrap_or("");
            assert!(
                (1..=100).contains(&n.chars().count()),
                "{path}: choice {n:?}"
            );
            chars += n.chars().count() + c["value"].to_string().len();
        }
    }
    if let Some(options) = node.get("options").and_then(Value::as_array) {
        assert!(options.len() <= 25, "{path}: {} options", options.len());
        let mut optional_seen = false;
        for o in options {
            let required = o["required"].as_bool().unwrap_or(false);
            assert!(
                !(required && optional_seen),
                "{path}: a required option after an optional one"
            );
            optional_seen |= !required;
            chars += check(o, &path);
        }
    }
    chars
}

#[test]
fn every_command_fits_discords_limits() {
    let all = manifest();
    let all = all.as_array().expect("an array of commands");
    assert!(!all.is_empty() && all.len() <= 100);
    for c in all {
        let chars = check(c, "");
        assert!(chars <= 4000, "{}: {chars} characters in all", c["name"]);
        // Serenity omits the type of a chat-input command: Discord's default, 1.
        let kind = c.get("type").and_then(Value::as_u64).unwrap_or(1);
        assert_eq!(kind, 1, "{}: a chat-input command", c["name"]);
    }
}

#[test]
fn the_manifest_has_interview_start_and_the_thread_commands() {
    let all = manifest();
    let all = all.as_array().unwrap();
    let mut names: Vec<&str> = all.iter().filter_map(|c| c["name"].as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "approach",
            "daily",
            "duel", // issue 16: duel
            "end",
            "export",
            "hint",
            "interview",
            "leaderboard",
            "privacy",
            "retry",
            "run",
            "stats",
            "streak",
            "submit"
        ]
    );

    let start = option(command(all, "interview"), "start");
    assert_eq!(start["type"], SUB_COMMAND);
    let problem = option(start, "problem");
    assert_eq!(
        (problem["type"].as_u64(), problem["autocomplete"].as_bool()),
        (Some(STRING), Some(true))
    );
    let difficulty = option(start, "difficulty");
    let choices: Vec<&str> = difficulty["choices"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(choices, ["easy", "medium", "hard"]);
    assert_eq!(option(start, "language")["type"], STRING);
    let minutes = option(start, "minutes");
    assert_eq!(minutes["type"], INTEGER);
    assert_eq!(
        (minutes["min_value"].as_f64(), minutes["max_value"].as_f64()),
        (Some(5.0), Some(240.0))
    );
    assert_eq!(option(start, "private")["type"], BOOLEAN);
    assert_eq!(option(start, "group")["type"], BOOLEAN);

    let submit = command(all, "submit");
    assert_eq!(option(submit, "file")["type"], ATTACHMENT);
    assert_eq!(option(submit, "language")["type"], STRING);
    let run = command(all, "run");
    for (name, kind) in [
        ("code", STRING),
        ("file", ATTACHMENT),
        ("input", STRING),
        ("language", STRING),
        ("editor", BOOLEAN),
    ] {
        let o = option(run, name);
        assert_eq!(o["type"], kind, "run/{name}");
        assert_ne!(o["required"], true, "run/{name} is optional");
    }
    let approach = option(command(all, "approach"), "text");
    assert_eq!(approach["required"], true);
    assert_eq!(approach["max_length"], 6000);
}

#[test]
fn the_manifest_has_the_practice_commands() {
    let all = manifest();
    let all = all.as_array().unwrap();
    let member = option(command(all, "stats"), "member");
    assert_eq!(member["type"], USER);
    assert_ne!(member["required"], true, "stats default to oneself");
    let board = command(all, "leaderboard");
    for sub in ["show", "join", "leave"] {
        assert_eq!(option(board, sub)["type"], SUB_COMMAND, "{sub}");
    }
    assert_ne!(option(command(all, "export"), "id")["required"], true);
    let forget = option(command(all, "privacy"), "forget");
    assert_eq!(forget["type"], SUB_COMMAND);
    let confirm = option(forget, "confirm");
    assert_eq!(
        (confirm["type"].as_u64(), confirm["required"].as_bool()),
        (Some(BOOLEAN), Some(true))
    );
}

/// issue 16: duel
#[test]
fn the_manifest_has_the_duel_commands() {
    let all = manifest();
    let all = all.as_array().unwrap();
    let duel = command(all, "duel");
    let challenge = option(duel, "challenge");
    assert_eq!(challenge["type"], SUB_COMMAND);
    let member = option(challenge, "member");
    assert_eq!(
        (member["type"].as_u64(), member["required"].as_bool()),
        (Some(USER), Some(true))
    );
    assert_eq!(option(challenge, "topic")["autocomplete"], true);
    assert_eq!(option(duel, "ratings")["type"], SUB_COMMAND);
}

#[test]
fn the_cli_prints_the_manifest() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_interview-coach"))
        .args(["discord", "manifest"])
        .env("DATABASE_URL", "sqlite::memory:")
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(printed, manifest());
}
