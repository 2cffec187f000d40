//! The judge's verdicts and refusals, each proven on real runs through the harnesses in
//! the real sandbox (bubblewrap, as the service runs them): wrong answer (the first failing case with its input, expected
//! and got), runtime error (the exception and the candidate's line), compile errors at the
//! candidate's own line numbers, an infinite loop stopped as a time limit while later cases
//! still run, prints that do not break the protocol, and every bad-input message.

use interview_coach::judge::{Judge, JudgeError, Language, Settings, Verdict, What};
use interview_coach::problems::{BankProblem, ProblemBank};
use interview_coach::sandbox::Sandbox;
use std::path::Path;
use std::time::Duration;

struct Fixture {
    judge: Judge,
    bank: ProblemBank,
    _scratch: tempfile::TempDir,
}

fn fixture(time_limit: Duration) -> Fixture {
    let scratch = tempfile::tempdir().unwrap();
    let bank = ProblemBank::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("problems")).unwrap();
    let settings = Settings {
        time_limit,
        ..Settings::default()
    };
    Fixture {
        judge: Judge::new(
            Sandbox::namespaces(scratch.path().to_path_buf(), None)
                .expect("bubblewrap is installed (Debian: apt-get install bubblewrap)"),
            settings,
        ),
        bank,
        _scratch: scratch,
    }
}

impl Fixture {
    fn problem(&self, id: &str) -> &BankProblem {
        self.bank.get(id).unwrap()
    }
}

#[tokio::test]
async fn a_wrong_answer_names_the_first_failing_case_with_input_expected_and_got() {
    let f = fixture(Duration::from_secs(5));
    let code = "def two_sum(nums, target):\n    return [0, 1]\n";
    let report = f
        .judge
        .run(f.problem("two-sum"), Language::Python, code, What::All)
        .await
        .unwrap();
    assert_eq!(report.verdict, Verdict::WrongAnswer);
    let first = report.first_failure().unwrap();
    assert_eq!(first.case, "examples[1]");
    assert_eq!(first.input["nums"], serde_json::json!([3, 2, 4]));
    assert_eq!(first.expected, Some(serde_json::json!([1, 2])));
    assert_eq!(first.got, Some(serde_json::json!([0, 1])));
    assert_eq!(report.cases[0].verdict, Verdict::Passed);
    assert!(report.passed >= 2 && report.passed < report.total);
}

#[tokio::test]
async fn a_runtime_error_carries_the_exception_and_the_candidates_line() {
    let f = fixture(Duration::from_secs(5));
    let code = "def two_sum(nums, target):\n    seen = {}\n    return [seen[nums[0]], 1]\n";
    let report = f
        .judge
        .run(f.problem("two-sum"), Language::Python, code, What::Examples)
        .await
        .unwrap();
    let first = report.first_failure().unwrap();
    assert_eq!(first.verdict, Verdict::RuntimeError);
    let error = first.error.as_deref().unwrap();
    assert!(error.contains("KeyError"), "{error}");
    assert!(error.contains("line 3"), "{error}");

    let java = "class Solution {\n    public int[] twoSum(int[] nums, int target) {\n        int[] none = null;\n        return new int[] {none[0], 1};\n    }\n}\n";
    let report = f
        .judge
        .run(f.problem("two-sum"), Language::Java, java, What::Examples)
        .await
        .unwrap();
    let first = report.first_failure().unwrap();
    assert_eq!(first.verdict, Verdict::RuntimeError);
    let error = first.error.as_deref().unwrap();
    assert!(error.contains("NullPointerException"), "{error}");
    assert!(error.contains("Solution.java:4"), "{error}");
}

#[tokio::test]
async fn compile_errors_give_line_numbers_of_the_candidates_own_file() {
    let f = fixture(Duration::from_secs(5));
    let cpp = "class Solution {\npublic:\n    vector<int> twoSum(vector<int>& nums, int target) {\n\n        return undefined_name;\n    }\n};\n";
    let report = f
        .judge
        .run(f.problem("two-sum"), Language::Cpp, cpp, What::Examples)
        .await
        .unwrap();
    assert_eq!(report.verdict, Verdict::CompileError);
    let error = report.error.unwrap();
    assert!(error.contains("solution.cpp:5:"), "{error}");
    assert!(!error.contains("main.cpp"), "{error}");

    let java = "class Solution {\n    public int[] twoSum(int[] nums, int target) {\n        int x = \"text\";\n        return nums;\n    }\n}\n";
    let report = f
        .judge
        .run(f.problem("two-sum"), Language::Java, java, What::Examples)
        .await
        .unwrap();
    assert_eq!(report.verdict, Verdict::CompileError);
    assert!(report.error.unwrap().contains("Solution.java:3:"));

    let python = "def two_sum(nums, target):\n    return [0, 1\n\n";
    let report = f
        .judge
        .run(
            f.problem("two-sum"),
            Language::Python,
            python,
            What::Examples,
        )
        .await
        .unwrap();
    assert_eq!(report.verdict, Verdict::CompileError);
    assert!(report.error.unwrap().contains("solution.py:2"));
}

#[tokio::test]
async fn an_infinite_loop_is_a_time_limit_and_the_later_cases_still_run() {
    let f = fixture(Duration::from_millis(1500));
    // Loops on the second example only.
    let code = "def two_sum(nums, target):\n    while len(nums) == 3:\n        pass\n    seen = {}\n    for i, x in enumerate(nums):\n        if target - x in seen:\n            return [seen[target - x], i]\n        seen[x] = i\n";
    let report = f
        .judge
        .run(f.problem("two-sum"), Language::Python, code, What::All)
        .await
        .unwrap();
    let verdicts: Vec<Verdict> = report.cases.iter().map(|c| c.verdict).collect();
    assert_eq!(verdicts[0], Verdict::Passed);
    assert_eq!(verdicts[1], Verdict::TimeLimit, "{verdicts:?}");
    assert_eq!(report.verdict, Verdict::TimeLimit);
    assert_eq!(
        verdicts
            .iter()
            .filter(|v| **v == Verdict::TimeLimit)
            .count(),
        3,
        "every case with three numbers loops: {verdicts:?}"
    );
    assert_eq!(
        verdicts.iter().filter(|v| **v == Verdict::Passed).count(),
        report.total - 3,
        "{verdicts:?}"
    );

    let cpp = "class Solution {\npublic:\n    vector<int> twoSum(vector<int>& nums, int target) {\n        volatile long spins = 0;\n        while (nums.size() == 3) { spins = spins + 1; }\n        return {0, 1};\n    }\n};\n";
    let report = f
        .judge
        .run(f.problem("two-sum"), Language::Cpp, cpp, What::Examples)
        .await
        .unwrap();
    let verdicts: Vec<Verdict> = report.cases.iter().map(|c| c.verdict).collect();
    assert_eq!(verdicts, vec![Verdict::Passed, Verdict::TimeLimit]);
}

#[tokio::test]
async fn printing_to_stdout_does_not_break_the_protocol_and_is_shown_per_case() {
    let f = fixture(Duration::from_secs(5));
    let programs = [
        (
            Language::Python,
            "import os\ndef two_sum(nums, target):\n    print('{\"ok\": [9, 9]}')\n    os.write(1, b'raw fd write\\n')\n    return [0, 1] if nums[0] + nums[1] == target else [1, 2]\n",
        ),
        (
            Language::JavaScript,
            "function twoSum(nums, target) {\n  console.log('{\"ok\": [9, 9]}');\n  return nums[0] + nums[1] === target ? [0, 1] : [1, 2];\n}\n",
        ),
        (
            Language::Cpp,
            "class Solution {\npublic:\n    vector<int> twoSum(vector<int>& nums, int target) {\n        cout << \"{\\\"ok\\\": [9, 9]}\" << endl;\n        printf(\"printf line\\n\");\n        if (nums[0] + nums[1] == target) return {0, 1};\n        return {1, 2};\n    }\n};\n",
        ),
    ];
    for (language, code) in programs {
        let report = f
            .judge
            .run(f.problem("two-sum"), language, code, What::Examples)
            .await
            .unwrap();
        assert_eq!(report.verdict, Verdict::Passed, "{language:?}: {report:?}");
        assert!(
            report.cases[0].stdout.contains("{\"ok\": [9, 9]}"),
            "{language:?}: {:?}",
            report.cases[0].stdout
        );
    }
}

#[tokio::test]
async fn memory_and_output_limits_are_their_own_verdicts() {
    let f = fixture(Duration::from_secs(5));
    let hog = "def two_sum(nums, target):\n    block = [0] * (10 ** 10)\n    return [0, 1]\n";
    let report = f
        .judge
        .run(f.problem("two-sum"), Language::Python, hog, What::Examples)
        .await
        .unwrap();
    assert_eq!(report.verdict, Verdict::MemoryLimit);
    let chatty = "def two_sum(nums, target):\n    while True:\n        print('x' * 1000)\n";
    let report = f
        .judge
        .run(
            f.problem("two-sum"),
            Language::Python,
            chatty,
            What::Examples,
        )
        .await
        .unwrap();
    assert_eq!(report.verdict, Verdict::OutputLimit);
}

#[tokio::test]
async fn a_custom_input_runs_without_an_expected_output_and_shows_the_result() {
    let f = fixture(Duration::from_secs(5));
    let code = "def invert_tree(root):\n    if root:\n        root.left, root.right = invert_tree(root.right), invert_tree(root.left)\n    return root\n";
    let report = f
        .judge
        .run(
            f.problem("invert-binary-tree"),
            Language::Python,
            code,
            What::Custom(r#"{"root": [1, 2, null, 3]}"#.into()),
        )
        .await
        .unwrap();
    assert_eq!(report.verdict, Verdict::Completed);
    assert_eq!(report.cases.len(), 1);
    assert_eq!(report.cases[0].expected, None);
    assert_eq!(
        report.cases[0].got,
        Some(serde_json::json!([1, null, 2, null, 3]))
    );
}

#[tokio::test]
async fn bad_input_is_refused_with_a_message_naming_the_cause() {
    let f = fixture(Duration::from_secs(5));
    let two_sum = f.problem("two-sum");
    let err = Judge::language("cobol").unwrap_err().to_string();
    assert!(
        err.contains("cobol") && err.contains("python, javascript, java, cpp"),
        "{err}"
    );

    for (language, code, expected) in [
        (
            Language::Python,
            "def other(nums, target):\n    return []\n",
            "def two_sum(nums, target)",
        ),
        (
            Language::JavaScript,
            "function other() {}\n",
            "function twoSum(nums, target)",
        ),
        (
            Language::Java,
            "class Solution { public int[] other(int[] nums, int target) { return nums; } }",
            "public int[] twoSum(int[] nums, int target)",
        ),
        (
            Language::Cpp,
            "class Answer { public: vector<int> twoSum(vector<int>& nums, int target) { return nums; } };",
            "vector<int> twoSum(vector<int>& nums, int target)",
        ),
    ] {
        let err = f
            .judge
            .run(two_sum, language, code, What::Examples)
            .await
            .unwrap_err();
        assert!(
            matches!(err, JudgeError::MissingDefinition { .. }),
            "{language:?}: {err}"
        );
        assert!(err.to_string().contains(expected), "{language:?}: {err}");
    }
    // The name only in a comment or a string: the harness finds no such function.
    let err = f
        .judge
        .run(
            two_sum,
            Language::Python,
            "NOTE = 'two_sum'\n",
            What::Examples,
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("def two_sum(nums, target)"),
        "{err}"
    );
    let err = f
        .judge
        .run(
            f.problem("lru-cache"),
            Language::JavaScript,
            "// class LRUCache\nclass Cache {}\n",
            What::Examples,
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("class LRUCache"), "{err}");

    let ok = "def two_sum(nums, target):\n    return [0, 1]\n";
    let err = f
        .judge
        .run(
            two_sum,
            Language::Python,
            ok,
            What::Custom("{nums: [1]".into()),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not valid JSON"), "{err}");
    let err = f
        .judge
        .run(
            two_sum,
            Language::Python,
            ok,
            What::Custom(r#"{"nums": [1, 2]}"#.into()),
        )
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("target") && text.contains("nums, target"),
        "{text}"
    );

    let huge = format!("{ok}\n# {}\n", "x".repeat(70 * 1024));
    let err = f
        .judge
        .run(two_sum, Language::Python, &huge, What::Examples)
        .await
        .unwrap_err();
    assert!(matches!(err, JudgeError::CodeTooLarge { .. }), "{err}");
    assert!(
        err.to_string().contains("over the limit of 65536 bytes"),
        "{err}"
    );
}
