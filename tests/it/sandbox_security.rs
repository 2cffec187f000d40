//! Issue 14's security table, against the real sandbox: each hostile program runs
//! through the real app's pool (bubblewrap namespaces, and again the Landlock + seccomp
//! fallback), with the judge's default limits, a marker in its argv, while `/healthz` is
//! probed. Each test asserts the verdict, that no process of the run is left, and that
//! every `/healthz` answer came within 100 ms. The README's "Sandbox security" table
//! names these tests.

use crate::sandbox_common::{
    CANARY, HEALTHZ_BOUND, Service, assert_nothing_left, marker, program, short_name,
};
use interview_coach::sandbox::{Outcome, ProgramOutcome, Runtime, Status};

/// Runs one hostile program and checks the common promises; returns its outcome.
async fn hostile(
    sandbox: &str,
    runtime: Runtime,
    main: &str,
    source: &str,
    extra_args: &[String],
) -> (ProgramOutcome, Service) {
    hostile_marked(sandbox, runtime, main, source, extra_args, marker()).await
}

/// [`hostile`] with a given marker (a program that names its processes after it).
async fn hostile_marked(
    sandbox: &str,
    runtime: Runtime,
    main: &str,
    source: &str,
    extra_args: &[String],
    mark: String,
) -> (ProgramOutcome, Service) {
    let service = Service::start(sandbox).await;
    let mut prog = program(runtime, main, source, &mark);
    prog.args.extend(extra_args.iter().cloned());
    let (outcome, slowest) = service.run_probed(prog).await;
    let status = |o: &Option<Outcome>| o.as_ref().map(|o| (o.status, o.wall));
    eprintln!(
        "{sandbox} {main}: compile {:?}, run {:?}, slowest /healthz {slowest:?}",
        status(&outcome.compile),
        status(&outcome.run)
    );
    assert_nothing_left(&mark);
    assert!(
        slowest < HEALTHZ_BOUND,
        "/healthz took {slowest:?} while the run went on"
    );
    (outcome, service)
}

fn ran(outcome: &ProgramOutcome) -> &Outcome {
    outcome.run.as_ref().expect("the program ran")
}

fn stdout(outcome: &Outcome) -> String {
    String::from_utf8_lossy(&outcome.stdout).into_owned()
}

const FORK_BOMB: &str = r#"
import os
while True:
    try:
        os.fork()
    except OSError:
        pass
"#;

async fn fork_bomb(sandbox: &str) {
    let (outcome, service) = hostile(sandbox, Runtime::Python, "main.py", FORK_BOMB, &[]).await;
    let status = ran(&outcome).status;
    assert!(
        matches!(status, Status::WallLimit | Status::CpuLimit),
        "{status:?}"
    );
    service.stop().await;
}

async fn infinite_loop(sandbox: &str) {
    let source = "while True:\n    pass\n";
    let (outcome, service) = hostile(sandbox, Runtime::Python, "main.py", source, &[]).await;
    let status = ran(&outcome).status;
    assert!(
        matches!(status, Status::CpuLimit | Status::WallLimit),
        "{status:?}"
    );
    service.stop().await;
}

async fn sleep_forever(sandbox: &str) {
    let source = "import time\ntime.sleep(10**6)\n";
    let (outcome, service) = hostile(sandbox, Runtime::Python, "main.py", source, &[]).await;
    assert_eq!(ran(&outcome).status, Status::WallLimit);
    service.stop().await;
}

async fn memory_bomb(sandbox: &str) {
    let source = "blocks = []\nwhile True:\n    blocks.append(bytearray(16 * 1024 * 1024))\n";
    let (outcome, service) = hostile(sandbox, Runtime::Python, "main.py", source, &[]).await;
    assert_eq!(ran(&outcome).status, Status::MemoryLimit);
    service.stop().await;
}

async fn gigabyte_of_output(sandbox: &str) {
    let source =
        "import sys\nchunk = 'x' * (1 << 20)\nfor _ in range(1024):\n    sys.stdout.write(chunk)\n";
    let (outcome, service) = hostile(sandbox, Runtime::Python, "main.py", source, &[]).await;
    let run = ran(&outcome);
    assert_eq!(run.status, Status::OutputLimit);
    assert_eq!(run.stdout.len(), 64 * 1024, "output is capped at 64 KiB");
    service.stop().await;
}

async fn ten_gigabyte_file(sandbox: &str) {
    let source = r#"
with open("big.bin", "wb") as f:
    block = b"\0" * (1 << 20)
    for _ in range(10 * 1024):
        f.write(block)
print("wrote it all")
"#;
    let (outcome, service) = hostile(sandbox, Runtime::Python, "main.py", source, &[]).await;
    let run = ran(&outcome);
    assert_eq!(run.status, Status::OutputLimit);
    assert!(!stdout(run).contains("wrote it all"));
    service.stop().await;
}

/// Double-forks a daemon that leaves the session, waits until it runs and until the
/// middle process has exited unreaped (a zombie), and exits without waiting: both must
/// be killed and reaped by the end of the run. Both take the run's short name, so they
/// are found even as zombies.
const DAEMON: &str = r#"
import ctypes, os, sys, time
name = sys.argv[2].encode()
def rename():
    ctypes.CDLL(None).prctl(15, ctypes.c_char_p(name), 0, 0, 0)
started_r, started_w = os.pipe()
middle = os.fork()
if middle == 0:
    rename()
    os.setsid()
    if os.fork() == 0:
        rename()
        os.write(started_w, b"x")
        time.sleep(3600)
    os._exit(0)
os.read(started_r, 1)
os.waitid(os.P_PID, middle, os.WEXITED | os.WNOWAIT)
print("parent done")
"#;

async fn double_forking_daemon(sandbox: &str) {
    let mark = marker();
    let (outcome, service) = hostile_marked(
        sandbox,
        Runtime::Python,
        "main.py",
        DAEMON,
        &[short_name(&mark)],
        mark,
    )
    .await;
    let run = ran(&outcome);
    assert_eq!(run.status, Status::Exited(0));
    assert!(stdout(run).contains("parent done"), "{}", stdout(run));
    service.stop().await;
}

/// Reads what it should not, and reports whether any of it holds the canary (its
/// prefix comes in two halves, so no command line holds it whole).
const SNOOP: &str = r#"
import os, sys
prefix = (sys.argv[3] + sys.argv[4]).encode()
def attempt(path):
    try:
        with open(path, "rb") as f:
            data = f.read(1 << 20)
        print("READ", path, len(data))
        return data
    except Exception as e:
        print("DENIED", path, type(e).__name__)
        return b""
seen = {}
for path in [sys.argv[2], "/etc/shadow", "/proc/1/environ", "/proc/self/environ",
             "/proc/%d/environ" % os.getppid()]:
    seen[path] = attempt(path)
seen["os.environ"] = repr(dict(os.environ)).encode()
for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
    for name in ("environ", "cmdline"):
        try:
            with open("/proc/%s/%s" % (pid, name), "rb") as f:
                seen["/proc/%s/%s" % (pid, name)] = f.read()
        except Exception:
            pass
for top in ("/etc", "/tmp", "/work", os.getcwd(), os.path.expanduser("~")):
    for dirpath, dirs, files in os.walk(top):
        for name in files:
            path = os.path.join(dirpath, name)
            try:
                with open(path, "rb") as f:
                    seen[path] = f.read(1 << 20)
            except Exception:
                pass
for path, data in seen.items():
    if prefix in data:
        print("FOUND", path)
print("searched", len(seen))
"#;

async fn reads_secrets(sandbox: &str) {
    let service = Service::start(sandbox).await;
    let db = service.db_path.display().to_string();
    assert!(
        std::fs::metadata(&db).is_ok(),
        "the service's database exists at {db}"
    );
    let mark = marker();
    let mut prog = program(Runtime::Python, "main.py", SNOOP, &mark);
    let (first, second) = CANARY.split_at(7);
    prog.args
        .extend([db.clone(), first.to_string(), second.to_string()]);
    let (outcome, slowest) = service.run_probed(prog).await;
    assert_nothing_left(&mark);
    assert!(slowest < HEALTHZ_BOUND, "/healthz took {slowest:?}");
    let run = ran(&outcome);
    let out = stdout(run);
    assert_eq!(run.status, Status::Exited(0), "{out}");
    assert!(out.contains("searched"), "{out}");
    assert!(!out.contains("FOUND"), "the canary was found:\n{out}");
    assert!(!out.contains(CANARY));
    for denied in [db.as_str(), "/etc/shadow"] {
        assert!(
            out.contains(&format!("DENIED {denied}")),
            "{denied} was readable:\n{out}"
        );
    }
    // Inside namespaces pid 1 is the sandbox's own init, with an empty environment.
    assert!(
        out.contains("DENIED /proc/1/environ") || out.contains("READ /proc/1/environ 0"),
        "{out}"
    );
    service.stop().await;
}

const WRITE_OUT: &str = r#"
import os, sys
outside = sys.argv[2]
def w(path):
    try:
        with open(path, "w") as f:
            f.write("pwned")
        print("WROTE", path)
    except Exception as e:
        print("DENIED", path, type(e).__name__)
for p in ["/etc/passwd", "/usr/lib/pwned", "/pwned", "../pwned", outside]:
    w(p)
for name, target in (("link-out", outside), ("link-passwd", "/etc/passwd")):
    try:
        os.symlink(target, name)
    except Exception as e:
        print("DENIED symlink", type(e).__name__)
    w(name)
try:
    os.link(outside, "hard")
    w("hard")
except Exception as e:
    print("DENIED hardlink", type(e).__name__)
print("done")
"#;

async fn writes_outside_the_workspace(sandbox: &str) {
    let host = tempfile::tempdir().expect("tempdir");
    let outside = host.path().join("outside.txt");
    std::fs::write(&outside, "original").expect("write");
    let passwd = std::fs::read("/etc/passwd").expect("passwd");
    let args = [outside.display().to_string()];
    let (outcome, service) = hostile(sandbox, Runtime::Python, "main.py", WRITE_OUT, &args).await;
    let out = stdout(ran(&outcome));
    assert!(out.contains("done"), "{out}");
    assert!(!out.contains("WROTE"), "a write got out:\n{out}");
    assert_eq!(std::fs::read_to_string(&outside).expect("read"), "original");
    assert_eq!(std::fs::read("/etc/passwd").expect("passwd"), passwd);
    assert!(!std::path::Path::new("/pwned").exists());
    service.stop().await;
}

const SOCKETS: &str = r#"
import socket, sys
for host, port in (("127.0.0.1", int(sys.argv[2])), ("127.0.0.1", 5432), ("1.1.1.1", 53)):
    try:
        socket.create_connection((host, port), timeout=2)
        print("CONNECTED", host, port)
    except Exception as e:
        print("BLOCKED", host, port, type(e).__name__)
for family, kind in ((socket.AF_INET, socket.SOCK_DGRAM), (socket.AF_INET6, socket.SOCK_STREAM),
                     (socket.AF_NETLINK, socket.SOCK_RAW)):
    try:
        socket.socket(family, kind)
        print("OPENED", family)
    except Exception as e:
        print("BLOCKED", family, type(e).__name__)
"#;

async fn opens_sockets(sandbox: &str) {
    let service = Service::start(sandbox).await;
    let mark = marker();
    let mut prog = program(Runtime::Python, "main.py", SOCKETS, &mark);
    prog.args.push(service.addr.port().to_string());
    let (outcome, slowest) = service.run_probed(prog).await;
    assert_nothing_left(&mark);
    assert!(slowest < HEALTHZ_BOUND, "/healthz took {slowest:?}");
    let out = stdout(ran(&outcome));
    assert_eq!(out.matches("BLOCKED").count(), 6, "{out}");
    assert!(
        !out.contains("CONNECTED") && !out.contains("OPENED"),
        "{out}"
    );
    service.stop().await;
}

const PTRACE: &str = r#"
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
for pid in (1, os.getppid()):
    r = libc.ptrace(16, pid, None, None)
    print("PTRACE", pid, r, ctypes.get_errno())
"#;

async fn ptraces_another_process(sandbox: &str) {
    let (outcome, service) = hostile(sandbox, Runtime::Python, "main.py", PTRACE, &[]).await;
    let out = stdout(ran(&outcome));
    let lines: Vec<&str> = out.lines().filter(|l| l.starts_with("PTRACE")).collect();
    assert_eq!(lines.len(), 2, "{out}");
    for line in lines {
        assert!(line.contains(" -1 "), "ptrace succeeded: {line}");
    }
    service.stop().await;
}

fn refused_compile(outcome: &ProgramOutcome) -> Status {
    let compile = outcome.compile.as_ref().expect("a compile step");
    assert!(outcome.run.is_none(), "the program must not run");
    compile.status
}

async fn cxx_includes_dev_random(sandbox: &str) {
    let source = "#include \"/dev/random\"\nint main() {}\n";
    let (outcome, service) = hostile(sandbox, Runtime::Cxx, "main.cpp", source, &[]).await;
    let status = refused_compile(&outcome);
    assert!(
        matches!(
            status,
            Status::MemoryLimit | Status::CpuLimit | Status::WallLimit | Status::OutputLimit
        ) || matches!(status, Status::Exited(code) if code != 0),
        "{status:?}"
    );
    service.stop().await;
}

const TEMPLATE_BOMB: &str = r#"
template <class... T> struct List {};
template <int N, class... T> struct Grow { using type = typename Grow<N - 1, T..., T...>::type; };
template <class... T> struct Grow<0, T...> { using type = List<T...>; };
using Huge = Grow<40, int, long>::type;
int main() { Huge h; (void)h; }
"#;

async fn cxx_template_bomb(sandbox: &str) {
    let (outcome, service) = hostile(sandbox, Runtime::Cxx, "main.cpp", TEMPLATE_BOMB, &[]).await;
    let status = refused_compile(&outcome);
    assert!(
        matches!(
            status,
            Status::MemoryLimit | Status::CpuLimit | Status::WallLimit
        ),
        "{status:?}"
    );
    service.stop().await;
}

const THREADS: &str = r#"
public class Main {
    public static void main(String[] args) {
        for (int i = 0; i < 10000; i++) {
            new Thread(() -> {
                try { Thread.sleep(3_600_000); } catch (InterruptedException e) { }
            }).start();
        }
        System.out.println("started all");
    }
}
"#;

async fn java_ten_thousand_threads(sandbox: &str) {
    let (outcome, service) = hostile(sandbox, Runtime::Java, "Main.java", THREADS, &[]).await;
    let run = ran(&outcome);
    assert!(
        matches!(run.status, Status::MemoryLimit | Status::WallLimit),
        "{:?}: {}",
        run.status,
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(!stdout(run).contains("started all"));
    service.stop().await;
}

/// One test per row and backend: `bwrap::fork_bomb`, `landlock::fork_bomb`, ...
macro_rules! rows {
    ($backend:ident: $($row:ident),* $(,)?) => {
        mod $backend {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $row() {
                    super::$row(stringify!($backend)).await;
                }
            )*
        }
    };
}

rows!(bwrap:
    fork_bomb, infinite_loop, sleep_forever, memory_bomb, gigabyte_of_output,
    ten_gigabyte_file, double_forking_daemon, reads_secrets, writes_outside_the_workspace,
    opens_sockets, ptraces_another_process, cxx_includes_dev_random, cxx_template_bomb,
    java_ten_thousand_threads,
);

rows!(landlock:
    fork_bomb, infinite_loop, sleep_forever, memory_bomb, gigabyte_of_output,
    ten_gigabyte_file, double_forking_daemon, reads_secrets, writes_outside_the_workspace,
    opens_sockets, ptraces_another_process, cxx_includes_dev_random, cxx_template_bomb,
    java_ten_thousand_threads,
);
