//! The practice features, each built on the log and the read models: a member's stats
//! and progress, the opt-in leaderboard, the Markdown export (of one interview, and a
//! member's own export from chat), the readable replay, privacy (what forgetting a
//! member leaves), and the transcript view that the replay, the export and the platforms'
//! renderers format. Each reads through the ports and formats data; none appends events
//! (writes go through the engine), and none knows a platform.

pub mod daily;
pub mod duel; // issue 16: duel
pub mod export;
#[cfg(test)]
pub(crate) mod golden;
pub mod interviewer_stats; // issue 16: peer
pub mod leaderboard;
pub mod member_export;
pub mod peer;
pub mod privacy;
pub mod regrades;
pub mod replay;
pub mod runs;
pub mod stats;
pub mod transcript;
pub mod transcript_peer;
