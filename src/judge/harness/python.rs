//! Python 3: `harness.py` execs the candidate's `solution.py` and calls the top-level
//! function (snake_case, as the bank's `function`) or the class with snake_case methods.

use super::{Plan, argv, file, run_limits, spec};
use crate::problems::BankProblem;
use crate::problems::signature::{Param, Signature};
use crate::sandbox::Runtime;

const HARNESS: &str = include_str!("harness.py");

pub fn plan(problem: &BankProblem, code: &str) -> Plan {
    Plan {
        files: vec![file("harness.py", HARNESS), file("solution.py", code)],
        compile: None,
        run: argv(&["python3", "-S", "-B", "harness.py"]),
        limits: run_limits(Runtime::Python),
        candidate_file: "solution.py".into(),
        spec: spec(problem, str::to_string),
    }
}

fn names(params: &[Param]) -> String {
    params
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn signature(problem: &BankProblem) -> String {
    match &problem.signature {
        Signature::Function { params, .. } => {
            format!("def {}({})", problem.function, names(params))
        }
        Signature::Design {
            class,
            constructor,
            methods,
        } => {
            let mut out = format!("class {class}:\n    def __init__(self");
            for p in constructor {
                out.push_str(", ");
                out.push_str(&p.name);
            }
            out.push(')');
            for m in methods {
                out.push_str(&format!("\n    def {}(self", m.name));
                for p in &m.params {
                    out.push_str(", ");
                    out.push_str(&p.name);
                }
                out.push(')');
            }
            out
        }
    }
}
