//! `SANDBOX=piston`: runs go to a self-hosted Piston (engineer-man/piston, API v2).
//! `GET /api/v2/runtimes` names the installed languages and versions (asked once, then
//! kept); `POST /api/v2/execute` compiles and runs one program in one request, so a
//! [`Program`] maps to one call and single steps are not offered. Limits travel as
//! Piston's timeouts and memory limits; output is capped here as everywhere.
//!
//! It must never send anything of the service's environment, only the program.

use super::program::Program;
use super::{Limits, Outcome, ProgramOutcome, Runtime, SandboxError, Status};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;

#[derive(Debug)]
pub struct Piston {
    base: String,
    /// Time allowed for the HTTP exchange on top of the compile and run limits.
    slack: Duration,
    client: reqwest::Client,
    runtimes: OnceCell<Vec<PistonRuntime>>,
}

/// One entry of `GET /api/v2/runtimes`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct PistonRuntime {
    pub language: String,
    pub version: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
}

#[derive(Debug, Serialize)]
struct ExecuteRequest<'a> {
    language: &'a str,
    version: &'a str,
    files: Vec<PistonFile>,
    stdin: String,
    args: &'a [String],
    compile_timeout: u64,
    run_timeout: u64,
    compile_memory_limit: i64,
    run_memory_limit: i64,
}

#[derive(Debug, Serialize)]
struct PistonFile {
    name: String,
    content: String,
}

#[derive(Debug, Deserialize)]
struct ExecuteResponse {
    run: Option<Stage>,
    compile: Option<Stage>,
}

/// One stage of an execute response; `status`, `message`, `memory` and `wall_time`
/// come from newer Piston versions only.
#[derive(Debug, Deserialize)]
struct Stage {
    #[serde(default)]
    stdout: String,
    #[serde(default)]
    stderr: String,
    code: Option<i32>,
    signal: Option<String>,
    status: Option<String>,
    memory: Option<u64>,
    wall_time: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct ErrorBody {
    message: String,
}

impl Piston {
    pub fn new(url: &str, slack: Duration) -> Result<Piston, SandboxError> {
        let parsed = url::Url::parse(url)
            .map_err(|e| SandboxError::Piston(format!("PISTON_URL {url:?} is not a URL: {e}")))?;
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| SandboxError::Piston(e.to_string()))?;
        Ok(Piston {
            base: parsed.as_str().trim_end_matches('/').to_string(),
            slack,
            client,
            runtimes: OnceCell::new(),
        })
    }

    async fn runtimes(&self) -> Result<&[PistonRuntime], SandboxError> {
        let list = self
            .runtimes
            .get_or_try_init(|| async {
                let response = self
                    .client
                    .get(format!("{}/api/v2/runtimes", self.base))
                    .timeout(Duration::from_secs(10))
                    .send()
                    .await
                    .map_err(|e| SandboxError::Piston(format!("GET /api/v2/runtimes: {e}")))?;
                let response = check(response).await?;
                response
                    .json::<Vec<PistonRuntime>>()
                    .await
                    .map_err(|e| SandboxError::Piston(format!("runtimes list: {e}")))
            })
            .await?;
        Ok(list)
    }

    pub async fn run_program(&self, program: Program) -> Result<ProgramOutcome, SandboxError> {
        let runtime = pick(self.runtimes().await?, program.runtime)
            .ok_or(SandboxError::MissingRuntime(program.runtime))?
            .clone();
        let (compile, run) = (&program.compile_limits, &program.run_limits);
        let mut files: Vec<PistonFile> = program
            .files
            .iter()
            .map(|f| PistonFile {
                name: f.path.clone(),
                content: String::from_utf8_lossy(&f.contents).into_owned(),
            })
            .collect();
        // Piston runs the first file.
        if let Some(i) = files.iter().position(|f| f.name == program.main) {
            files.swap(0, i);
        }
        let request = ExecuteRequest {
            language: &runtime.language,
            version: &runtime.version,
            files,
            stdin: String::from_utf8_lossy(&program.stdin).into_owned(),
            args: &program.args,
            compile_timeout: compile.wall.as_millis() as u64,
            run_timeout: run.wall.as_millis() as u64,
            compile_memory_limit: compile.memory_bytes.min(i64::MAX as u64) as i64,
            run_memory_limit: run.memory_bytes.min(i64::MAX as u64) as i64,
        };
        let started = Instant::now();
        let response = self
            .client
            .post(format!("{}/api/v2/execute", self.base))
            .json(&request)
            .timeout(compile.wall + run.wall + self.slack)
            .send()
            .await
            .map_err(|e| SandboxError::Piston(format!("POST /api/v2/execute: {e}")))?;
        let body: ExecuteResponse = check(response)
            .await?
            .json()
            .await
            .map_err(|e| SandboxError::Piston(format!("execute response: {e}")))?;
        let elapsed = started.elapsed();
        let compiled = body.compile.map(|s| outcome(s, compile, elapsed));
        let failed = compiled
            .as_ref()
            .is_some_and(|c| c.status != Status::Exited(0));
        let ran = body
            .run
            .filter(|_| !failed)
            .map(|s| outcome(s, run, elapsed));
        Ok(ProgramOutcome {
            compile: compiled,
            run: ran,
        })
    }
}

/// A non-2xx answer as an error carrying Piston's `message`.
async fn check(response: reqwest::Response) -> Result<reqwest::Response, SandboxError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let text = response.text().await.unwrap_or_default();
    let message = serde_json::from_str::<ErrorBody>(&text)
        .map(|b| b.message)
        .unwrap_or(text);
    Err(SandboxError::Piston(format!("{status}: {message}")))
}

/// The newest installed version of `runtime`'s language, by name or alias.
fn pick(list: &[PistonRuntime], runtime: Runtime) -> Option<&PistonRuntime> {
    let names: &[&str] = match runtime {
        Runtime::Python => &["python", "python3"],
        Runtime::Node => &["javascript", "node", "js"],
        Runtime::Java => &["java"],
        Runtime::Cxx => &["c++", "cpp", "g++"],
    };
    list.iter()
        .filter(|r| {
            names
                .iter()
                .any(|n| r.language == *n || r.aliases.iter().any(|a| a == n))
        })
        .max_by_key(|r| version_key(&r.version))
}

fn version_key(version: &str) -> Vec<u64> {
    version
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect()
}

fn outcome(stage: Stage, limits: &Limits, elapsed: Duration) -> Outcome {
    let cap = limits.output_bytes;
    let over = stage.stdout.len() > cap || stage.stderr.len() > cap;
    let cut = |s: String| {
        let mut bytes = s.into_bytes();
        bytes.truncate(cap);
        bytes
    };
    let wall = stage.wall_time.map_or(elapsed, Duration::from_millis);
    let status = match (stage.status.as_deref(), stage.signal.as_deref(), stage.code) {
        _ if over => Status::OutputLimit,
        (Some("TO"), _, _) => Status::WallLimit,
        // Older Piston reports a timeout only as the kill.
        (None, Some("SIGKILL"), _) if wall >= limits.wall => Status::WallLimit,
        (Some("OL") | Some("EL"), _, _) => Status::OutputLimit,
        (_, Some("SIGXCPU"), _) => Status::CpuLimit,
        (_, Some("SIGXFSZ"), _) => Status::OutputLimit,
        (_, Some(signal), _) => Status::Signalled(signal_number(signal)),
        (_, None, Some(code)) => Status::Exited(code),
        (_, None, None) => Status::Exited(-1),
    };
    Outcome {
        status,
        stdout: cut(stage.stdout),
        stderr: cut(stage.stderr),
        wall,
        peak_memory_bytes: stage.memory,
    }
}

fn signal_number(name: &str) -> i32 {
    match name {
        "SIGKILL" => libc::SIGKILL,
        "SIGSEGV" => libc::SIGSEGV,
        "SIGABRT" => libc::SIGABRT,
        "SIGFPE" => libc::SIGFPE,
        "SIGBUS" => libc::SIGBUS,
        "SIGTERM" => libc::SIGTERM,
        "SIGILL" => libc::SIGILL,
        "SIGPIPE" => libc::SIGPIPE,
        _ => -1,
    }
}
