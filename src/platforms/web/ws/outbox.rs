//! The sending half of a WebSocket: a bounded queue drained by one writer task. A frame
//! that cannot be queued within `SEND_TIMEOUT` (the client stopped reading) ends the
//! connection, so a slow client costs at most `QUEUE` frames of memory, never more.

use super::protocol::Frame;
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures::stream::SplitSink;
use futures::{SinkExt, StreamExt};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Frames queued per connection.
const QUEUE: usize = 256;
/// Most queued frames written to the socket before one flush.
const BATCH: usize = 32;
/// How long a frame may wait for room in the queue, or a write for the socket.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a session stops early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The client did not read its frames in time.
    SlowClient,
    /// The connection is gone.
    Gone,
}

pub struct Outbox {
    tx: mpsc::Sender<Message>,
    writer: JoinHandle<()>,
}

/// Split a socket into the outbox and the stream of incoming messages.
pub fn split(socket: WebSocket) -> (Outbox, futures::stream::SplitStream<WebSocket>) {
    let (sink, incoming) = socket.split();
    let (tx, rx) = mpsc::channel(QUEUE);
    let writer = tokio::spawn(write_loop(sink, rx));
    (Outbox { tx, writer }, incoming)
}

impl Outbox {
    pub async fn send(&self, frame: &Frame) -> Result<(), Stop> {
        self.raw(Message::Text(frame.to_json().into())).await
    }

    /// Queue a ping (the session times the pong).
    pub async fn ping(&self) -> Result<(), Stop> {
        self.raw(Message::Ping(Default::default())).await
    }

    /// Queue a close frame; nothing is sent after it.
    pub async fn close(&self, code: u16, reason: &'static str) {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        let _ = self.raw(Message::Close(Some(frame))).await;
    }

    async fn raw(&self, message: Message) -> Result<(), Stop> {
        match self.tx.send_timeout(message, SEND_TIMEOUT).await {
            Ok(()) => Ok(()),
            Err(mpsc::error::SendTimeoutError::Timeout(_)) => Err(Stop::SlowClient),
            Err(mpsc::error::SendTimeoutError::Closed(_)) => Err(Stop::Gone),
        }
    }

    /// Let the writer flush what is queued (briefly), or drop it at once for a slow
    /// client.
    pub async fn finish(self, stop: Option<Stop>) {
        let Outbox { tx, mut writer } = self;
        drop(tx);
        if stop == Some(Stop::SlowClient) {
            writer.abort();
            return;
        }
        if tokio::time::timeout(SEND_TIMEOUT, &mut writer)
            .await
            .is_err()
        {
            writer.abort();
        }
    }
}

async fn write_loop(mut sink: SplitSink<WebSocket, Message>, mut rx: mpsc::Receiver<Message>) {
    let mut batch = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut batch, BATCH).await > 0 {
        let closing = batch.iter().any(|m| matches!(m, Message::Close(_)));
        match tokio::time::timeout(SEND_TIMEOUT, write_all(&mut sink, &mut batch)).await {
            Ok(Ok(())) => {}
            _ => return,
        }
        if closing {
            return;
        }
    }
    let _ = tokio::time::timeout(SEND_TIMEOUT, sink.close()).await;
}

/// Write the frames queued together (up to a close, nothing after it), then flush once:
/// a burst of frames (streamed text, an answer and its status) costs one write to the
/// socket instead of one each.
async fn write_all(
    sink: &mut SplitSink<WebSocket, Message>,
    batch: &mut Vec<Message>,
) -> Result<(), axum::Error> {
    for message in batch.drain(..) {
        let closing = matches!(message, Message::Close(_));
        sink.feed(message).await?;
        if closing {
            break;
        }
    }
    sink.flush().await
}
