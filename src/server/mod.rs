//! The HTTP server: accepts TCP connections and serves the router on each over
//! HTTP/1.1 (with upgrades, for WebSockets), with the peer address in every request's
//! extensions (`ConnectInfo`). It keeps slow and greedy clients from holding the
//! service:
//!
//! - a request head must arrive whole within `header_timeout` of the connection's
//!   opening or of its previous response (hyper's header-read timer), so a client that
//!   dribbles a header, or idles between requests, is closed;
//! - a connection on which no byte moves for `idle_timeout` (a stalled request body, a
//!   client that stopped reading) is closed; an upgraded WebSocket is watched by its
//!   pings instead (`platforms::web::ws`);
//! - at most `max_connections` are open at once, and `max_per_network` from one client
//!   network; one over a cap gets a short 503 and is closed at accept.
//!
//! Shutdown is graceful: stop accepting, let each connection finish the request it is
//! serving (idle ones close at once), and wait for them all; open WebSockets and event
//! streams end through the app's `closing` token.
//!
//! This module never parses HTTP itself (hyper does) and never trusts a header for the
//! client's address.

mod caps;
mod watched;

pub use caps::{Caps, Refused};

use crate::config::LimitArgs;
use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt;
use watched::{Activity, Watched};

/// The limits on clients, from `LimitArgs`.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
    /// 0: no per-network cap.
    pub max_per_network: usize,
}

impl Limits {
    pub fn from_args(args: &LimitArgs) -> Limits {
        Limits {
            header_timeout: Duration::from_secs(args.http_header_timeout_seconds.max(1)),
            idle_timeout: Duration::from_secs(args.http_idle_timeout_seconds.max(1)),
            max_connections: usize::try_from(args.http_max_connections.max(1))
                .unwrap_or(usize::MAX),
            max_per_network: usize::try_from(args.http_max_connections_per_address)
                .unwrap_or(usize::MAX),
        }
    }
}

/// Sent to a connection refused over a cap, before it is closed.
const REFUSED: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 37\r\nRetry-After: 10\r\n\r\ntoo many connections; try again later";
/// At most one warning about refused connections per this period.
const WARN_EVERY: Duration = Duration::from_secs(60);
/// File descriptors kept for everything but client connections (database, log files,
/// outgoing HTTPS to the LLM and chat platforms).
const RESERVED_FDS: u64 = 256;

/// Serve `router` on `listener` until `shutdown` resolves; then drain (see the module
/// documentation) and return.
pub async fn run(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    warn_if_too_few_fds(limits.max_connections);
    let caps = Caps::new(limits.max_connections, limits.max_per_network);
    let draining = CancellationToken::new();
    let tracker = TaskTracker::new();
    let mut refusals = Refusals::default();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors or memory: wait a little instead of spinning.
                tracing::warn!(error = %e, "accept failed");
                tokio::select! {
                    _ = &mut shutdown => break,
                    _ = tokio::time::sleep(Duration::from_millis(200)) => continue,
                }
            }
        };
        let slot = match caps.admit(peer.ip()) {
            Ok(slot) => slot,
            Err(why) => {
                // A fresh socket's send buffer is empty: this never blocks.
                let _ = stream.try_write(REFUSED);
                refusals.note(why, caps.open());
                continue;
            }
        };
        // Small frames (streamed text, then the final message) go out at once: with
        // Nagle's algorithm a second frame waits for the client's delayed ACK (~40 ms).
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY");
        }
        let connection = Connection {
            peer,
            router: router.clone(),
            limits,
            draining: draining.clone(),
        };
        tracker.spawn(connection.serve(stream, slot));
    }
    drop(listener);
    draining.cancel();
    tracker.close();
    tracker.wait().await;
    Ok(())
}

/// One accepted connection and what serving it needs.
struct Connection {
    peer: SocketAddr,
    router: Router,
    limits: Limits,
    /// Cancelled when the server shuts down.
    draining: CancellationToken,
}

impl Connection {
    async fn serve(self, stream: TcpStream, slot: caps::Slot) {
        let activity = Activity::new();
        let io = TokioIo::new(Watched::new(stream, slot, activity.clone()));
        let peer = self.peer;
        let service = self
            .router
            .map_request(move |request: hyper::Request<Incoming>| {
                let mut request = request.map(Body::new);
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(self.limits.header_timeout);
        let connection = http
            .serve_connection(io, TowerToHyperService::new(service))
            .with_upgrades();
        tokio::pin!(connection);
        let mut draining = false;
        loop {
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(e) = result {
                        tracing::debug!(error = %e, %peer, "connection ended with an error");
                    }
                    return;
                }
                _ = self.draining.cancelled(), if !draining => {
                    draining = true;
                    connection.as_mut().graceful_shutdown();
                }
                _ = activity.idle_for(self.limits.idle_timeout) => {
                    tracing::debug!(%peer, "closing a connection idle for the idle timeout");
                    return;
                }
            }
        }
    }
}

/// Counts refused connections and warns about them at most once per `WARN_EVERY`, so a
/// flood cannot flood the log too.
#[derive(Default)]
struct Refusals {
    since_warning: u64,
    last_warning: Option<Instant>,
}

impl Refusals {
    fn note(&mut self, why: Refused, open: usize) {
        self.since_warning += 1;
        let due = self
            .last_warning
            .is_none_or(|at| at.elapsed() >= WARN_EVERY);
        if due {
            let cap = match why {
                Refused::Full => "HTTP_MAX_CONNECTIONS",
                Refused::NetworkFull => "HTTP_MAX_CONNECTIONS_PER_ADDRESS",
            };
            tracing::warn!(
                refused = self.since_warning,
                open,
                "connections refused over the caps (latest: {cap})"
            );
            self.since_warning = 0;
            self.last_warning = Some(Instant::now());
        }
    }
}

/// Raise this process's soft open-file limit to its hard limit (often 1,024 soft, far
/// more hard) and return the limit in force; `None` where it cannot be read.
pub fn raise_open_file_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct passed.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return None;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
    }
    Some(limit.rlim_cur)
}

fn warn_if_too_few_fds(max_connections: usize) {
    let wanted = u64::try_from(max_connections)
        .unwrap_or(u64::MAX)
        .saturating_add(RESERVED_FDS);
    match raise_open_file_limit() {
        Some(limit) if limit < wanted => tracing::warn!(
            limit,
            max_connections,
            "the open-file limit is below HTTP_MAX_CONNECTIONS plus {RESERVED_FDS}: accepts may fail under load; raise `ulimit -n` or lower HTTP_MAX_CONNECTIONS"
        ),
        Some(_) => {}
        None => tracing::debug!("cannot read the open-file limit"),
    }
}
