//! The bank's compare modes (`exact`, `unordered`, `unordered_nested`, `float`) on JSON
//! values, the same rules as `problems/check_reference.py`: booleans never equal numbers,
//! `2` equals `2.0`, unordered lists compare as multisets. Pure functions; never runs code.

use serde_json::Value;

/// The tolerance of `float` (absolute, or relative above magnitude 1).
pub const FLOAT_TOLERANCE: f64 = 1e-6;

/// A compare mode of the bank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Exact,
    Unordered,
    UnorderedNested,
    Float,
}

impl Mode {
    pub fn parse(text: &str) -> Option<Mode> {
        Some(match text {
            "exact" => Mode::Exact,
            "unordered" => Mode::Unordered,
            "unordered_nested" => Mode::UnorderedNested,
            "float" => Mode::Float,
            _ => return None,
        })
    }
}

/// Whether `got` is an accepted answer for `expected` under `mode`.
pub fn matches(mode: Mode, got: &Value, expected: &Value) -> bool {
    match mode {
        Mode::Exact => exact(got, expected),
        Mode::Float => float(got, expected),
        Mode::Unordered => unordered(got, expected, false),
        Mode::UnorderedNested => unordered(got, expected, true),
    }
}

fn numbers_equal(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    match (a.as_i64(), b.as_i64(), a.as_u64(), b.as_u64()) {
        (Some(x), Some(y), _, _) => x == y,
        (_, _, Some(x), Some(y)) => x == y,
        _ => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
    }
}

fn exact(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => numbers_equal(x, y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| exact(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| exact(v, w)))
        }
        _ => a == b,
    }
}

fn float(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) if !x.is_nan() && !y.is_nan() => {
                (x - y).abs() <= FLOAT_TOLERANCE * 1f64.max(x.abs()).max(y.abs())
            }
            _ => false,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| float(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| float(v, w)))
        }
        _ => exact(a, b),
    }
}

/// A canonical text for a value, used as a sort key: keys sorted, integral floats written
/// as integers (so `2` and `2.0` agree), booleans apart from numbers.
fn canon(v: &Value) -> String {
    let mut out = String::new();
    write_canon(&mut out, v);
    out
}

fn write_canon(out: &mut String, v: &Value) {
    match v {
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => out.push_str(&i.to_string()),
            (_, Some(u), _) => out.push_str(&u.to_string()),
            (_, _, Some(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                out.push_str(&(f as i64).to_string())
            }
            _ => out.push_str(&n.to_string()),
        },
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canon(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canon(out, &map[k]);
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn unordered(a: &Value, b: &Value, nested: bool) -> bool {
    let (Value::Array(a), Value::Array(b)) = (a, b) else {
        return false;
    };
    if a.len() != b.len() {
        return false;
    }
    if nested && !a.iter().chain(b).all(Value::is_array) {
        return false;
    }
    let key = |item: &Value| -> String {
        match item {
            Value::Array(inner) if nested => {
                let mut parts: Vec<String> = inner.iter().map(canon).collect();
                parts.sort();
                format!("[{}]", parts.join(","))
            }
            other => canon(other),
        }
    };
    let mut left: Vec<String> = a.iter().map(key).collect();
    let mut right: Vec<String> = b.iter().map(key).collect();
    left.sort();
    right.sort();
    left == right
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn exact_keeps_booleans_apart_from_numbers_and_equates_2_with_2_0() {
        assert!(matches(Mode::Exact, &json!(2), &json!(2.0)));
        assert!(!matches(Mode::Exact, &json!(true), &json!(1)));
        assert!(!matches(Mode::Exact, &json!(0), &json!(false)));
        assert!(matches(
            Mode::Exact,
            &json!([1, [2, "a"]]),
            &json!([1, [2, "a"]])
        ));
        assert!(!matches(Mode::Exact, &json!([1, 2]), &json!([2, 1])));
        assert!(!matches(Mode::Exact, &json!(null), &json!(0)));
        assert!(matches(Mode::Exact, &json!({"a": 1}), &json!({"a": 1.0})));
    }

    #[test]
    fn float_allows_a_small_absolute_or_relative_difference() {
        assert!(matches(Mode::Float, &json!(1.5000004), &json!(1.5)));
        assert!(!matches(Mode::Float, &json!(1.51), &json!(1.5)));
        assert!(matches(Mode::Float, &json!(1e9 + 100.0), &json!(1e9)));
        assert!(matches(
            Mode::Float,
            &json!([null, 2, 1.5]),
            &json!([null, 2.0, 1.5000001])
        ));
        assert!(!matches(
            Mode::Float,
            &json!([null, true]),
            &json!([null, 1.0])
        ));
    }

    #[test]
    fn unordered_compares_multisets() {
        assert!(matches(
            Mode::Unordered,
            &json!([2, 1, 2]),
            &json!([1, 2, 2])
        ));
        assert!(!matches(
            Mode::Unordered,
            &json!([2, 1, 1]),
            &json!([1, 2, 2])
        ));
        assert!(matches(
            Mode::Unordered,
            &json!([[1, 2], [0, 1]]),
            &json!([[0, 1], [1, 2]])
        ));
        assert!(!matches(
            Mode::Unordered,
            &json!([[2, 1]]),
            &json!([[1, 2]])
        ));
        assert!(matches(Mode::Unordered, &json!([2.0, 1]), &json!([1, 2])));
        assert!(!matches(Mode::Unordered, &json!([true]), &json!([1])));
        assert!(!matches(Mode::Unordered, &json!(1), &json!(1)));
    }

    #[test]
    fn unordered_nested_ignores_order_inside_and_outside() {
        let got = json!([["tea", "eat"], ["bat"]]);
        assert!(matches(
            Mode::UnorderedNested,
            &got,
            &json!([["bat"], ["eat", "tea"]])
        ));
        assert!(!matches(
            Mode::UnorderedNested,
            &got,
            &json!([["bat"], ["eat", "eat"]])
        ));
        assert!(!matches(Mode::UnorderedNested, &json!([1]), &json!([1])));
        assert!(matches(Mode::UnorderedNested, &json!([]), &json!([])));
    }
}
