//! The C++ precompiled header (`judge::pch`), under the real sandbox (bubblewrap, and
//! again the Landlock fallback): the judge's first C++ run makes it in the sandbox's
//! shared directory, and a compile of the judge's plan takes it (g++ `-H` marks a used
//! header with `!`); a stale header (garbage in its place) or a missing one is skipped
//! (`-H` marks it `x`) and the judge still compiles and passes.

use crate::sandbox_common::sandbox;
use interview_coach::judge::harness::{self, Language, cpp};
use interview_coach::judge::{Judge, Settings, Verdict, What};
use interview_coach::problems::ProblemBank;
use interview_coach::sandbox::{Outcome, Runtime, Sandbox, Status, Step};
use std::path::{Path, PathBuf};

fn two_sum() -> (ProblemBank, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("problems");
    let code = std::fs::read_to_string(root.join("solutions/two-sum/solution.cpp")).unwrap();
    (ProblemBank::load(&root).unwrap(), code)
}

/// The judge's own compile of two-sum, with `dir` on the include path and `-H` (g++
/// lists the headers it reads and the precompiled ones it tries).
async fn compile_listing_headers(sandbox: &Sandbox, dir: &Path) -> Outcome {
    let (bank, code) = two_sum();
    let mut plan = harness::plan(Language::Cpp, bank.get("two-sum").unwrap(), &code);
    cpp::use_precompiled(&mut plan, dir);
    let (mut argv, limits) = plan.compile.clone().expect("C++ compiles");
    argv.extend(["-H".to_string(), "-Winvalid-pch".to_string()]);
    let workspace = sandbox.prepare(Runtime::Cxx, plan.files).await.unwrap();
    workspace
        .run(Step {
            argv,
            stdin: Vec::new(),
            limits,
        })
        .await
        .unwrap()
}

async fn judge_two_sum(judge: &Judge) {
    let (bank, code) = two_sum();
    let report = judge
        .run(
            bank.get("two-sum").unwrap(),
            Language::Cpp,
            &code,
            What::All,
        )
        .await
        .unwrap();
    assert_eq!(report.verdict, Verdict::Passed, "{:?}", report.error);
}

fn header_dir(sandbox: &Sandbox) -> PathBuf {
    sandbox
        .shared_dir()
        .expect("a local sandbox")
        .join("cpp-pch")
}

async fn the_first_cpp_run_makes_the_header_and_compiles_use_it(kind: &str) {
    let (sandbox, _scratch) = sandbox(kind).await;
    let judge = Judge::new(sandbox.clone(), Settings::default());
    judge_two_sum(&judge).await;
    let dir = header_dir(&sandbox);
    let header = dir.join(cpp::PCH_FILE);
    assert!(header.is_file(), "no header at {}", header.display());
    let compile = compile_listing_headers(&sandbox, &dir).await;
    let listing = String::from_utf8_lossy(&compile.stderr);
    assert_eq!(compile.status, Status::Exited(0), "{listing}");
    assert!(
        listing.contains(&format!("! {}", header.display())),
        "the header was not used:\n{}",
        &listing[..listing.len().min(2000)]
    );
}

async fn a_stale_or_missing_header_falls_back_to_a_normal_compile(kind: &str) {
    let (sandbox, _scratch) = sandbox(kind).await;
    let judge = Judge::new(sandbox.clone(), Settings::default());
    judge_two_sum(&judge).await;
    let dir = header_dir(&sandbox);
    let header = dir.join(cpp::PCH_FILE);
    std::fs::write(&header, b"not a precompiled header").unwrap();
    let compile = compile_listing_headers(&sandbox, &dir).await;
    let listing = String::from_utf8_lossy(&compile.stderr);
    assert_eq!(compile.status, Status::Exited(0), "{listing}");
    assert!(
        listing.contains(&format!("x {}", header.display())),
        "{listing}"
    );
    judge_two_sum(&judge).await;
    std::fs::remove_dir_all(&dir).unwrap();
    let compile = compile_listing_headers(&sandbox, &dir).await;
    assert_eq!(compile.status, Status::Exited(0));
    judge_two_sum(&judge).await;
}

/// One test per backend: `bwrap::...`, `landlock::...`.
macro_rules! backends {
    ($($backend:ident),*) => {
        $(
            mod $backend {
                #[tokio::test]
                async fn the_first_cpp_run_makes_the_header_and_compiles_use_it() {
                    super::the_first_cpp_run_makes_the_header_and_compiles_use_it(stringify!($backend)).await;
                }

                #[tokio::test]
                async fn a_stale_or_missing_header_falls_back_to_a_normal_compile() {
                    super::a_stale_or_missing_header_falls_back_to_a_normal_compile(stringify!($backend)).await;
                }
            }
        )*
    };
}

backends!(bwrap, landlock);
