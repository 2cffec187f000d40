//! The harnesses: for each language, the files of a run (the candidate's code, a harness
//! around it, glue generated from the problem's signature), the compile step if any, the
//! run command and its limits, and the names the candidate must define. One file per
//! language; the harness sources themselves sit beside them (`harness.py`, `harness.js`,
//! `IcMain.java` and `IcNodes.java`, `harness_core.h`, `harness_core.cpp` and `harness.cpp`)
//! and are included with `include_str!`.
//!
//! Generation only: nothing here runs a program or reads a process's output (that is
//! `judge::run`'s), and the candidate's code is never interpolated into generated code
//! (it is a file of its own, or `#include`d as one in C++).

pub mod cpp;
pub mod java;
mod javascript;
mod python;

use crate::problems::BankProblem;
use crate::problems::signature::{Param, Signature, Type};
use crate::sandbox::{File, Limits, Runtime};

/// A language the judge runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    Python,
    JavaScript,
    Java,
    Cpp,
}

impl Language {
    pub const ALL: [Language; 4] = [
        Language::Python,
        Language::JavaScript,
        Language::Java,
        Language::Cpp,
    ];

    /// `python`, `py`, `javascript`, `js`, `node`, `java`, `cpp`, `c++`, ...
    pub fn parse(text: &str) -> Option<Language> {
        Some(match text.trim().to_ascii_lowercase().as_str() {
            "python" | "python3" | "py" => Language::Python,
            "javascript" | "js" | "node" | "nodejs" => Language::JavaScript,
            "java" => Language::Java,
            "cpp" | "c++" | "cxx" | "c++17" => Language::Cpp,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::JavaScript => "javascript",
            Language::Java => "java",
            Language::Cpp => "cpp",
        }
    }

    /// The file extension of solutions in `problems/solutions/{id}/`.
    pub fn extension(self) -> &'static str {
        match self {
            Language::Python => "py",
            Language::JavaScript => "js",
            Language::Java => "java",
            Language::Cpp => "cpp",
        }
    }

    pub fn runtime(self) -> Runtime {
        match self {
            Language::Python => Runtime::Python,
            Language::JavaScript => Runtime::Node,
            Language::Java => Runtime::Java,
            Language::Cpp => Runtime::Cxx,
        }
    }
}

/// Everything a run needs, for one problem, language and piece of code.
#[derive(Debug, Clone)]
pub struct Plan {
    pub files: Vec<File>,
    /// The compiler's argv and limits (Java, C++).
    pub compile: Option<(Vec<String>, Limits)>,
    pub run: Vec<String>,
    /// Limits of one run of the cases; the judge scales CPU and wall time to the cases.
    pub limits: Limits,
    /// The name the candidate's code has in compiler messages and stack traces.
    pub candidate_file: String,
    /// The spec sent in the header line (Python and JavaScript read it; Java and C++ have
    /// it compiled in).
    pub spec: serde_json::Value,
}

/// The plan for `code` in `language`.
pub fn plan(language: Language, problem: &BankProblem, code: &str) -> Plan {
    match language {
        Language::Python => python::plan(problem, code),
        Language::JavaScript => javascript::plan(problem, code),
        Language::Java => java::plan(problem, code),
        Language::Cpp => cpp::plan(problem, code),
    }
}

/// What the candidate must write, in `language` (shown in messages and next to the
/// statement), e.g. `def two_sum(nums, target)`.
pub fn expected_signature(language: Language, problem: &BankProblem) -> String {
    match language {
        Language::Python => python::signature(problem),
        Language::JavaScript => javascript::signature(problem),
        Language::Java => java::signature(problem),
        Language::Cpp => cpp::signature(problem),
    }
}

/// Whether `code` defines what the problem names (a quick look at its words, comments
/// removed; the harness checks for real at run time where the language allows).
pub fn defines_target(language: Language, problem: &BankProblem, code: &str) -> bool {
    let words = words(&strip_comments(language, code));
    let has = |w: &str| words.iter().any(|x| x == w);
    let class = |name: &str| {
        words
            .windows(2)
            .any(|p| (p[0] == "class" || p[0] == "struct") && p[1] == name)
    };
    let method = |snake: &str| match language {
        Language::Python => has(snake),
        _ => has(&camel(snake)),
    };
    match &problem.signature {
        Signature::Function { .. } => match language {
            Language::Python | Language::JavaScript => method(&problem.function),
            Language::Java | Language::Cpp => class("Solution") && method(&problem.function),
        },
        Signature::Design { class: name, .. } => class(name),
    }
}

/// Whether the candidate's own code defines `ListNode` / `TreeNode` (Java and C++ then use
/// theirs instead of the harness's).
pub fn defines_class(language: Language, code: &str, name: &str) -> bool {
    words(&strip_comments(language, code))
        .windows(2)
        .any(|p| (p[0] == "class" || p[0] == "struct") && p[1] == name)
}

fn words(code: &str) -> Vec<String> {
    code.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// `code` without comments (`#` in Python, `//` and `/* */` elsewhere); string literals
/// are kept as they are, which is good enough for looking for names.
fn strip_comments(language: Language, code: &str) -> String {
    if language == Language::Python {
        return code
            .lines()
            .map(|l| l.split('#').next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n");
    }
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.find('\n').map_or("", |i| &after[i..]);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |i| &after[i + 2..]);
            out.push(' ');
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// `two_sum` -> `twoSum`.
pub fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The header spec for the dynamic languages: names (snake or camel) and types.
fn spec(problem: &BankProblem, name: impl Fn(&str) -> String) -> serde_json::Value {
    use serde_json::json;
    let params = |ps: &[Param]| -> Vec<serde_json::Value> {
        ps.iter()
            .map(|p| json!([p.name, p.ty.to_string()]))
            .collect()
    };
    let returns = |r: &Option<Type>| r.as_ref().map_or("void".to_string(), Type::to_string);
    match &problem.signature {
        Signature::Function {
            params: ps,
            returns: r,
            cycle_pos,
        } => json!({
            "kind": "function",
            "name": name(&problem.function),
            "params": params(ps),
            "returns": returns(&r.0),
            "cycle_pos": cycle_pos,
        }),
        Signature::Design {
            class,
            constructor,
            methods,
        } => {
            let methods: serde_json::Map<String, serde_json::Value> = methods
                .iter()
                .map(|m| {
                    (
                        m.name.clone(),
                        json!({"name": name(&m.name), "params": params(&m.params), "returns": returns(&m.returns.0)}),
                    )
                })
                .collect();
            json!({"kind": "design", "class": class, "constructor": params(constructor), "methods": methods})
        }
    }
}

fn file(path: &str, contents: impl Into<Vec<u8>>) -> File {
    File {
        path: path.to_string(),
        contents: contents.into(),
    }
}

fn argv(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| s.to_string()).collect()
}

/// Bytes of stdout (and of stderr) one harness process may write: it answers every case
/// of a run (each answer carrying up to `Settings::keep_bytes` of what the candidate
/// printed), so it gets more than a single program's 64 KiB. The README's "Limits per
/// language" table says so; `BENCHMARKS.md` has the largest answer of the references.
pub const HARNESS_OUTPUT_BYTES: usize = 1024 * 1024;

/// Limits of a harness run, before the judge adds the per-case time to its CPU and wall
/// time: the sandbox's own for the runtime (one table for every run), with the larger
/// output cap above.
pub fn run_limits(runtime: Runtime) -> Limits {
    Limits {
        output_bytes: HARNESS_OUTPUT_BYTES,
        ..Limits::for_run(runtime)
    }
}

/// Limits of the compile step: exactly the sandbox's for the runtime.
pub fn compile_limits(runtime: Runtime) -> Limits {
    Limits::for_compile(runtime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_of_the_banks_names() {
        assert_eq!(camel("two_sum"), "twoSum");
        assert_eq!(camel("starts_with"), "startsWith");
        assert_eq!(camel("get"), "get");
        assert_eq!(camel("num_courses"), "numCourses");
    }

    #[test]
    fn names_in_comments_do_not_count_as_definitions() {
        let code = "/** public class ListNode { int val; } */\nclass Solution {}";
        assert!(!defines_class(Language::Java, code, "ListNode"));
        assert!(defines_class(
            Language::Cpp,
            "// x\nstruct ListNode { int val; };",
            "ListNode"
        ));
        assert!(!defines_class(
            Language::Python,
            "# class ListNode:\n",
            "ListNode"
        ));
    }
}
