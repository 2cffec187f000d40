//! A bank problem's typed signature (the `[signature]` table): the parameters and return
//! type of the function the candidate writes, or the class, constructor and methods of a
//! design problem. The judge's harnesses build typed arguments from it (Java and C++ need
//! the types; Python and JavaScript use the names). Values and their validation only: it
//! never generates code and never runs anything.

use serde::Deserialize;
use std::fmt;
use std::str::FromStr;

/// A value type of the bank's JSON conventions.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub enum Type {
    /// 32-bit signed integer.
    Int,
    /// 64-bit signed integer.
    Long,
    Double,
    Bool,
    String,
    /// A singly linked list, written as the list of its values; may be empty (null).
    ListNode,
    /// A binary tree, written in level order with `null` gaps; may be empty (null).
    TreeNode,
    /// `T[]`: a list (an array in Java, a `vector` in C++).
    Array(Box<Type>),
}

impl Type {
    /// The element type of the innermost array, and how many `[]` surround it.
    pub fn base(&self) -> (&Type, usize) {
        match self {
            Type::Array(inner) => {
                let (base, depth) = inner.base();
                (base, depth + 1)
            }
            other => (other, 0),
        }
    }
}

impl FromStr for Type {
    type Err = String;

    fn from_str(text: &str) -> Result<Type, String> {
        if let Some(inner) = text.strip_suffix("[]") {
            let inner: Type = inner.parse()?;
            if inner.base().1 >= 2 {
                return Err(format!("type {text:?} is nested deeper than T[][]"));
            }
            return Ok(Type::Array(Box::new(inner)));
        }
        Ok(match text {
            "int" => Type::Int,
            "long" => Type::Long,
            "double" => Type::Double,
            "bool" => Type::Bool,
            "string" => Type::String,
            "ListNode" => Type::ListNode,
            "TreeNode" => Type::TreeNode,
            _ => {
                return Err(format!(
                    "unknown type {text:?} (int, long, double, bool, string, ListNode, TreeNode, each optionally with [] or [][])"
                ));
            }
        })
    }
}

impl TryFrom<String> for Type {
    type Error = String;
    fn try_from(text: String) -> Result<Type, String> {
        text.parse()
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Int => f.write_str("int"),
            Type::Long => f.write_str("long"),
            Type::Double => f.write_str("double"),
            Type::Bool => f.write_str("bool"),
            Type::String => f.write_str("string"),
            Type::ListNode => f.write_str("ListNode"),
            Type::TreeNode => f.write_str("TreeNode"),
            Type::Array(inner) => write!(f, "{inner}[]"),
        }
    }
}

/// A return type: a value, or `void`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Returns(pub Option<Type>);

impl TryFrom<String> for Returns {
    type Error = String;
    fn try_from(text: String) -> Result<Returns, String> {
        if text == "void" {
            return Ok(Returns(None));
        }
        text.parse().map(|t| Returns(Some(t)))
    }
}

/// One parameter, written `["name", "type"]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "(String, Type)")]
pub struct Param {
    pub name: String,
    pub ty: Type,
}

impl From<(String, Type)> for Param {
    fn from((name, ty): (String, Type)) -> Param {
        Param { name, ty }
    }
}

/// One method of a design problem's class; `name` is the op's snake_case name.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Method {
    pub name: String,
    pub params: Vec<Param>,
    pub returns: Returns,
}

/// What the candidate implements, with types.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawSignature")]
pub enum Signature {
    /// A class driven by `{"ops": [...], "args": [...]}` scripts.
    Design {
        class: String,
        constructor: Vec<Param>,
        methods: Vec<Method>,
    },
    /// A function called with the input's keys as arguments.
    Function {
        params: Vec<Param>,
        returns: Returns,
        /// An input key that is not an argument: the index the tail of the one `ListNode`
        /// argument links back to (`-1`: none), as `linked-list-cycle` writes cycles.
        cycle_pos: Option<String>,
    },
}

/// The `[signature]` table as written: either shape's keys, never both.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignature {
    class: Option<String>,
    constructor: Option<Vec<Param>>,
    methods: Option<Vec<Method>>,
    params: Option<Vec<Param>>,
    returns: Option<Returns>,
    cycle_pos: Option<String>,
}

impl TryFrom<RawSignature> for Signature {
    type Error = String;
    fn try_from(raw: RawSignature) -> Result<Signature, String> {
        let signature = match raw {
            RawSignature {
                class: Some(class),
                constructor: Some(constructor),
                methods: Some(methods),
                params: None,
                returns: None,
                cycle_pos: None,
            } => Signature::Design {
                class,
                constructor,
                methods,
            },
            RawSignature {
                class: None,
                constructor: None,
                methods: None,
                params: Some(params),
                returns: Some(returns),
                cycle_pos,
            } => Signature::Function {
                params,
                returns,
                cycle_pos,
            },
            _ => {
                return Err("a signature has either `params` and `returns` (a function) or `class`, `constructor` and `methods` (a design problem)".into());
            }
        };
        signature.check()?;
        Ok(signature)
    }
}

impl Signature {
    /// The input keys every case must have, in the signature's order.
    pub fn input_keys(&self) -> Vec<&str> {
        match self {
            Signature::Design { .. } => vec!["ops", "args"],
            Signature::Function {
                params, cycle_pos, ..
            } => params
                .iter()
                .map(|p| p.name.as_str())
                .chain(cycle_pos.as_deref())
                .collect(),
        }
    }

    pub fn method(&self, name: &str) -> Option<&Method> {
        match self {
            Signature::Design { methods, .. } => methods.iter().find(|m| m.name == name),
            Signature::Function { .. } => None,
        }
    }

    /// Problems in the signature itself (names, the cycle key), before any case is seen.
    fn check(&self) -> Result<(), String> {
        let snake = |n: &str| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        };
        let params_ok = |where_: &str, params: &[Param]| -> Result<(), String> {
            for p in params {
                if !snake(&p.name) {
                    return Err(format!(
                        "{where_}: parameter {:?} is not snake_case",
                        p.name
                    ));
                }
            }
            Ok(())
        };
        match self {
            Signature::Function {
                params, cycle_pos, ..
            } => {
                params_ok("signature.params", params)?;
                if cycle_pos.is_some()
                    && params.iter().filter(|p| p.ty == Type::ListNode).count() != 1
                {
                    return Err("signature.cycle_pos needs exactly one ListNode parameter".into());
                }
                Ok(())
            }
            Signature::Design {
                class,
                constructor,
                methods,
            } => {
                if !class.starts_with(|c: char| c.is_ascii_uppercase())
                    || !class.chars().all(|c| c.is_ascii_alphanumeric())
                {
                    return Err(format!("signature.class {class:?} is not a CamelCase name"));
                }
                params_ok("signature.constructor", constructor)?;
                for m in methods {
                    if !snake(&m.name) {
                        return Err(format!("method {:?} is not snake_case", m.name));
                    }
                    params_ok(&format!("method {}", m.name), &m.params)?;
                }
                Ok(())
            }
        }
    }

    /// Whether one case's input fits the signature (the keys, and a design script's ops).
    pub fn check_input(&self, input: &serde_json::Value) -> Result<(), String> {
        let Some(object) = input.as_object() else {
            return Err("the input must be a JSON object".into());
        };
        let mut want: Vec<&str> = self.input_keys();
        let mut have: Vec<&str> = object.keys().map(String::as_str).collect();
        want.sort_unstable();
        have.sort_unstable();
        if want != have {
            return Err(format!(
                "the input's keys {have:?} differ from the signature's {want:?}"
            ));
        }
        if let Signature::Design {
            class, constructor, ..
        } = self
        {
            let ops = object["ops"].as_array().map(Vec::as_slice).unwrap_or(&[]);
            let args = object["args"].as_array().map(Vec::as_slice).unwrap_or(&[]);
            if ops.len() != args.len() || ops.is_empty() {
                return Err("`ops` and `args` must be non-empty lists of equal length".into());
            }
            if ops[0].as_str() != Some(class.as_str()) {
                return Err(format!("ops[0] must be the class {class:?}"));
            }
            for (i, (op, arg)) in ops.iter().zip(args).enumerate() {
                let arity = match (i, op.as_str()) {
                    (0, _) => constructor.len(),
                    (_, Some(name)) => match self.method(name) {
                        Some(m) => m.params.len(),
                        None => return Err(format!("ops[{i}] {op} is not a method")),
                    },
                    _ => return Err(format!("ops[{i}] is not a string")),
                };
                if arg.as_array().map(Vec::len) != Some(arity) {
                    return Err(format!("args[{i}] must be a list of {arity} argument(s)"));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_parse_and_print_back() {
        for text in [
            "int",
            "long",
            "double[]",
            "string[][]",
            "ListNode[]",
            "TreeNode",
        ] {
            let t: Type = text.parse().unwrap();
            assert_eq!(t.to_string(), text);
        }
        assert!("int[][][]".parse::<Type>().is_err());
        assert!(
            "float"
                .parse::<Type>()
                .unwrap_err()
                .contains("unknown type")
        );
    }

    #[test]
    fn a_function_signature_reads_from_toml() {
        let sig: Signature = toml::from_str(
            "params = [[\"nums\", \"int[]\"], [\"target\", \"int\"]]\nreturns = \"int[]\"",
        )
        .unwrap();
        assert_eq!(sig.input_keys(), vec!["nums", "target"]);
        let input = serde_json::json!({"nums": [1], "target": 2});
        assert!(sig.check_input(&input).is_ok());
        let err = sig
            .check_input(&serde_json::json!({"nums": [1]}))
            .unwrap_err();
        assert!(err.contains("target"), "{err}");
    }

    #[test]
    fn a_design_signature_checks_its_scripts() {
        let sig: Signature = toml::from_str(
            "class = \"LRUCache\"\nconstructor = [[\"capacity\", \"int\"]]\nmethods = [{ name = \"get\", params = [[\"key\", \"int\"]], returns = \"int\" }]",
        )
        .unwrap();
        assert!(sig.check().is_ok());
        let ok = serde_json::json!({"ops": ["LRUCache", "get"], "args": [[2], [1]]});
        assert!(sig.check_input(&ok).is_ok());
        let bad = serde_json::json!({"ops": ["LRUCache", "put"], "args": [[2], [1, 1]]});
        assert!(sig.check_input(&bad).unwrap_err().contains("put"));
    }
}
