//! The WebSocket endpoints: `/ws` starts a new web interview, `/ws/{id}` resumes one
//! (by interview id or stream id), replaying its history from the log before going
//! live, also after a restart. Knowing the id is enough to watch, never to act: only
//! the candidate's browser or the operator may (`role`).
//!
//! Messages are capped at 1 MiB; everything else about a connection (pings, rate and
//! spend limits) lives in `session`. Open sockets are counted in
//! `interview_coach_websocket_connections`. An unknown or non-web interview gets an `error` frame and a close.

mod limit;
mod outbox;
mod pick;
pub mod protocol;
mod render;
mod role;
mod session;

use super::Web;
use super::client::ClientNetwork;
use super::identity::{self, GUEST_NAME};
use crate::domain::{Actor, Place, Platform};
use crate::telemetry::metrics::OpenWebSocket;
use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use protocol::Frame;
use role::Role;
use session::{End, Session};
use uuid::Uuid;

/// Largest message (and frame) a client may send.
pub const MAX_MESSAGE_BYTES: usize = 1 << 20;

/// Bytes a socket reads from the network at a time. tungstenite's default (128 KiB) is
/// zero-filled before every read, so each wake-up of a socket cleared 128 KiB and every
/// open socket kept it resident (`perf` and RSS in BENCHMARKS.md, web load). Client
/// frames are small; a larger one (up to `MAX_MESSAGE_BYTES`) still arrives whole, the
/// buffer growing for that frame.
const READ_BUFFER_BYTES: usize = 8 * 1024;

const WELCOME: &str = "Welcome! I'm your AI interview coach. Describe the problem you want to practise, then we'll go through your approach, your code and a summary.";
const WELCOME_BACK: &str = "Welcome back! Picking up where you left off.";

fn limited(upgrade: WebSocketUpgrade) -> WebSocketUpgrade {
    upgrade
        .read_buffer_size(READ_BUFFER_BYTES)
        .max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES)
}

/// `GET /ws`: a new interview, started by the first `problem_description`.
pub async fn start(
    State(web): State<Web>,
    client: ClientNetwork,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let member = identity::member_id(&headers);
    limited(upgrade).on_upgrade(move |socket| async move {
        let _open = OpenWebSocket::opened();
        run_new(web, socket, member, client).await
    })
}

/// `GET /ws/{id}`: resume an interview; the member cookie (or the access token) decides
/// whether this socket may act or only watch (`role`).
pub async fn resume(
    State(web): State<Web>,
    client: ClientNetwork,
    Path(id): Path<String>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let member = identity::member_id(&headers);
    limited(upgrade).on_upgrade(move |socket| async move {
        let _open = OpenWebSocket::opened();
        run_resume(web, socket, id, member, client).await
    })
}

async fn run_new(web: Web, socket: WebSocket, member: Option<String>, client: ClientNetwork) {
    let id = Uuid::new_v4();
    let stream = Place::Web {
        session: id.to_string(),
    }
    .stream_id();
    let actor = Actor::new(
        Platform::Web,
        member.unwrap_or_else(|| id.simple().to_string()),
        GUEST_NAME,
    );
    let (out, incoming) = outbox::split(socket);
    let session = Session::new(web, stream, id, (actor, Role::Candidate), out, client);
    let welcome = Frame::System {
        message: WELCOME.to_string(),
        timestamp: session.web.engine().now(),
    };
    if session.send(welcome).await.is_ok() {
        session.serve(incoming).await;
    }
}

async fn run_resume(
    web: Web,
    socket: WebSocket,
    id: String,
    member: Option<String>,
    client: ClientNetwork,
) {
    let (out, incoming) = outbox::split(socket);
    let now = web.engine().now();
    let refuse = |message: &str| Frame::error(message, now);
    let loaded = match web.queries().find(&id).await {
        Ok(Some(loaded)) => loaded,
        Ok(None) => {
            let _ = out.send(&refuse("Interview not found.")).await;
            out.close(4404, "interview not found").await;
            return out.finish(None).await;
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot load an interview to resume");
            let _ = out
                .send(&refuse(
                    "Cannot read this interview right now; try again shortly.",
                ))
                .await;
            out.close(1011, "store unavailable").await;
            return out.finish(None).await;
        }
    };
    let Some(started) = loaded.started().cloned() else {
        return out.finish(None).await;
    };
    if started.place.platform() != Platform::Web {
        let message = format!(
            "This is a {} interview; it continues there. Open its transcript to read it.",
            started.place.platform()
        );
        let _ = out.send(&refuse(&message)).await;
        out.close(4403, "not a web interview").await;
        return out.finish(None).await;
    }
    let operator = web.access_token().is_some();
    let role = Role::of(&started.candidate, member.as_deref(), operator);
    // Subscribe (in Session::new) before catching up past the loaded events: no gap.
    let mut session = Session::new(
        web,
        loaded.stream,
        started.interview_id,
        (started.candidate, role),
        out,
        client,
    );
    if replay(&mut session, &loaded.events).await.is_ok() {
        session.serve(incoming).await;
    }
}

/// Welcome back, `interview`, the history, `replay_done`, and what the coach still owes.
async fn replay(
    session: &mut Session,
    events: &[crate::queries::RecordedEvent],
) -> Result<(), End> {
    let mut history = Vec::new();
    for e in events {
        history.extend(session.renderer.event(e));
    }
    session.renderer.statement = session.bank_statement();
    let welcome = Frame::System {
        message: WELCOME_BACK.to_string(),
        timestamp: session.web.engine().now(),
    };
    session.send(welcome).await?;
    let frame = session.renderer.interview_frame(
        session.stream.as_str(),
        session.interview_id,
        session.role,
    );
    session.send(frame).await?;
    for frame in history {
        session.send(frame).await?;
    }
    session.catch_up().await?;
    session.send(Frame::ReplayDone).await?;
    for frame in session.renderer.pending_status() {
        session.send(frame).await?;
    }
    Ok(())
}
