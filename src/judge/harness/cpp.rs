//! C++17: `main.cpp` is the per-run harness (`harness_core.h`'s declarations, the node
//! types unless the candidate defines them, `#include "solution.cpp"` so compiler messages
//! name the candidate's own lines, the conversions between JSON and the signature's types),
//! then glue generated from the signature that calls `Solution().twoSum(...)` or the
//! class's camelCase methods. The rest of the harness (its JSON reader and writer, the
//! protocol, `main`: `harness_core.cpp`) is the same for every problem and language level,
//! so the judge compiles it once into an object file beside the precompiled
//! `<bits/stdc++.h>` ([`use_precompiled`], `judge::pch`) and each run only links it;
//! without them it is compiled with the run. Flags: [`FLAGS`].

use super::{Plan, argv, camel, compile_limits, defines_class, file, run_limits};
use crate::problems::BankProblem;
use crate::problems::signature::{Param, Returns, Signature, Type};
use crate::sandbox::Runtime;
use std::fmt::Write;

/// The flags of every C++ compile, and of the precompiled header, which g++ uses only
/// when it was made with the same ones.
pub const FLAGS: [&str; 5] = [
    "-std=c++17",
    "-O2",
    "-pipe",
    "-D_GLIBCXX_ASSERTIONS",
    "-pthread",
];

/// The directory (under a precompiled headers directory) and name g++ looks for when
/// `<bits/stdc++.h>` is included with that directory on the include path.
pub const PCH_FILE: &str = "bits/stdc++.h.gch";

/// The harness's common part compiled (`harness_core.cpp` with [`FLAGS`]), in the same
/// directory as the precompiled header.
pub const CORE_OBJECT: &str = "harness_core.o";

/// The common part's source file in a run's workspace, when it has no object to link.
const CORE_SOURCE: &str = "harness_core.cpp";

const CORE_H: &str = include_str!("harness_core.h");
const CORE: &str = include_str!("harness_core.cpp");
const HARNESS: &str = include_str!("harness.cpp");

/// The source of the harness's common part (the same for every problem).
pub fn core_source() -> String {
    format!("{CORE_H}{CORE}")
}

pub fn plan(problem: &BankProblem, code: &str) -> Plan {
    let mut main = CORE_H.to_string();
    main.push_str(HARNESS);
    main.push_str(&glue(problem));
    let mut compile = argv(&["g++"]);
    compile.extend(argv(&FLAGS));
    compile.extend(argv(&[
        "-fmax-errors=20",
        "-o",
        "main",
        "main.cpp",
        CORE_SOURCE,
    ]));
    for (name, flag) in [
        ("ListNode", "-DIC_CANDIDATE_LIST_NODE"),
        ("TreeNode", "-DIC_CANDIDATE_TREE_NODE"),
    ] {
        if defines_class(super::Language::Cpp, code, name) {
            compile.push(flag.to_string());
        }
    }
    Plan {
        files: vec![
            file("main.cpp", main),
            file(CORE_SOURCE, core_source()),
            file("solution.cpp", code),
        ],
        compile: Some((compile, compile_limits(Runtime::Cxx))),
        run: argv(&["./main"]),
        limits: run_limits(Runtime::Cxx),
        candidate_file: "solution.cpp".into(),
        spec: serde_json::Value::Null,
    }
}

/// Puts `dir` first on the include path, so that g++ takes `dir/bits/stdc++.h.gch` for
/// the harness's `#include <bits/stdc++.h>` when it is there and valid (same compiler,
/// same flags), and reads the header itself otherwise; and links `dir`'s compiled
/// common part ([`CORE_OBJECT`]) instead of compiling it, when it is there.
pub fn use_precompiled(plan: &mut Plan, dir: &std::path::Path) {
    let object = dir.join(CORE_OBJECT);
    let linked = object.is_file();
    if let Some((compile, _)) = &mut plan.compile {
        compile.insert(1, format!("-I{}", dir.display()));
        if linked {
            for arg in compile.iter_mut().filter(|a| *a == CORE_SOURCE) {
                *arg = object.display().to_string();
            }
        }
    }
    if linked {
        plan.files.retain(|f| f.path != CORE_SOURCE);
    }
}

fn cpp_type(ty: &Type) -> String {
    match ty {
        Type::Int => "int".into(),
        Type::Long => "long long".into(),
        Type::Double => "double".into(),
        Type::Bool => "bool".into(),
        Type::String => "string".into(),
        Type::ListNode => "ListNode*".into(),
        Type::TreeNode => "TreeNode*".into(),
        Type::Array(inner) => format!("vector<{}>", cpp_type(inner)),
    }
}

/// A parameter as a candidate writes it: containers by reference.
fn param(p: &Param) -> String {
    let ty = cpp_type(&p.ty);
    match p.ty {
        Type::Array(_) => format!("{ty}& {}", camel(&p.name)),
        _ => format!("{ty} {}", camel(&p.name)),
    }
}

fn params(ps: &[Param]) -> String {
    ps.iter().map(param).collect::<Vec<_>>().join(", ")
}

fn returns(r: &Returns) -> String {
    r.0.as_ref().map_or("void".into(), cpp_type)
}

pub fn signature(problem: &BankProblem) -> String {
    match &problem.signature {
        Signature::Function {
            params: ps,
            returns: r,
            ..
        } => format!(
            "class Solution {{\npublic:\n    {} {}({});\n}};",
            returns(r),
            camel(&problem.function),
            params(ps)
        ),
        Signature::Design {
            class,
            constructor,
            methods,
        } => {
            let mut out = format!(
                "class {class} {{\npublic:\n    {class}({});",
                params(constructor)
            );
            for m in methods {
                let _ = write!(
                    out,
                    "\n    {} {}({});",
                    returns(&m.returns),
                    camel(&m.name),
                    params(&m.params)
                );
            }
            out.push_str("\n};");
            out
        }
    }
}

/// The statement writing result `r` of type `ty` into `out`; scalars are cast to the
/// signature's type so an `int` returned for a `bool` prints as a boolean.
fn put(ty: &Type) -> String {
    match ty {
        Type::Array(_) | Type::String => "put(out, r);".into(),
        other => format!("put(out, static_cast<{}>(r));", cpp_type(other)),
    }
}

/// `auto pN = Conv<T>::from(source);` for each parameter; returns `p0, p1, ...`.
fn declare(
    out: &mut String,
    indent: &str,
    ps: &[Param],
    source: impl Fn(usize, &Param) -> String,
) -> String {
    let mut names = Vec::new();
    for (i, p) in ps.iter().enumerate() {
        let _ = writeln!(
            out,
            "{indent}auto p{i} = Conv<{}>::from({});",
            cpp_type(&p.ty),
            source(i, p)
        );
        names.push(format!("p{i}"));
    }
    names.join(", ")
}

fn glue(problem: &BankProblem) -> String {
    let mut out =
        String::from("\nnamespace ic {\nstd::string call(const Json& c) {\n    std::string out;\n");
    match &problem.signature {
        Signature::Function {
            params: ps,
            returns: r,
            cycle_pos,
        } => {
            out.push_str("    Solution* s = new Solution();\n");
            let mut names = Vec::new();
            for (i, p) in ps.iter().enumerate() {
                match cycle_pos {
                    Some(pos) if p.ty == Type::ListNode => {
                        let _ = writeln!(
                            out,
                            "    ListNode* p{i} = build_list(c[\"{}\"], c[\"{pos}\"].i);",
                            p.name
                        );
                    }
                    _ => {
                        let _ = writeln!(
                            out,
                            "    auto p{i} = Conv<{}>::from(c[\"{}\"]);",
                            cpp_type(&p.ty),
                            p.name
                        );
                    }
                }
                names.push(format!("p{i}"));
            }
            let call = format!("s->{}({})", camel(&problem.function), names.join(", "));
            match &r.0 {
                Some(ty) => {
                    let _ = writeln!(
                        out,
                        "    long long t = clock_ns();\n    auto r = {call};\n    spent_ms += (clock_ns() - t) / 1e6;\n    {}",
                        put(ty)
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "    long long t = clock_ns();\n    {call};\n    spent_ms += (clock_ns() - t) / 1e6;\n    out = \"null\";"
                    );
                }
            }
        }
        Signature::Design {
            class,
            constructor,
            methods,
        } => {
            out.push_str(
                "    const auto& ops = c[\"ops\"].a;\n    const auto& args = c[\"args\"].a;\n",
            );
            let names = declare(&mut out, "    ", constructor, |i, _| {
                format!("args[0].a[{i}]")
            });
            let _ = writeln!(
                out,
                "    long long t = clock_ns();\n    {class}* o = new {class}({names});\n    spent_ms += (clock_ns() - t) / 1e6;\n    out = \"[null\";\n    for (size_t k = 1; k < ops.size(); k++) {{\n        const std::string& op = ops[k].s;\n        const auto& a = args[k].a;\n        out += ',';"
            );
            for (n, m) in methods.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "        {}if (op == \"{}\") {{",
                    if n == 0 { "" } else { "else " },
                    m.name
                );
                let names = declare(&mut out, "            ", &m.params, |i, _| {
                    format!("a[{i}]")
                });
                let call = format!("o->{}({names})", camel(&m.name));
                match &m.returns.0 {
                    Some(ty) => {
                        let _ = writeln!(
                            out,
                            "            t = clock_ns();\n            auto r = {call};\n            spent_ms += (clock_ns() - t) / 1e6;\n            {}",
                            put(ty)
                        );
                    }
                    None => {
                        let _ = writeln!(
                            out,
                            "            t = clock_ns();\n            {call};\n            spent_ms += (clock_ns() - t) / 1e6;\n            out += \"null\";"
                        );
                    }
                }
                out.push_str("        }\n");
            }
            out.push_str("        else throw std::runtime_error(\"unknown op \" + op);\n    }\n    out += ']';\n");
        }
    }
    out.push_str("    return out;\n}\n}  // namespace ic\n");
    out
}
