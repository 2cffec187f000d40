//! Slow and greedy HTTP clients (issue 15, item 3), against the real binary: 1,000
//! sockets that dribble a request header are all closed by the header timeout while
//! `/healthz` keeps answering, and connections over the per-address or the total cap are
//! refused at accept while the others keep working. Then the accept loop itself
//! (`server::run` on a small router): a stalled request body is closed by the idle
//! timeout, an idle keep-alive connection by the header timeout, and shutdown lets a
//! request in flight finish.
//!
//! Clients connect from several loopback addresses (127.0.0.0/8 is all loopback on
//! Linux), so each counts as its own network.

use axum::Router;
use axum::routing::{get, post};
use interview_coach::server::{self, Limits};
use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::time::Instant;

/// The binary, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `interview-coach serve` on a free loopback port with `env`, and wait until
/// `/healthz` answers.
async fn start_binary(env: &[(&str, &str)]) -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_interview-coach"));
    cmd.current_dir(dir.path())
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("BIND_ADDR", addr.to_string())
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/log.db", dir.path().display()),
        )
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().expect("the binary starts");
    let server = Server {
        child,
        addr,
        _dir: dir,
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while healthz(addr, Ipv4Addr::LOCALHOST).await.is_err() {
        assert!(
            Instant::now() < deadline,
            "the binary never answered /healthz"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server
}

/// A TCP connection to `server` from the loopback address `source`.
async fn connect_from(source: Ipv4Addr, server: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from((source, 0)))?;
    socket.connect(server).await
}

/// One `GET /healthz` on a fresh connection from `source`: the status line and body.
async fn healthz(server: SocketAddr, source: Ipv4Addr) -> std::io::Result<String> {
    let mut s = connect_from(source, server).await?;
    request_healthz(&mut s, true).await
}

/// Send `GET /healthz` on `s` and read the response (to EOF when `close`, else one
/// response by its length).
async fn request_healthz(s: &mut TcpStream, close: bool) -> std::io::Result<String> {
    let connection = if close { "close" } else { "keep-alive" };
    let request =
        format!("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: {connection}\r\n\r\n");
    tokio::time::timeout(Duration::from_secs(10), async {
        s.write_all(request.as_bytes()).await?;
        let mut response = Vec::new();
        let mut buf = [0u8; 1024];
        loop {
            let n = s.read(&mut buf).await?;
            response.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&response).to_string();
            if n == 0 || (!close && text.contains("\r\n\r\n") && text.ends_with("ok")) {
                return Ok(text);
            }
            if !close && text.contains("\r\n\r\n") && !text.starts_with("HTTP/1.1 200") {
                return Ok(text);
            }
        }
    })
    .await
    .map_err(|_| std::io::Error::other("no answer within 10 s"))?
}

/// Reads until the peer closes (EOF or reset) and returns what arrived, or `None` if it
/// is still open at `deadline`.
async fn until_closed(s: &mut TcpStream, deadline: Instant) -> Option<Vec<u8>> {
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout_at(deadline, s.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(got),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// A client that sends the start of a request head, then one header byte every 500 ms
/// (well inside any per-byte timeout), until the server closes it. Returns what the
/// server sent before closing, or an error when it was still open at its deadline.
async fn slowloris(
    source: Ipv4Addr,
    server: SocketAddr,
    allowed: Duration,
    open: Arc<AtomicUsize>,
) -> Result<Vec<u8>, String> {
    let mut s = connect_from(source, server)
        .await
        .map_err(|e| format!("connect from {source}: {e}"))?;
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Dribble: ")
        .await
        .map_err(|e| format!("first bytes: {e}"))?;
    open.fetch_add(1, Ordering::SeqCst);
    let deadline = Instant::now() + allowed;
    let mut dribble = tokio::time::interval(Duration::from_millis(500));
    let mut got = Vec::new();
    let mut buf = [0u8; 512];
    let result = loop {
        tokio::select! {
            read = s.read(&mut buf) => match read {
                Ok(0) | Err(_) => break Ok(got),
                Ok(n) => got.extend_from_slice(&buf[..n]),
            },
            _ = dribble.tick() => {
                // A failed write means the server closed; the read reports it next.
                let _ = s.write_all(b"a").await;
            }
            _ = tokio::time::sleep_until(deadline) => {
                break Err(format!("a slow socket from {source} was still open after {allowed:?}"));
            }
        }
    };
    open.fetch_sub(1, Ordering::SeqCst);
    result
}

/// The reproduction: 1,000 connections that send a partial header and then
/// dribble bytes. Every one is closed by the header timeout (3 s here) without an
/// answer, none is refused, and `/healthz` answers all along.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_dribbling_sockets_are_closed_by_the_header_timeout_while_healthz_answers() {
    server::raise_open_file_limit();
    let header_timeout = Duration::from_secs(3);
    let server = start_binary(&[("HTTP_HEADER_TIMEOUT_SECONDS", "3")]).await;
    let open = Arc::new(AtomicUsize::new(0));
    // 20 source addresses, 50 sockets each: under the default cap of 64 per address.
    let mut clients = tokio::task::JoinSet::new();
    for i in 0..1000u32 {
        let source = Ipv4Addr::new(127, 0, 1, 1 + (i % 20) as u8);
        let allowed = header_timeout + Duration::from_secs(12);
        clients.spawn(slowloris(source, server.addr, allowed, open.clone()));
    }
    // While they are open, /healthz answers from another address.
    let deadline = Instant::now() + Duration::from_secs(30);
    while open.load(Ordering::SeqCst) < 500 {
        assert!(
            Instant::now() < deadline,
            "the slow sockets did not connect"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut answered_under_load = 0;
    let mut most_open = 0;
    loop {
        let open_now = open.load(Ordering::SeqCst);
        if open_now == 0 && clients.is_empty() {
            break;
        }
        let body = healthz(server.addr, Ipv4Addr::LOCALHOST)
            .await
            .expect("healthz answers while slow sockets are open");
        assert!(
            body.starts_with("HTTP/1.1 200") && body.ends_with("ok"),
            "{body}"
        );
        if open_now >= 500 {
            answered_under_load += 1;
            most_open = most_open.max(open_now);
        }
        while let Some(done) = clients.try_join_next() {
            let got = done.expect("client task").unwrap_or_else(|e| panic!("{e}"));
            assert!(
                got.is_empty(),
                "a slow socket got an answer instead of a close: {}",
                String::from_utf8_lossy(&got)
            );
        }
    }
    assert!(
        answered_under_load >= 1,
        "no /healthz answer while 500+ slow sockets were open"
    );
    eprintln!("{answered_under_load} /healthz answers with up to {most_open} slow sockets open");
    let after = healthz(server.addr, Ipv4Addr::new(127, 0, 1, 1))
        .await
        .expect("a slow client's address is served again");
    assert!(after.starts_with("HTTP/1.1 200"), "{after}");
}

/// The cap per address: the fifth connection from one address is refused with a 503
/// and closed, the four others keep working, another address gets in, and a closed
/// connection frees its place. Then the total cap refuses any address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_per_address_or_total_cap_are_refused_and_the_rest_still_work() {
    let server = start_binary(&[
        ("HTTP_MAX_CONNECTIONS_PER_ADDRESS", "4"),
        ("HTTP_MAX_CONNECTIONS", "6"),
    ])
    .await;
    let a = Ipv4Addr::new(127, 0, 2, 1);
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut s = connect_from(a, server.addr).await.expect("connect");
        let answer = request_healthz(&mut s, false).await.expect("answer");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        held.push(s);
    }
    let mut extra = connect_from(a, server.addr)
        .await
        .expect("the TCP handshake");
    let refused = until_closed(&mut extra, Instant::now() + Duration::from_secs(10))
        .await
        .expect("the fifth connection is closed at once");
    let refused = String::from_utf8_lossy(&refused);
    assert!(
        refused.starts_with("HTTP/1.1 503")
            && refused.ends_with("too many connections; try again later"),
        "{refused}"
    );
    for s in &mut held {
        let answer = request_healthz(s, false).await.expect("still served");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
    let b = Ipv4Addr::new(127, 0, 2, 2);
    let answer = healthz(server.addr, b).await.expect("another address");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // Closing one of the four frees a place for the address, once the server has seen
    // the close (until then a try is refused or reset).
    drop(held.pop());
    held.push(served_from(a, server.addr).await);

    // The total cap: four held from `a`, two more from other addresses fill it (once
    // the server has seen the earlier closed connections go).
    for i in 0..2 {
        held.push(served_from(Ipv4Addr::new(127, 0, 2, 10 + i), server.addr).await);
    }
    let mut over = connect_from(Ipv4Addr::new(127, 0, 2, 20), server.addr)
        .await
        .expect("the TCP handshake");
    let refused = until_closed(&mut over, Instant::now() + Duration::from_secs(10))
        .await
        .expect("a seventh connection is closed at once");
    assert!(
        String::from_utf8_lossy(&refused).starts_with("HTTP/1.1 503"),
        "{}",
        String::from_utf8_lossy(&refused)
    );
    for s in &mut held {
        let answer = request_healthz(s, false).await.expect("still served");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
}

/// A kept-alive connection from `source` that has been answered `/healthz`, retried
/// (refused or reset) until a place is free.
async fn served_from(source: Ipv4Addr, server: SocketAddr) -> TcpStream {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(mut s) = connect_from(source, server).await
            && let Ok(answer) = request_healthz(&mut s, false).await
            && answer.starts_with("HTTP/1.1 200")
        {
            return s;
        }
        assert!(Instant::now() < deadline, "no place for {source} was freed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `server::run` on a router with a body-reading route and a route that waits to be
/// released; the limits are short so the tests end quickly.
struct Harness {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    served: tokio::task::JoinHandle<std::io::Result<()>>,
    release: Arc<tokio::sync::Notify>,
    entered: Arc<tokio::sync::Notify>,
}

async fn harness(header_timeout: Duration, idle_timeout: Duration) -> Harness {
    let release = Arc::new(tokio::sync::Notify::new());
    let entered = Arc::new(tokio::sync::Notify::new());
    let (r, e) = (release.clone(), entered.clone());
    let router = Router::new()
        .route("/echo", post(|body: String| async move { body }))
        .route(
            "/held",
            get(move || async move {
                e.notify_one();
                r.notified().await;
                "released"
            }),
        );
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let limits = Limits {
        header_timeout,
        idle_timeout,
        max_connections: 64,
        max_per_network: 0,
    };
    let served = tokio::spawn(server::run(listener, router, limits, async {
        let _ = stopped.await;
    }));
    Harness {
        addr,
        stop: Some(stop),
        served,
        release,
        entered,
    }
}

#[tokio::test]
async fn a_stalled_request_body_is_closed_by_the_idle_timeout() {
    let h = harness(Duration::from_secs(30), Duration::from_secs(1)).await;
    // A whole request is answered.
    let mut s = TcpStream::connect(h.addr).await.expect("connect");
    s.write_all(
        b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
    )
    .await
    .expect("write");
    let answer = until_closed(&mut s, Instant::now() + Duration::from_secs(10))
        .await
        .expect("answered and closed");
    assert!(
        String::from_utf8_lossy(&answer).ends_with("hello"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    // A body that stops halfway is closed after the idle timeout, long before the
    // header timeout, with no answer.
    let mut s = TcpStream::connect(h.addr).await.expect("connect");
    s.write_all(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhalf")
        .await
        .expect("write");
    let got = until_closed(&mut s, Instant::now() + Duration::from_secs(15))
        .await
        .expect("the stalled request is closed");
    assert!(got.is_empty(), "{}", String::from_utf8_lossy(&got));
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_by_the_header_timeout() {
    let h = harness(Duration::from_secs(1), Duration::from_secs(60)).await;
    let mut s = TcpStream::connect(h.addr).await.expect("connect");
    s.write_all(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
        .await
        .expect("write");
    let mut buf = [0u8; 512];
    let n = s.read(&mut buf).await.expect("the answer");
    assert!(String::from_utf8_lossy(&buf[..n]).ends_with("hi"));
    let rest = until_closed(&mut s, Instant::now() + Duration::from_secs(10))
        .await
        .expect("closed while idle, long before the idle timeout");
    assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));
}

#[tokio::test]
async fn shutdown_lets_a_request_in_flight_finish_and_accepts_no_more() {
    let mut h = harness(Duration::from_secs(30), Duration::from_secs(60)).await;
    let mut s = TcpStream::connect(h.addr).await.expect("connect");
    s.write_all(b"GET /held HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    h.entered.notified().await;
    // An idle connection is closed at once by the shutdown.
    let mut idle = TcpStream::connect(h.addr).await.expect("connect");
    if let Some(stop) = h.stop.take() {
        let _ = stop.send(());
    }
    let got = until_closed(&mut idle, Instant::now() + Duration::from_secs(10))
        .await
        .expect("the idle connection is closed by the shutdown");
    assert!(got.is_empty());
    assert!(!h.served.is_finished(), "the server waits for the request");
    h.release.notify_one();
    let answer = until_closed(&mut s, Instant::now() + Duration::from_secs(10))
        .await
        .expect("answered, then closed");
    assert!(
        String::from_utf8_lossy(&answer).ends_with("released"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    tokio::time::timeout(Duration::from_secs(10), &mut h.served)
        .await
        .expect("the server returns once the request is done")
        .expect("no panic")
        .expect("no error");
    assert!(TcpStream::connect(h.addr).await.is_err(), "no more accepts");
}
