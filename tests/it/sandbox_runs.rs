//! Ordinary programs through the real local backends (bubblewrap and Landlock): every
//! runtime compiles and runs a small program with its default limits, stdin reaches the
//! program, the environment is empty but PATH/HOME/LANG, the run is user 65534 in a
//! namespace with hostname `sandbox`, and files survive from the compile step to the
//! run step of one workspace.

use crate::sandbox_common::sandbox;
use interview_coach::sandbox::{File, Isolation, Limits, Program, Runtime, Status, Step};
use std::time::Duration;

fn file(path: &str, text: &str) -> File {
    File {
        path: path.into(),
        contents: text.as_bytes().to_vec(),
    }
}

/// A program that reads a number from stdin and prints its double, in each runtime.
fn doubler(runtime: Runtime) -> Program {
    let (main, source) = match runtime {
        Runtime::Python => ("main.py", "print(int(input()) * 2)\n"),
        Runtime::Node => (
            "main.js",
            "const s = require('fs').readFileSync(0, 'utf8'); console.log(Number(s) * 2);\n",
        ),
        Runtime::Java => (
            "Main.java",
            "import java.util.*;\npublic class Main { public static void main(String[] a) { Scanner s = new Scanner(System.in); System.out.println(s.nextLong() * 2); } }\n",
        ),
        Runtime::Cxx => (
            "main.cpp",
            "#include <iostream>\nint main() { long n; std::cin >> n; std::cout << n * 2 << std::endl; }\n",
        ),
    };
    let mut program = Program::new(runtime, vec![file(main, source)], main);
    program.stdin = b"21\n".to_vec();
    program
}

async fn every_runtime_doubles_its_input(kind: &str) {
    let (sandbox, _scratch) = sandbox(kind).await;
    for runtime in Runtime::ALL {
        let outcome = sandbox
            .run_program(doubler(runtime))
            .await
            .expect("run attempted");
        if let Some(compile) = &outcome.compile {
            assert_eq!(
                compile.status,
                Status::Exited(0),
                "{runtime:?} compile: {}",
                String::from_utf8_lossy(&compile.stderr)
            );
        }
        let run = outcome.run.expect("ran");
        assert_eq!(
            run.status,
            Status::Exited(0),
            "{runtime:?}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&run.stdout).trim(),
            "42",
            "{runtime:?}"
        );
        assert!(run.peak_memory_bytes.is_some_and(|b| b > 0));
    }
}

const IDENTITY: &str = r#"
import os, socket
print("uid", os.getuid())
print("env", sorted(os.environ))
print("host", socket.gethostname())
print("pids", sorted(int(p) for p in os.listdir("/proc") if p.isdigit())[:3])
print("cwd", os.getcwd())
"#;

#[tokio::test]
async fn bwrap_runs_as_nobody_in_its_own_namespaces_with_an_empty_environment() {
    let (sandbox, _scratch) = sandbox("bwrap").await;
    assert_eq!(sandbox.isolation(), Isolation::Namespaces);
    let ws = sandbox
        .prepare(Runtime::Python, vec![file("main.py", IDENTITY)])
        .await
        .expect("workspace");
    let run = ws
        .run(Step {
            argv: vec!["python3".into(), "main.py".into()],
            stdin: Vec::new(),
            limits: Limits::for_run(Runtime::Python),
        })
        .await
        .expect("run");
    let out = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        run.status,
        Status::Exited(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(out.contains("uid 65534"), "{out}");
    assert!(
        out.contains("env ['HOME', 'LANG', 'PATH', 'PWD', 'TMPDIR']")
            || out.contains("env ['HOME', 'LANG', 'PATH', 'TMPDIR']"),
        "{out}"
    );
    assert!(out.contains("host sandbox"), "{out}");
    assert!(out.contains("pids [1, 2"), "{out}");
    assert!(out.contains("cwd /work"), "{out}");
}

async fn compiled_files_survive_to_the_run_step(kind: &str) {
    let (sandbox, _scratch) = sandbox(kind).await;
    let ws = sandbox
        .prepare(
            Runtime::Cxx,
            vec![file(
                "main.cpp",
                "#include <cstdio>\nint main(){ std::puts(\"built\"); }\n",
            )],
        )
        .await
        .expect("workspace");
    let compile = ws
        .run(Step {
            argv: ["g++", "-O2", "-o", "prog", "main.cpp"]
                .map(String::from)
                .to_vec(),
            stdin: Vec::new(),
            limits: Limits::for_compile(Runtime::Cxx),
        })
        .await
        .expect("compile");
    assert_eq!(
        compile.status,
        Status::Exited(0),
        "{}",
        String::from_utf8_lossy(&compile.stderr)
    );
    let run = ws
        .run(Step {
            argv: vec!["./prog".into()],
            stdin: Vec::new(),
            limits: Limits::for_run(Runtime::Cxx),
        })
        .await
        .expect("run");
    assert_eq!(String::from_utf8_lossy(&run.stdout), "built\n");
}

async fn a_compile_error_is_reported_and_nothing_runs(kind: &str) {
    let (sandbox, _scratch) = sandbox(kind).await;
    let program = Program::new(
        Runtime::Cxx,
        vec![file("main.cpp", "int main() { return undefined_name; }\n")],
        "main.cpp",
    );
    let outcome = sandbox.run_program(program).await.expect("attempted");
    let compile = outcome.compile.expect("compiled");
    assert_eq!(compile.status, Status::Exited(1));
    assert!(String::from_utf8_lossy(&compile.stderr).contains("undefined_name"));
    assert!(outcome.run.is_none());
}

async fn the_cpu_limit_is_reported_as_such(kind: &str) {
    let (sandbox, _scratch) = sandbox(kind).await;
    let mut program = Program::new(
        Runtime::Python,
        vec![file("main.py", "while True:\n    pass\n")],
        "main.py",
    );
    program.run_limits.cpu = Duration::from_secs(1);
    program.run_limits.wall = Duration::from_secs(30);
    let run = sandbox
        .run_program(program)
        .await
        .expect("attempted")
        .run
        .expect("ran");
    assert_eq!(run.status, Status::CpuLimit);
}

macro_rules! both {
    ($($case:ident),* $(,)?) => {
        mod bwrap {
            $(#[tokio::test] async fn $case() { super::$case("bwrap").await; })*
        }
        mod landlock {
            $(#[tokio::test] async fn $case() { super::$case("landlock").await; })*
        }
    };
}

both!(
    every_runtime_doubles_its_input,
    compiled_files_survive_to_the_run_step,
    a_compile_error_is_reported_and_nothing_runs,
    the_cpu_limit_is_reported_as_such,
);
