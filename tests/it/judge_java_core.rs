//! The harnesses' common parts built once (issue 14 item 11), under the real sandbox
//! (bubblewrap): the judge's first Java run compiles `IcMain.java` into the sandbox's
//! shared directory with javac's class data sharing archive, and a run's plan then
//! compiles only the glue, the nodes and the candidate's file with those classes on its
//! classpath; the first C++ run leaves the harness's common object beside the
//! precompiled header and a run's compile links it. Without them (removed), a plan
//! compiles the common part itself and still passes.

use interview_coach::judge::harness::{self, Language, cpp, java};
use interview_coach::judge::{Judge, Settings, Verdict, What};
use interview_coach::problems::ProblemBank;
use interview_coach::sandbox::Sandbox;
use std::path::Path;

fn two_sum(language: Language) -> (ProblemBank, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("problems");
    let path = format!("solutions/two-sum/solution.{}", language.extension());
    let code = std::fs::read_to_string(root.join(path)).unwrap();
    (ProblemBank::load(&root).unwrap(), code)
}

async fn passes(judge: &Judge, language: Language) {
    let (bank, code) = two_sum(language);
    let report = judge
        .run(bank.get("two-sum").unwrap(), language, &code, What::All)
        .await
        .unwrap();
    assert_eq!(report.verdict, Verdict::Passed, "{:?}", report.error);
}

fn bwrap() -> (Sandbox, tempfile::TempDir) {
    let scratch = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::namespaces(scratch.path().to_path_buf(), None)
        .expect("bubblewrap is installed (Debian: apt-get install bubblewrap)");
    (sandbox, scratch)
}

#[tokio::test]
async fn the_first_java_run_compiles_the_common_part_once_and_runs_put_it_on_their_classpath() {
    let (sandbox, _scratch) = bwrap();
    let judge = Judge::new(sandbox.clone(), Settings::default());
    passes(&judge, Language::Java).await;
    let dir = sandbox.shared_dir().unwrap().join("java-core");
    for class in java::CORE_CLASSES {
        assert!(dir.join(class).is_file(), "no {class} in {}", dir.display());
    }
    assert!(dir.join(java::CDS_ARCHIVE).is_file(), "no javac archive");
    let (bank, code) = two_sum(Language::Java);
    let mut plan = harness::plan(Language::Java, bank.get("two-sum").unwrap(), &code);
    java::use_precompiled(&mut plan, &dir);
    let (compile, _) = plan.compile.clone().unwrap();
    assert!(
        !compile.iter().any(|a| a == java::CORE_SOURCE)
            && compile
                .windows(2)
                .any(|w| w[0] == "-cp" && w[1] == dir.display().to_string()),
        "{compile:?}"
    );
    assert!(
        plan.run
            .iter()
            .any(|a| a.ends_with(&format!(":{}", dir.display()))),
        "{:?}",
        plan.run
    );
    // Without the shared classes a plan compiles the common part itself.
    std::fs::remove_dir_all(&dir).unwrap();
    let mut plan = harness::plan(Language::Java, bank.get("two-sum").unwrap(), &code);
    java::use_precompiled(&mut plan, &dir);
    assert!(
        plan.files.iter().any(|f| f.path == java::CORE_SOURCE),
        "the common part's source is in the workspace"
    );
    let fresh = Judge::new(sandbox, Settings::default());
    passes(&fresh, Language::Java).await;
}

#[tokio::test]
async fn the_first_cpp_run_leaves_the_common_object_and_runs_link_it() {
    let (sandbox, _scratch) = bwrap();
    let judge = Judge::new(sandbox.clone(), Settings::default());
    passes(&judge, Language::Cpp).await;
    let dir = sandbox.shared_dir().unwrap().join("cpp-pch");
    let object = dir.join(cpp::CORE_OBJECT);
    assert!(object.is_file(), "no {}", object.display());
    let (bank, code) = two_sum(Language::Cpp);
    let mut plan = harness::plan(Language::Cpp, bank.get("two-sum").unwrap(), &code);
    cpp::use_precompiled(&mut plan, &dir);
    let (compile, _) = plan.compile.clone().unwrap();
    assert!(
        compile.contains(&object.display().to_string())
            && !compile.iter().any(|a| a == "harness_core.cpp"),
        "{compile:?}"
    );
    // Without the object the common part is compiled with the run, and still passes.
    std::fs::remove_file(&object).unwrap();
    let mut plan = harness::plan(Language::Cpp, bank.get("two-sum").unwrap(), &code);
    cpp::use_precompiled(&mut plan, &dir);
    let (compile, _) = plan.compile.clone().unwrap();
    assert!(
        compile.iter().any(|a| a == "harness_core.cpp"),
        "{compile:?}"
    );
    passes(&judge, Language::Cpp).await;
}
