//! `SANDBOX=piston` against a loopback fake of Piston's API v2 that really executes:
//! the fake runs each posted program with the local bubblewrap sandbox and answers in
//! Piston's JSON shape, so verdicts through Piston are real. Wiremock stands in for the
//! failures: an unknown runtime (400 with a message), a 500, a server that never answers.
//! The judge runs through it too: its harnesses travel as whole programs (Piston has no
//! workspaces), with verdicts and compile errors as on the local backends.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use interview_coach::sandbox::{
    File, Limits, Outcome, Program, Runtime, Sandbox, SandboxError, Status, choose,
};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

const RUNTIMES: &str = r#"[
  {"language": "python", "version": "3.11.2", "aliases": ["py", "python3"]},
  {"language": "python", "version": "3.9.4", "aliases": ["py"]},
  {"language": "javascript", "version": "20.0.0", "aliases": ["node", "js"], "runtime": "node"},
  {"language": "c++", "version": "12.2.0", "aliases": ["cpp", "g++"]},
  {"language": "java", "version": "17.0.0", "aliases": []}
]"#;

struct Fake {
    local: Sandbox,
    _scratch: tempfile::TempDir,
    requests: std::sync::Mutex<Vec<Value>>,
}

async fn runtimes() -> Json<Value> {
    Json(serde_json::from_str(RUNTIMES).expect("runtimes"))
}

async fn execute(
    State(fake): State<Arc<Fake>>,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    fake.requests.lock().unwrap().push(body.clone());
    let language = body["language"].as_str().unwrap_or_default();
    let runtime = match (language, body["version"].as_str()) {
        ("python", Some("3.11.2")) => Runtime::Python,
        ("javascript", _) => Runtime::Node,
        ("c++", _) => Runtime::Cxx,
        ("java", _) => Runtime::Java,
        (other, version) => {
            let message = format!("{other}-{} runtime is unknown", version.unwrap_or("?"));
            return (StatusCode::BAD_REQUEST, Json(json!({ "message": message })));
        }
    };
    let files: Vec<File> = body["files"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| File {
            path: f["name"].as_str().unwrap_or("main").to_string(),
            contents: f["content"]
                .as_str()
                .unwrap_or_default()
                .as_bytes()
                .to_vec(),
        })
        .collect();
    let main = files[0].path.clone();
    let mut program = Program::new(runtime, files, main);
    program.stdin = body["stdin"]
        .as_str()
        .unwrap_or_default()
        .as_bytes()
        .to_vec();
    program.args = body["args"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a.as_str().map(String::from))
        .collect();
    let limits = |base: Limits, timeout: &Value, memory: &Value| Limits {
        wall: Duration::from_millis(timeout.as_u64().unwrap_or(3000)),
        memory_bytes: memory.as_u64().unwrap_or(base.memory_bytes),
        ..base
    };
    program.run_limits = limits(
        program.run_limits,
        &body["run_timeout"],
        &body["run_memory_limit"],
    );
    program.compile_limits = limits(
        program.compile_limits,
        &body["compile_timeout"],
        &body["compile_memory_limit"],
    );
    let outcome = fake.local.run_program(program).await.expect("local run");
    let mut answer = json!({ "language": language, "version": body["version"] });
    if let Some(compile) = &outcome.compile {
        answer["compile"] = stage(compile);
    }
    if let Some(run) = &outcome.run {
        answer["run"] = stage(run);
    }
    (StatusCode::OK, Json(answer))
}

/// An outcome in Piston's stage shape (newer Piston's `status` included).
fn stage(o: &Outcome) -> Value {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let (code, signal, status) = match o.status {
        Status::Exited(c) => (json!(c), Value::Null, Value::Null),
        Status::Signalled(11) => (Value::Null, json!("SIGSEGV"), json!("SG")),
        Status::Signalled(_) => (Value::Null, json!("SIGKILL"), json!("SG")),
        Status::WallLimit => (Value::Null, json!("SIGKILL"), json!("TO")),
        Status::CpuLimit => (Value::Null, json!("SIGXCPU"), json!("TO")),
        Status::MemoryLimit => (json!(1), Value::Null, json!("RE")),
        Status::OutputLimit => (Value::Null, json!("SIGKILL"), json!("OL")),
    };
    json!({
        "stdout": text(&o.stdout),
        "stderr": text(&o.stderr),
        "output": format!("{}{}", text(&o.stdout), text(&o.stderr)),
        "code": code,
        "signal": signal,
        "status": status,
        "wall_time": o.wall.as_millis() as u64,
        "memory": o.peak_memory_bytes,
    })
}

async fn start_fake() -> (String, Arc<Fake>) {
    let scratch = tempfile::tempdir().expect("scratch");
    let local = choose(
        "bwrap".parse().expect("kind"),
        scratch.path().to_path_buf(),
        None,
    )
    .await
    .expect("bwrap works here")
    .sandbox;
    let fake = Arc::new(Fake {
        local,
        _scratch: scratch,
        requests: std::sync::Mutex::new(Vec::new()),
    });
    let router = Router::new()
        .route("/api/v2/runtimes", get(runtimes))
        .route("/api/v2/execute", post(execute))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (url, fake)
}

fn file(path: &str, text: &str) -> File {
    File {
        path: path.into(),
        contents: text.as_bytes().to_vec(),
    }
}

#[tokio::test]
async fn programs_run_through_piston_with_real_verdicts() {
    let (url, fake) = start_fake().await;
    let piston = Sandbox::piston(&url).expect("url");
    assert_eq!(piston.isolation().as_str(), "piston");

    let mut python = Program::new(
        Runtime::Python,
        vec![
            file("helper.py", "def double(n):\n    return n * 2\n"),
            file(
                "main.py",
                "import sys, helper\nprint(helper.double(int(input())), sys.argv[1])\n",
            ),
        ],
        "main.py",
    );
    python.stdin = b"21\n".to_vec();
    python.args = vec!["arg".into()];
    let run = piston
        .run_program(python)
        .await
        .expect("ran")
        .run
        .expect("run stage");
    assert_eq!(
        run.status,
        Status::Exited(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&run.stdout), "42 arg\n");
    let sent = fake.requests.lock().unwrap()[0].clone();
    assert_eq!(sent["language"], "python");
    assert_eq!(sent["version"], "3.11.2", "the newest installed version");
    assert_eq!(
        sent["files"][0]["name"], "main.py",
        "the main file goes first"
    );
    assert_eq!(sent["run_timeout"], 10_000);

    let cxx = Program::new(
        Runtime::Cxx,
        vec![file("main.cpp", "int main() { return undefined_name; }\n")],
        "main.cpp",
    );
    let outcome = piston.run_program(cxx).await.expect("ran");
    assert_eq!(
        outcome.compile.expect("compile stage").status,
        Status::Exited(1)
    );
    assert!(outcome.run.is_none());

    let mut slow = Program::new(
        Runtime::Python,
        vec![file("main.py", "import time\ntime.sleep(60)\n")],
        "main.py",
    );
    slow.run_limits.wall = Duration::from_secs(1);
    let run = piston
        .run_program(slow)
        .await
        .expect("ran")
        .run
        .expect("run");
    assert_eq!(run.status, Status::WallLimit);
}

#[tokio::test]
async fn piston_errors_are_reported_with_their_cause() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/runtimes"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"[{"language":"java","version":"15.0.2","aliases":[]}]"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/execute"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"message": "java-15.0.2 runtime is unknown"})),
        )
        .mount(&server)
        .await;
    let piston = Sandbox::piston(&server.uri()).expect("url");
    let java = Program::new(
        Runtime::Java,
        vec![file("Main.java", "class Main {}")],
        "Main.java",
    );
    match piston.run_program(java).await {
        Err(SandboxError::Piston(message)) => {
            assert!(
                message.contains("400") && message.contains("runtime is unknown"),
                "{message}"
            )
        }
        other => panic!("expected a Piston error, got {other:?}"),
    }
    let node = Program::new(Runtime::Node, vec![file("main.js", "")], "main.js");
    assert!(matches!(
        piston.run_program(node).await,
        Err(SandboxError::MissingRuntime(Runtime::Node))
    ));
}

#[tokio::test]
async fn a_piston_failing_or_not_answering_is_an_error_not_a_verdict() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let broken = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/runtimes"))
        .respond_with(ResponseTemplate::new(500).set_body_string("boom"))
        .mount(&broken)
        .await;
    let program = || {
        let mut p = Program::new(
            Runtime::Python,
            vec![file("main.py", "print(1)")],
            "main.py",
        );
        p.run_limits.wall = Duration::from_millis(200);
        p.compile_limits.wall = Duration::from_millis(200);
        p
    };
    let piston = Sandbox::piston(&broken.uri()).expect("url");
    match piston.run_program(program()).await {
        Err(SandboxError::Piston(message)) => assert!(message.contains("500"), "{message}"),
        other => panic!("expected a Piston error, got {other:?}"),
    }

    let silent = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/runtimes"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"[{"language":"python","version":"3.11.2","aliases":[]}]"#,
            "application/json",
        ))
        .mount(&silent)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/execute"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&silent)
        .await;
    let piston =
        Sandbox::piston_with_slack(&silent.uri(), Duration::from_millis(100)).expect("url");
    match piston.run_program(program()).await {
        Err(SandboxError::Piston(message)) => assert!(message.contains("execute"), "{message}"),
        other => panic!("expected a Piston error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_judge_runs_every_language_through_piston_with_real_verdicts() {
    use interview_coach::judge::{Judge, Language, Settings, Verdict, What};
    use interview_coach::problems::ProblemBank;
    let (url, fake) = start_fake().await;
    let judge = Judge::new(Sandbox::piston(&url).expect("url"), Settings::default());
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("problems");
    let bank = ProblemBank::load(&root).expect("the bank loads");
    let two_sum = bank.get("two-sum").expect("two-sum");
    for language in Language::ALL {
        let file = root
            .join("solutions/two-sum")
            .join(format!("solution.{}", language.extension()));
        let code = std::fs::read_to_string(file).expect("a solution");
        let report = judge
            .run(two_sum, language, &code, What::All)
            .await
            .expect("judged");
        assert_eq!(report.isolation, "piston");
        assert_eq!(
            (report.verdict, report.passed),
            (Verdict::Passed, report.total),
            "{}: {:?}",
            language.name(),
            report.error
        );
    }
    let broken = "class Solution {\npublic:\n    vector<int> twoSum(vector<int>& nums, int target) {\n        return undefined_name;\n    }\n};\n";
    let report = judge
        .run(two_sum, Language::Cpp, broken, What::All)
        .await
        .expect("judged");
    assert_eq!(report.verdict, Verdict::CompileError);
    let error = report.error.unwrap_or_default();
    assert!(
        error.contains("undefined_name") && error.contains(":4:"),
        "{error}"
    );
    let sent = fake.requests.lock().unwrap().clone();
    assert!(
        sent.iter()
            .filter(|b| b["language"] == "c++")
            .all(|b| b["files"]
                .as_array()
                .is_some_and(|f| f.iter().all(|f| f["name"] != "solution.cpp"))),
        "the candidate's C++ is compiled only through the harness"
    );
}
