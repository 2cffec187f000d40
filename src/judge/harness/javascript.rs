//! JavaScript (Node.js): `harness.js` runs the candidate's `solution.js` in a vm context
//! and calls the top-level `function twoSum(...)` (camelCase) or the class with camelCase
//! methods; every call carries the time limit (vm's timeout interrupts a loop).

use super::{Plan, argv, camel, file, run_limits, spec};
use crate::problems::BankProblem;
use crate::problems::signature::{Param, Signature};
use crate::sandbox::Runtime;

const HARNESS: &str = include_str!("harness.js");

pub fn plan(problem: &BankProblem, code: &str) -> Plan {
    Plan {
        files: vec![file("harness.js", HARNESS), file("solution.js", code)],
        compile: None,
        // The sandbox adds `--max-old-space-size` from the runtime's heap limit.
        run: argv(&["node", "harness.js"]),
        limits: run_limits(Runtime::Node),
        candidate_file: "solution.js".into(),
        spec: spec(problem, camel),
    }
}

fn names(params: &[Param]) -> String {
    params
        .iter()
        .map(|p| camel(&p.name))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn signature(problem: &BankProblem) -> String {
    match &problem.signature {
        Signature::Function { params, .. } => {
            format!("function {}({})", camel(&problem.function), names(params))
        }
        Signature::Design {
            class,
            constructor,
            methods,
        } => {
            let mut out = format!("class {class} {{\n  constructor({})", names(constructor));
            for m in methods {
                out.push_str(&format!("\n  {}({})", camel(&m.name), names(&m.params)));
            }
            out.push_str("\n}");
            out
        }
    }
}
