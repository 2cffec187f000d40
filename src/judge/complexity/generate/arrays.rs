//! Generators of the bank's array, string, interval and dynamic-programming problems.
//! n is the length of the main array or string unless the entry says otherwise.

use super::{Generator, Rng, entry};
use crate::judge::complexity::fit::Class::{self, Linear, Linearithmic, Quadratic};
use serde_json::{Value, json};

const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";

pub(super) fn generator(id: &str) -> Option<Generator> {
    let l = |max: usize, make: fn(usize, &mut Rng) -> Value| entry(Linear, 1, max, "length", make);
    let c = |class: Class, min: usize, max: usize, make: fn(usize, &mut Rng) -> Value| {
        entry(class, min, max, "length", make)
    };
    Some(match id {
        "best-time-to-buy-and-sell-stock" => {
            l(100_000, |n, r| json!({"prices": r.ints(n, 0, 10_000)}))
        }
        "climbing-stairs" => entry(Linear, 1, 45, "n", |n, _| json!({"n": n})),
        "coin-change" => entry(Linear, 1, 10_000, "amount", |n, r| {
            let mut coins: Vec<i64> = (0..12).map(|_| r.range(2, 60)).collect();
            coins.sort();
            coins.dedup();
            json!({"coins": coins, "amount": n})
        }),
        "container-with-most-water" => c(
            Linear,
            2,
            100_000,
            |n, r| json!({"height": r.ints(n, 0, 10_000)}),
        ),
        "contains-duplicate" => l(100_000, |n, r| {
            let mut nums: Vec<i64> = (0..n as i64).map(|i| i * 7 - 300_000).collect();
            r.shuffle(&mut nums);
            json!({"nums": nums})
        }),
        "daily-temperatures" => l(100_000, |n, r| json!({"temperatures": r.ints(n, 30, 100)})),
        "edit-distance" => c(
            Quadratic,
            1,
            500,
            |n, r| json!({"word1": r.word(n, b"abcd"), "word2": r.word(n, b"abcd")}),
        ),
        "evaluate-reverse-polish-notation" => entry(Linear, 1, 9_999, "tokens", |n, r| {
            let mut tokens = vec![r.range(-200, 200).to_string()];
            for _ in 0..(n - 1) / 2 {
                tokens.push(r.range(-200, 200).to_string());
                tokens.push(if r.below(2) == 0 { "+" } else { "-" }.to_string());
            }
            json!({"tokens": tokens})
        }),
        "group-anagrams" => entry(Linear, 1, 10_000, "strings", |n, r| {
            let strs: Vec<String> = (0..n).map(|_| r.word(6, b"abcde")).collect();
            json!({"strs": strs})
        }),
        "insert-interval" => entry(Linear, 2, 10_000, "intervals", |n, r| {
            let intervals: Vec<[i64; 2]> = (0..n as i64).map(|i| [i * 10, i * 10 + 5]).collect();
            let at = r.range(0, n as i64 - 2) * 10;
            json!({"intervals": intervals, "new_interval": [at + 3, at + 27]})
        }),
        "k-closest-points-to-origin" => entry(Linear, 5, 10_000, "points", |n, r| {
            let mut xs: Vec<i64> = (1..=n as i64).collect();
            r.shuffle(&mut xs);
            let points: Vec<[i64; 2]> = xs
                .iter()
                .map(|&x| [if r.below(2) == 0 { x } else { -x }, 0])
                .collect();
            json!({"points": points, "k": 5})
        }),
        "kth-largest-element-in-an-array" => c(
            Linear,
            5,
            100_000,
            |n, r| json!({"nums": r.ints(n, -10_000, 10_000), "k": 5}),
        ),
        "largest-rectangle-in-histogram" => {
            l(100_000, |n, r| json!({"heights": r.ints(n, 0, 10_000)}))
        }
        "last-stone-weight" => c(
            Linearithmic,
            1,
            30,
            |n, r| json!({"stones": r.ints(n, 1, 1000)}),
        ),
        "longest-consecutive-sequence" => l(
            100_000,
            |n, r| json!({"nums": r.ints(n, -(n as i64), n as i64)}),
        ),
        "longest-increasing-subsequence" => c(
            Linearithmic,
            1,
            2_500,
            |n, r| json!({"nums": r.ints(n, -10_000, 10_000)}),
        ),
        "longest-substring-without-repeating-characters" => l(
            50_000,
            |n, r| json!({"s": r.word(n, b"abcdefghijklmnopqrstuvwxyz0123456789 !?")}),
        ),
        "maximum-subarray" => l(100_000, |n, r| json!({"nums": r.ints(n, -10_000, 10_000)})),
        "meeting-rooms" => entry(Linearithmic, 1, 10_000, "intervals", |n, r| {
            // Disjoint meetings in random order: the answer needs every pair checked.
            let mut ivs: Vec<[i64; 2]> = (0..n as i64).map(|i| [i * 100, i * 100 + 50]).collect();
            r.shuffle(&mut ivs);
            json!({"intervals": ivs})
        }),
        "meeting-rooms-ii" => entry(
            Linearithmic,
            1,
            10_000,
            "intervals",
            |n, r| json!({"intervals": intervals(n, 0, 1_000_000, 1, 5_000, r)}),
        ),
        "merge-intervals" => entry(
            Linearithmic,
            1,
            10_000,
            "intervals",
            |n, r| json!({"intervals": intervals(n, 0, 10_000, 0, 3, r)}),
        ),
        "minimum-interval-to-include-each-query" => {
            entry(Linearithmic, 1, 100_000, "intervals and queries", |n, r| {
                json!({
                    "intervals": intervals(n, 1, 10_000_000, 0, 50_000, r),
                    "queries": r.ints(n, 1, 10_000_000),
                })
            })
        }
        "minimum-window-substring" => l(100_000, |n, r| {
            let letters = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
            json!({"s": r.word(n, letters), "t": r.word(3, letters)})
        }),
        "product-of-array-except-self" => c(Linear, 2, 100_000, |n, r| {
            // Mostly ones and minus ones, a few twos: every product fits in 32 bits.
            let mut nums: Vec<i64> = (0..n)
                .map(|_| if r.below(2) == 0 { 1 } else { -1 })
                .collect();
            for _ in 0..10.min(n) {
                let i = r.below(n);
                nums[i] = 2;
            }
            json!({"nums": nums})
        }),
        "subarray-sum-equals-k" => l(
            20_000,
            |n, r| json!({"nums": r.ints(n, -1000, 1000), "k": r.range(-100, 100)}),
        ),
        "three-sum" => c(
            Quadratic,
            3,
            3_000,
            |n, r| json!({"nums": r.ints(n, -100_000, 100_000)}),
        ),
        "top-k-frequent-elements" => c(Linear, 24, 100_000, |n, r| {
            let heavy = n as i64 / 8 + 3;
            let mut nums = Vec::with_capacity(n + 3 * heavy as usize);
            for (value, extra) in [(9_998_i64, 0), (9_999, 1), (10_000, 2)] {
                for _ in 0..heavy + extra {
                    nums.push(value);
                }
            }
            while nums.len() < n.max(3 * heavy as usize + 3) {
                nums.push(r.range(-10_000, 9_000));
            }
            nums.truncate(n.max(3 * heavy as usize + 3));
            r.shuffle(&mut nums);
            json!({"nums": nums, "k": 3})
        }),
        "trapping-rain-water" => l(20_000, |n, r| json!({"height": r.ints(n, 0, 100_000)})),
        "two-sum" => c(Linear, 2, 10_000, |n, r| {
            // Multiples of 4 never sum to 3; 1 and 2 are the one pair, last (so that
            // every approach does all its work).
            let mut nums: Vec<i64> = (0..n as i64 - 2).map(|i| (i - n as i64 / 2) * 4).collect();
            r.shuffle(&mut nums);
            nums.push(1);
            nums.push(2);
            json!({"nums": nums, "target": 3})
        }),
        "valid-anagram" => l(50_000, |n, r| {
            let s = r.word(n, LOWER);
            let mut t: Vec<u8> = s.clone().into_bytes();
            r.shuffle(&mut t);
            json!({"s": s, "t": String::from_utf8_lossy(&t)})
        }),
        "valid-palindrome" => l(200_000, |n, r| {
            let half = r.word(n / 2, b"abcXYZ019 ,:");
            let mirrored: String = half.chars().rev().collect();
            let middle = if n % 2 == 1 { "q" } else { "" };
            json!({"s": format!("{half}{middle}{mirrored}")})
        }),
        "valid-parentheses" => l(10_000, |n, r| {
            let mut out = String::with_capacity(n);
            let mut open = Vec::new();
            while out.len() < n {
                let left = n - out.len();
                if !open.is_empty() && (left <= open.len() || r.below(2) == 0) {
                    let c: char = open.pop().unwrap_or(')');
                    out.push(c);
                } else {
                    let (o, c) = [('(', ')'), ('[', ']'), ('{', '}')][r.below(3)];
                    out.push(o);
                    open.push(c);
                }
            }
            json!({"s": out})
        }),
        "word-break" => l(300, |n, r| {
            let mut words = Vec::new();
            for len in 1..=3 {
                for i in 0..(1usize << len) {
                    words.push(
                        (0..len)
                            .map(|b| if i >> b & 1 == 1 { 'b' } else { 'a' })
                            .collect::<String>(),
                    );
                }
            }
            json!({"s": r.word(n, b"ab"), "word_dict": words})
        }),
        _ => return None,
    })
}

/// `n` intervals with starts in `lo..=hi - max_len` and lengths in `min_len..=max_len`.
fn intervals(n: usize, lo: i64, hi: i64, min_len: i64, max_len: i64, r: &mut Rng) -> Vec<[i64; 2]> {
    (0..n)
        .map(|_| {
            let s = r.range(lo, hi - max_len);
            [s, s + r.range(min_len, max_len)]
        })
        .collect()
}
