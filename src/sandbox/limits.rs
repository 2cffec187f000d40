//! Each runtime's default limits for its compile and run steps (the README's "Limits
//! per language" table is this file), and the heap flags the local backends add after
//! `java`, `javac` and `node`. Figures measured on the 2-core development VM; see
//! BENCHMARKS.md ("Sandbox").
//!
//! Nothing here runs anything; it must never loosen a limit a caller set.

use super::{Limits, Runtime};
use std::time::Duration;

const MIB: u64 = 1024 * 1024;
const GIB: u64 = 1024 * MIB;

impl Limits {
    /// The limits of running a candidate's program (with the judge's harness) in
    /// `runtime`. JVMs and node reserve far more address space than they use, so their
    /// `memory_bytes` is large and `heap_bytes` is the real bound on their data.
    pub fn for_run(runtime: Runtime) -> Limits {
        let base = Limits {
            cpu: Duration::from_secs(5),
            wall: Duration::from_secs(10),
            memory_bytes: 512 * MIB,
            processes: 32,
            file_size_bytes: 16 * MIB,
            open_files: 64,
            output_bytes: 64 * 1024,
            heap_bytes: None,
        };
        match runtime {
            // The judge's Python harness runs the candidate and a watchdog on threads of
            // 64 MiB of stack each (deep recursion); a third of 512 MiB did not fit them.
            Runtime::Python => Limits {
                memory_bytes: 768 * MIB,
                ..base
            },
            // The judge's C++ harness calls the candidate on a thread with a 256 MiB
            // stack (deep recursion), beside a watchdog thread and their malloc arenas.
            Runtime::Cxx => Limits {
                memory_bytes: GIB,
                ..base
            },
            Runtime::Node => Limits {
                memory_bytes: 3 * GIB,
                heap_bytes: Some(256 * MIB),
                ..base
            },
            Runtime::Java => Limits {
                memory_bytes: 2 * GIB,
                heap_bytes: Some(256 * MIB),
                processes: 64,
                open_files: 128,
                ..base
            },
        }
    }

    /// The limits of compiling in `runtime` (g++, javac); interpreted runtimes have no
    /// compile step, and get their run limits.
    pub fn for_compile(runtime: Runtime) -> Limits {
        match runtime {
            Runtime::Python | Runtime::Node => Limits::for_run(runtime),
            Runtime::Cxx => Limits {
                cpu: Duration::from_secs(20),
                wall: Duration::from_secs(30),
                memory_bytes: GIB,
                processes: 16,
                file_size_bytes: 64 * MIB,
                open_files: 64,
                output_bytes: 64 * 1024,
                heap_bytes: None,
            },
            Runtime::Java => Limits {
                cpu: Duration::from_secs(30),
                wall: Duration::from_secs(40),
                memory_bytes: 2 * GIB,
                processes: 64,
                file_size_bytes: 64 * MIB,
                open_files: 256,
                output_bytes: 64 * 1024,
                heap_bytes: Some(512 * MIB),
            },
        }
    }
}

impl Limits {
    /// These limits with every bound on time, data and output divided by `by` (at least
    /// 1): CPU, wall, output, and the heap when one is set (the address space of a JVM or
    /// node is a reservation, not their data, so it stays), else the address space.
    /// The limits benchmark runs every reference solution under a third of the limits,
    /// which shows the defaults leave at least 3x.
    pub fn divided(&self, by: u32) -> Limits {
        let by = by.max(1);
        let (memory_bytes, heap_bytes) = match self.heap_bytes {
            Some(heap) => (self.memory_bytes, Some(heap / u64::from(by))),
            None => (self.memory_bytes / u64::from(by), None),
        };
        Limits {
            cpu: self.cpu / by,
            wall: self.wall / by,
            memory_bytes,
            heap_bytes,
            output_bytes: self.output_bytes / by as usize,
            ..self.clone()
        }
    }
}

/// `argv` with the runtime's heap flags after the program name, when `limits` sets a
/// heap and argv[0] is `java`, `javac` or `node`. Flags the caller wrote come after
/// ours, so theirs win.
pub(super) fn with_heap_flags(argv: &[String], limits: &Limits) -> Vec<String> {
    let Some((program, rest)) = argv.split_first() else {
        return Vec::new();
    };
    let mb = limits.heap_bytes.map(|bytes| (bytes / MIB).max(16));
    let name = program.rsplit('/').next().unwrap_or(program);
    let flags: Vec<String> = match (name, mb) {
        ("java", Some(mb)) => jvm_flags(mb),
        ("javac", Some(mb)) => jvm_flags(mb)
            .into_iter()
            .map(|flag| format!("-J{flag}"))
            .collect(),
        ("node", Some(mb)) => vec![format!("--max-old-space-size={mb}")],
        _ => Vec::new(),
    };
    let mut out = Vec::with_capacity(argv.len() + flags.len());
    out.push(program.clone());
    out.extend(flags);
    out.extend(rest.iter().cloned());
    out
}

/// A small, single-collector JVM: fixed heap ceiling, serial GC (few threads), capped
/// code cache and class space (so the address space it reserves fits `memory_bytes`),
/// no perf-data file in /tmp.
fn jvm_flags(heap_mb: u64) -> Vec<String> {
    vec![
        format!("-Xmx{heap_mb}m"),
        "-Xss8m".into(),
        "-XX:+UseSerialGC".into(),
        "-XX:ReservedCodeCacheSize=64m".into(),
        "-XX:CompressedClassSpaceSize=64m".into(),
        "-XX:MaxMetaspaceSize=128m".into(),
        "-XX:TieredStopAtLevel=1".into(),
        "-XX:-UsePerfData".into(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn java_gets_its_heap_ceiling_before_the_callers_own_flags() {
        let out = with_heap_flags(
            &argv(&["java", "-Xmx1g", "Main"]),
            &Limits::for_run(Runtime::Java),
        );
        assert_eq!(out[0], "java");
        assert_eq!(out[1], "-Xmx256m");
        assert_eq!(&out[out.len() - 2..], &argv(&["-Xmx1g", "Main"])[..]);
    }

    #[test]
    fn javac_passes_the_flags_to_its_jvm_and_node_gets_old_space() {
        let javac = with_heap_flags(
            &argv(&["javac", "Main.java"]),
            &Limits::for_compile(Runtime::Java),
        );
        assert_eq!(javac[1], "-J-Xmx512m");
        let node = with_heap_flags(&argv(&["node", "a.js"]), &Limits::for_run(Runtime::Node));
        assert_eq!(node, argv(&["node", "--max-old-space-size=256", "a.js"]));
    }

    #[test]
    fn dividing_limits_divides_time_output_and_the_data_bound_only() {
        let python = Limits::for_run(Runtime::Python).divided(3);
        assert_eq!(
            python.memory_bytes,
            Limits::for_run(Runtime::Python).memory_bytes / 3
        );
        assert_eq!(python.output_bytes, 64 * 1024 / 3);
        let java = Limits::for_run(Runtime::Java);
        let third = java.divided(3);
        assert_eq!(third.memory_bytes, java.memory_bytes);
        assert_eq!(third.heap_bytes, java.heap_bytes.map(|h| h / 3));
        assert_eq!(third.cpu, java.cpu / 3);
        assert_eq!(third.processes, java.processes);
        assert_eq!(java.divided(0), java);
    }

    #[test]
    fn other_programs_and_unset_heaps_are_left_alone() {
        let python = argv(&["python3", "main.py"]);
        assert_eq!(
            with_heap_flags(&python, &Limits::for_run(Runtime::Java)),
            python
        );
        let java = argv(&["java", "Main"]);
        assert_eq!(with_heap_flags(&java, &Limits::default()), java);
    }
}
