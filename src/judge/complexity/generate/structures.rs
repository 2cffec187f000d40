//! Generators of the bank's tree, linked-list, graph, grid and design problems. n is the
//! number of nodes, cells, edges or calls, as each entry says.

use super::{Generator, Rng, entry, in_order, level_order, tree_shape};
use crate::judge::complexity::fit::Class::{Linear, Linearithmic};
use serde_json::{Value, json};

pub(super) fn generator(id: &str) -> Option<Generator> {
    let nodes = |min: usize, max: usize, make: fn(usize, &mut Rng) -> Value| {
        entry(Linear, min, max, "nodes", make)
    };
    let calls =
        |class, max: usize, make: fn(usize, &mut Rng) -> Value| entry(class, 2, max, "calls", make);
    Some(match id {
        "add-two-numbers" => entry(
            Linear,
            1,
            100,
            "digits",
            |n, r| json!({"l1": digits(n, r), "l2": digits(n, r)}),
        ),
        "binary-tree-level-order-traversal" => nodes(0, 2_000, |n, r| tree(n, -1000, 1000, r)),
        "binary-tree-maximum-path-sum" => nodes(1, 30_000, |n, r| tree(n, -1000, 1000, r)),
        "invert-binary-tree" => nodes(0, 100, |n, r| tree(n, -100, 100, r)),
        "maximum-depth-of-binary-tree" => nodes(0, 10_000, |n, r| tree(n, -100, 100, r)),
        "lowest-common-ancestor-of-a-binary-tree" => nodes(2, 100_000, |n, r| {
            let shape = tree_shape(n, r);
            let mut values: Vec<i64> = (0..n as i64).map(|v| v * 3 - 1000).collect();
            r.shuffle(&mut values);
            let p = values[r.below(n)];
            let mut q = values[r.below(n)];
            if q == p {
                q = values[(values.iter().position(|&v| v == p).unwrap_or(0) + 1) % n];
            }
            json!({"root": level_order(&shape, &values), "p": p, "q": q})
        }),
        "validate-binary-search-tree" => nodes(1, 10_000, |n, r| {
            let shape = tree_shape(n, r);
            let mut values = vec![0; n];
            for (rank, i) in in_order(&shape).into_iter().enumerate() {
                values[i] = rank as i64 * 2 - 5000;
            }
            json!({"root": level_order(&shape, &values)})
        }),
        "linked-list-cycle" => nodes(1, 10_000, |n, r| {
            let pos = if r.below(2) == 0 {
                -1
            } else {
                r.below(n) as i64
            };
            json!({"head": r.ints(n, -100_000, 100_000), "pos": pos})
        }),
        "merge-k-sorted-lists" => nodes(20, 10_000, |n, r| {
            // 20 lists (each at most 500 nodes): n log 20 is linear in n.
            let lists: Vec<Vec<i64>> = (0..20)
                .map(|i| sorted(n / 20 + usize::from(i < n % 20), -10_000, 10_000, r))
                .collect();
            json!({"lists": lists})
        }),
        "merge-two-sorted-lists" => nodes(
            0,
            100,
            |n, r| json!({"list1": sorted(n / 2, -100, 100, r), "list2": sorted(n - n / 2, -100, 100, r)}),
        ),
        "remove-nth-node-from-end-of-list" => nodes(
            1,
            30,
            |n, r| json!({"head": r.ints(n, 0, 100), "n": 1 + r.below(n)}),
        ),
        "reverse-linked-list" => nodes(0, 5_000, |n, r| json!({"head": r.ints(n, -5000, 5000)})),
        "reverse-nodes-in-k-group" => {
            nodes(1, 5_000, |n, r| json!({"head": r.ints(n, 0, 1000), "k": 3}))
        }
        "course-schedule" => entry(Linear, 2, 2_000, "courses", |n, r| {
            // A DAG with 2n edges, each from a lower course to a higher one.
            let edges: Vec<[usize; 2]> = (0..2 * n)
                .map(|_| {
                    let a = 1 + r.below(n - 1);
                    [a, r.below(a)]
                })
                .collect();
            json!({"num_courses": n, "prerequisites": edges})
        }),
        "network-delay-time" => entry(Linearithmic, 1, 6_000, "edges", network),
        "flood-fill" => entry(Linear, 1, 2_500, "cells", |n, r| {
            let side = (n as f64).sqrt() as usize;
            let image = vec![vec![1; side]; side];
            json!({"image": image, "sr": r.below(side), "sc": r.below(side), "color": 2})
        }),
        "number-of-islands" => entry(Linear, 1, 90_000, "cells", |n, r| {
            let side = (n as f64).sqrt() as usize;
            let grid: Vec<Vec<&str>> = (0..side)
                .map(|_| (0..side).map(|_| ["0", "1"][r.below(2)]).collect())
                .collect();
            json!({"grid": grid})
        }),
        "word-ladder" => entry(Linear, 2, 5_000, "words", |n, r| {
            // Four letters from nine: 6,561 words, dense enough that most are reachable.
            let mut all: Vec<usize> = (0..6561).collect();
            r.shuffle(&mut all);
            let word = |mut i: usize| -> String {
                (0..4)
                    .map(|_| {
                        let c = (b'a' + (i % 9) as u8) as char;
                        i /= 9;
                        c
                    })
                    .collect()
            };
            let list: Vec<String> = all[1..=n].iter().map(|&i| word(i)).collect();
            json!({"begin_word": word(all[0]), "end_word": list[n - 1], "word_list": list})
        }),
        "find-median-from-data-stream" => calls(Linearithmic, 50_000, |n, r| {
            design("MedianFinder", vec![], n, r, |i, r| {
                if i % 2 == 1 {
                    ("add_num", json!([r.range(-100_000, 100_000)]))
                } else {
                    ("find_median", json!([]))
                }
            })
        }),
        "implement-trie" => calls(Linear, 30_000, |n, r| {
            design("Trie", vec![], n, r, |_, r| {
                let word = r.word(8, b"abcd");
                match r.below(3) {
                    0 => ("insert", json!([word])),
                    1 => ("search", json!([word])),
                    _ => ("starts_with", json!([&word[..4]])),
                }
            })
        }),
        "lru-cache" => calls(Linear, 200_000, |n, r| {
            design("LRUCache", vec![json!(1000)], n, r, |_, r| {
                let key = r.range(0, 3000);
                if r.below(2) == 0 {
                    ("get", json!([key]))
                } else {
                    ("put", json!([key, r.range(0, 100_000)]))
                }
            })
        }),
        "min-stack" => calls(Linear, 30_000, |n, r| {
            let mut depth = 0usize;
            design("MinStack", vec![], n, r, |_, r| {
                let roll = r.below(10);
                if depth == 0 || roll < 6 {
                    depth += 1;
                    ("push", json!([r.range(-(1 << 31), (1 << 31) - 1)]))
                } else if roll < 7 {
                    depth -= 1;
                    ("pop", json!([]))
                } else if roll < 8 {
                    ("top", json!([]))
                } else {
                    ("get_min", json!([]))
                }
            })
        }),
        "time-based-key-value-store" => calls(Linearithmic, 200_000, |n, r| {
            let keys: Vec<String> = (0..10).map(|_| r.word(5, b"abcdefgh")).collect();
            design("TimeMap", vec![], n, r, |i, r| {
                let key = keys[r.below(keys.len())].clone();
                if i % 2 == 1 {
                    ("set", json!([key, r.word(6, b"xyz019"), i * 10 + 1]))
                } else {
                    ("get", json!([key, r.below(i * 10 + 20) + 1]))
                }
            })
        }),
        _ => return None,
    })
}

/// `n` digits of a number, least significant first, with no leading zero.
fn digits(n: usize, r: &mut Rng) -> Vec<i64> {
    let mut out = r.ints(n, 0, 9);
    if n > 1 && out[n - 1] == 0 {
        out[n - 1] = 1 + r.range(0, 8);
    }
    out
}

fn tree(n: usize, lo: i64, hi: i64, r: &mut Rng) -> Value {
    let shape = tree_shape(n, r);
    let values = r.ints(n, lo, hi);
    json!({"root": level_order(&shape, &values)})
}

fn sorted(n: usize, lo: i64, hi: i64, r: &mut Rng) -> Vec<i64> {
    let mut out = r.ints(n, lo, hi);
    out.sort();
    out
}

/// `n` edges on 100 nodes from node 1: a chain first (so most nodes are reached), then
/// distinct random pairs.
fn network(n: usize, r: &mut Rng) -> Value {
    let mut seen = std::collections::HashSet::new();
    let mut times = Vec::with_capacity(n);
    for u in 1..100.min(n + 1) {
        seen.insert((u, u + 1));
        times.push(json!([u, u + 1, r.range(0, 100)]));
    }
    while times.len() < n {
        let (u, v) = (1 + r.below(100), 1 + r.below(100));
        if u != v && seen.insert((u, v)) {
            times.push(json!([u, v, r.range(0, 100)]));
        }
    }
    json!({"times": times, "n": 100, "k": 1})
}

/// A design problem's input: the constructor, then `n - 1` calls made by `call(i)`.
fn design(
    class: &str,
    constructor: Vec<Value>,
    n: usize,
    r: &mut Rng,
    mut call: impl FnMut(usize, &mut Rng) -> (&'static str, Value),
) -> Value {
    let mut ops = vec![json!(class)];
    let mut args = vec![Value::Array(constructor)];
    for i in 1..n {
        let (op, a) = call(i, r);
        ops.push(json!(op));
        args.push(a);
    }
    json!({"ops": ops, "args": args})
}
