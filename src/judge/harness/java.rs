//! Java 17: the candidate's file (`Solution.java`, or `{Class}.java` for a design problem,
//! with `java.util` imported on its first line so line numbers stay its own) compiled with
//! a generated `IcGlue` class (it converts the arguments and calls `new
//! Solution().twoSum(...)` or the class's camelCase methods; `IcMain` finds it by name)
//! and `IcNodes.java` (the bank's lists and trees). The rest of the harness (`IcMain.java`: the protocol, the JSON
//! reader and writer) is the same for every problem, so the judge compiles it once into a
//! shared directory ([`use_precompiled`], `judge::prebuilt`) and each run's compile only
//! puts it on the classpath; without it, it is compiled with the run. `ListNode` and
//! `TreeNode` come from the harness unless the candidate defines them.

use super::{Plan, argv, camel, compile_limits, defines_class, file, run_limits};
use crate::problems::BankProblem;
use crate::problems::signature::{Param, Returns, Signature, Type};
use crate::sandbox::Runtime;
use std::fmt::Write;

const CORE: &str = include_str!("IcMain.java");
const NODES: &str = include_str!("IcNodes.java");
const LIST_NODE: &str = include_str!("ListNode.java");
const TREE_NODE: &str = include_str!("TreeNode.java");
/// Prepended to the candidate's first line (not a line of its own, so compiler messages
/// keep the candidate's line numbers).
const IMPORTS: &str =
    "import java.util.*; import java.util.function.*; import java.util.stream.*; ";

/// The common part's source, and the class files it compiles to (what a run's
/// classpath needs of it).
pub const CORE_SOURCE: &str = "IcMain.java";
pub const CORE_CLASSES: [&str; 4] = [
    "IcMain.class",
    "IcMain$Capture.class",
    "IcMain$OutputLimit.class",
    "IcJson.class",
];

/// javac's class data sharing archive, beside the common part's classes.
pub const CDS_ARCHIVE: &str = "javac.jsa";

/// The source of the harness's common part (the same for every problem).
pub fn core_source() -> &'static str {
    CORE
}

/// The javac command line of `sources`, compiled into the working directory.
pub fn javac(sources: &[&str]) -> Vec<String> {
    let mut compile = argv(&[
        "javac",
        "-encoding",
        "UTF-8",
        "-nowarn",
        "-proc:none",
        "-Xmaxerrs",
        "20",
        "-d",
        ".",
    ]);
    compile.extend(argv(sources));
    compile
}

pub fn plan(problem: &BankProblem, code: &str) -> Plan {
    let candidate = match &problem.signature {
        Signature::Design { class, .. } => format!("{class}.java"),
        Signature::Function { .. } => "Solution.java".to_string(),
    };
    let mut files = vec![
        file("IcGlue.java", glue(problem, &candidate)),
        file("IcNodes.java", NODES),
        file(&candidate, format!("{IMPORTS}{code}")),
        file(CORE_SOURCE, CORE),
    ];
    let mut compile = javac(&["IcGlue.java", "IcNodes.java", &candidate, CORE_SOURCE]);
    for (name, source) in [("ListNode", LIST_NODE), ("TreeNode", TREE_NODE)] {
        if !defines_class(super::Language::Java, code, name) {
            files.push(file(&format!("{name}.java"), source));
            compile.push(format!("{name}.java"));
        }
    }
    Plan {
        files,
        compile: Some((compile, compile_limits(Runtime::Java))),
        run: argv(&["java", "-cp", ".", "IcMain"]),
        limits: run_limits(Runtime::Java),
        candidate_file: candidate,
        spec: serde_json::Value::Null,
    }
}

/// Uses the common part compiled in `dir` (when its classes are all there): it goes on
/// the classpath of the compile and of the run, and is no longer compiled with the run;
/// javac maps its class data sharing archive from there when there is one.
pub fn use_precompiled(plan: &mut Plan, dir: &std::path::Path) {
    if !CORE_CLASSES.iter().all(|c| dir.join(c).is_file()) {
        return;
    }
    let archive = dir.join(CDS_ARCHIVE);
    let dir = dir.display().to_string();
    if let Some((compile, _)) = &mut plan.compile {
        compile.retain(|a| a != CORE_SOURCE);
        compile.insert(1, "-cp".into());
        compile.insert(2, dir.clone());
        if archive.is_file() {
            compile.insert(1, format!("-J-XX:SharedArchiveFile={}", archive.display()));
        }
    }
    plan.files.retain(|f| f.path != CORE_SOURCE);
    if let Some(i) = plan.run.iter().position(|a| a == "-cp") {
        plan.run[i + 1] = format!(".:{dir}");
    }
}

fn java_type(ty: &Type) -> String {
    match ty {
        Type::Int => "int".into(),
        Type::Long => "long".into(),
        Type::Double => "double".into(),
        Type::Bool => "boolean".into(),
        Type::String => "String".into(),
        Type::ListNode => "ListNode".into(),
        Type::TreeNode => "TreeNode".into(),
        Type::Array(inner) => format!("{}[]", java_type(inner)),
    }
}

fn returns(r: &Returns) -> String {
    r.0.as_ref().map_or("void".into(), java_type)
}

/// The expression converting the JSON value `x` to `ty`.
fn convert(ty: &Type, x: &str) -> String {
    let (base, depth) = ty.base();
    let stem = match base {
        Type::Int => "i",
        Type::Long => "l",
        Type::Double => "d",
        Type::Bool => "b",
        Type::String => "s",
        Type::ListNode if depth == 0 => return format!("IcNodes.list({x})"),
        Type::TreeNode if depth == 0 => return format!("IcNodes.tree({x})"),
        Type::ListNode => "ln",
        Type::TreeNode => "tn",
        Type::Array(_) => "a",
    };
    let class = if matches!(base, Type::ListNode | Type::TreeNode) {
        "IcNodes"
    } else {
        "IcJson"
    };
    match depth {
        0 => format!("{class}.{stem}({x})"),
        1 => format!("{class}.{stem}a({x})"),
        _ => format!("{class}.{stem}a2({x})"),
    }
}

fn params(ps: &[Param]) -> String {
    ps.iter()
        .map(|p| format!("{} {}", java_type(&p.ty), camel(&p.name)))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn signature(problem: &BankProblem) -> String {
    match &problem.signature {
        Signature::Function {
            params: ps,
            returns: r,
            ..
        } => format!(
            "class Solution {{\n    public {} {}({})\n}}",
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
                "class {class} {{\n    public {class}({})",
                params(constructor)
            );
            for m in methods {
                let _ = write!(
                    out,
                    "\n    public {} {}({})",
                    returns(&m.returns),
                    camel(&m.name),
                    params(&m.params)
                );
            }
            out.push_str("\n}");
            out
        }
    }
}

/// Declarations of the converted arguments `p0, p1, ...` read from `source(i, name)`.
fn declare(
    out: &mut String,
    prefix: &str,
    ps: &[Param],
    source: impl Fn(usize, &str) -> String,
) -> String {
    let mut names = Vec::new();
    for (i, p) in ps.iter().enumerate() {
        let _ = writeln!(
            out,
            "        {} {prefix}{i} = {};",
            java_type(&p.ty),
            convert(&p.ty, &source(i, &p.name))
        );
        names.push(format!("{prefix}{i}"));
    }
    names.join(", ")
}

/// The expression turning result `r` of type `ty` into a JSON-shaped value (a null node
/// is the empty list).
fn result(ty: &Type) -> &'static str {
    match ty {
        Type::ListNode => "IcNodes.listOut(r)",
        Type::TreeNode => "IcNodes.treeOut(r)",
        _ => "IcMain.out(r)",
    }
}

fn glue(problem: &BankProblem, candidate: &str) -> String {
    let mut out = format!(
        "import java.util.*;\n\nfinal class IcGlue {{\n    static final String FILE = \"{candidate}\";\n\n    @SuppressWarnings(\"unchecked\")\n    static Object call(Map<String, Object> c) {{\n"
    );
    match &problem.signature {
        Signature::Function {
            params: ps,
            returns,
            cycle_pos,
        } => {
            out.push_str("        Solution s = new Solution();\n");
            let mut args = Vec::new();
            for (i, p) in ps.iter().enumerate() {
                let value = format!("c.get(\"{}\")", p.name);
                let expr = match cycle_pos {
                    Some(pos) if p.ty == Type::ListNode => {
                        format!("IcNodes.list({value}, IcJson.i(c.get(\"{pos}\")))")
                    }
                    _ => convert(&p.ty, &value),
                };
                let _ = writeln!(out, "        {} p{i} = {expr};", java_type(&p.ty));
                args.push(format!("p{i}"));
            }
            let _ = write!(
                out,
                "        long t = IcMain.now();\n        var r = s.{}({});\n        IcMain.spent += IcMain.now() - t;\n        return {};\n",
                camel(&problem.function),
                args.join(", "),
                returns.0.as_ref().map_or("IcMain.out(r)", result)
            );
        }
        Signature::Design {
            class,
            constructor,
            methods,
        } => {
            out.push_str("        List<?> ops = (List<?>) c.get(\"ops\");\n        List<?> args = (List<?>) c.get(\"args\");\n        List<Object> out = new ArrayList<>();\n        List<?> a = (List<?>) args.get(0);\n");
            let names = declare(&mut out, "c", constructor, |i, _| format!("a.get({i})"));
            let _ = write!(
                out,
                "        long t = IcMain.now();\n        {class} o = new {class}({names});\n        IcMain.spent += IcMain.now() - t;\n        out.add(null);\n        for (int k = 1; k < ops.size(); k++) {{\n            a = (List<?>) args.get(k);\n            switch ((String) ops.get(k)) {{\n"
            );
            for m in methods {
                let _ = writeln!(out, "            case \"{}\": {{", m.name);
                let mut body = String::new();
                let names = declare(&mut body, "p", &m.params, |i, _| format!("a.get({i})"));
                out.push_str(&body.replace("        ", "                "));
                let call = format!("o.{}({names})", camel(&m.name));
                let _ = writeln!(out, "                t = IcMain.now();");
                if let Some(ty) = &m.returns.0 {
                    let _ = writeln!(
                        out,
                        "                var r = {call};\n                IcMain.spent += IcMain.now() - t;\n                out.add({});",
                        result(ty)
                    );
                } else {
                    let _ = writeln!(
                        out,
                        "                {call};\n                IcMain.spent += IcMain.now() - t;\n                out.add(null);"
                    );
                }
                out.push_str("                break;\n            }\n");
            }
            out.push_str("            default: throw new IllegalArgumentException(\"unknown op \" + ops.get(k));\n            }\n        }\n        return out;\n");
        }
    }
    out.push_str("    }\n}\n");
    out
}
