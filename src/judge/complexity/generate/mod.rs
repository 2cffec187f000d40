//! Input generators, one per bank problem: given a size n and a seed, an input object
//! (the arguments' JSON, as a case's `input`) valid for the problem's signature and
//! constraints, where n is the size the problem's complexity is stated in (the array's
//! length, the tree's nodes, the grid's cells, the number of calls of a design problem).
//! Each also names the class of the bank's reference solution in that n, which the
//! accuracy benchmark checks the measurement against.
//!
//! Pure and deterministic: the same (n, seed) gives the same input. Nothing here runs a
//! program; a generator never produces an input its problem's statement rules out.

mod arrays;
mod rng;
mod structures;

use super::fit::Class;
pub use rng::Rng;
use serde_json::Value;

/// How to make inputs of one problem.
#[derive(Clone, Copy)]
pub struct Generator {
    /// The class of the bank's reference solution in n.
    pub expected: Class,
    /// The largest n the problem's constraints allow; measured sizes end there.
    pub max_n: usize,
    /// The smallest n that makes a valid input.
    pub min_n: usize,
    /// What n counts, for messages and documentation.
    pub n_is: &'static str,
    make: fn(usize, &mut Rng) -> Value,
}

impl std::fmt::Debug for Generator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generator")
            .field("expected", &self.expected)
            .field("max_n", &self.max_n)
            .field("n_is", &self.n_is)
            .finish()
    }
}

impl Generator {
    /// The input of size `n` (clamped to the problem's range) for `seed`.
    pub fn input(&self, n: usize, seed: u64) -> Value {
        let n = n.clamp(self.min_n, self.max_n);
        (self.make)(
            n,
            &mut Rng::new(seed ^ (n as u64).wrapping_mul(0x100_0000_01B3)),
        )
    }
}

const fn entry(
    expected: Class,
    min_n: usize,
    max_n: usize,
    n_is: &'static str,
    make: fn(usize, &mut Rng) -> Value,
) -> Generator {
    Generator {
        expected,
        max_n,
        min_n,
        n_is,
        make,
    }
}

/// The generator of the bank problem `id`, if it has one.
pub fn generator(id: &str) -> Option<Generator> {
    arrays::generator(id).or_else(|| structures::generator(id))
}

/// A random binary tree of `n` nodes (each new node takes a random free child slot),
/// as `(left, right)` child indices per node; node 0 is the root.
pub(super) fn tree_shape(n: usize, rng: &mut Rng) -> Vec<(Option<usize>, Option<usize>)> {
    let mut nodes = vec![(None, None); n];
    let mut free: Vec<(usize, bool)> = if n > 0 {
        vec![(0, false), (0, true)]
    } else {
        Vec::new()
    };
    for child in 1..n {
        let (parent, right) = free.swap_remove(rng.below(free.len()));
        if right {
            nodes[parent].1 = Some(child);
        } else {
            nodes[parent].0 = Some(child);
        }
        free.push((child, false));
        free.push((child, true));
    }
    nodes
}

/// The tree in the bank's level-order form, node `i` holding `values[i]`.
pub(super) fn level_order(shape: &[(Option<usize>, Option<usize>)], values: &[i64]) -> Value {
    let mut out: Vec<Value> = Vec::new();
    let mut queue = std::collections::VecDeque::new();
    if !shape.is_empty() {
        queue.push_back(Some(0));
    }
    while let Some(slot) = queue.pop_front() {
        match slot {
            Some(i) => {
                out.push(values[i].into());
                queue.push_back(shape[i].0);
                queue.push_back(shape[i].1);
            }
            None => out.push(Value::Null),
        }
    }
    while out.last() == Some(&Value::Null) {
        out.pop();
    }
    Value::Array(out)
}

/// Node indices of `shape` in order (left, node, right).
pub(super) fn in_order(shape: &[(Option<usize>, Option<usize>)]) -> Vec<usize> {
    let mut out = Vec::with_capacity(shape.len());
    let mut stack = Vec::new();
    let mut node = if shape.is_empty() { None } else { Some(0) };
    while node.is_some() || !stack.is_empty() {
        while let Some(i) = node {
            stack.push(i);
            node = shape[i].0;
        }
        if let Some(i) = stack.pop() {
            out.push(i);
            node = shape[i].1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problems::ProblemBank;

    #[test]
    fn every_bank_problem_has_a_generator_whose_inputs_fit_its_signature() {
        let bank = ProblemBank::load_default().expect("the bank loads");
        for problem in bank.all() {
            let g =
                generator(&problem.id).unwrap_or_else(|| panic!("{} has no generator", problem.id));
            assert!(g.min_n <= g.max_n, "{}", problem.id);
            for n in [g.min_n, (g.min_n + g.max_n) / 2, g.max_n] {
                let input = g.input(n, 3);
                problem
                    .signature
                    .check_input(&input)
                    .unwrap_or_else(|e| panic!("{} at n={n}: {e}", problem.id));
            }
        }
    }

    #[test]
    fn inputs_are_deterministic_for_a_size_and_a_seed() {
        let g = generator("two-sum").expect("two-sum");
        assert_eq!(g.input(100, 1), g.input(100, 1));
        assert_ne!(g.input(100, 1), g.input(100, 2));
    }

    #[test]
    fn a_tree_shape_has_every_node_once_and_in_order_visits_all() {
        let mut rng = Rng::new(5);
        let shape = tree_shape(50, &mut rng);
        let mut seen = in_order(&shape);
        seen.sort();
        assert_eq!(seen, (0..50).collect::<Vec<_>>());
        let values: Vec<i64> = (0..50).collect();
        let form = level_order(&shape, &values);
        let count = form
            .as_array()
            .map(|a| a.iter().filter(|v| !v.is_null()).count());
        assert_eq!(count, Some(50));
    }
}
