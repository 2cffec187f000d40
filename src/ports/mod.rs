//! The ports: what the application needs from a database, as traits and the plain data
//! they carry: the event log, the read models' rows, member stats and leaderboard
//! opt-ins, leases, delivery records and stored secrets.
//!
//! The store implements them; the engine, the projections, the practice features and
//! the query door use them. This module holds no SQL and no logic beyond plain data,
//! and imports nothing of the crate but the domain.

mod delivery;
mod error;
mod lease;
mod log;
mod read_models;
mod secrets;
mod stats;

pub use delivery::{Deliveries, DeliveryRecord};
pub use error::{BoxError, StoreError};
pub use lease::{LeaseHolder, LeaseTaken, Leases};
pub use log::{
    AppendOutcome, Appended, Committed, EventStore, ExpectedVersion, Hold, Position, RecordedEvent,
};
pub use read_models::{
    DailyUsage, Due, INTERVIEW_LIST, InterviewFilter, InterviewRow, Page, ReadModelStore,
};
pub use secrets::Secrets;
pub use stats::{
    DIMENSIONS, MEMBER_STATS, MemberRows, StatsAnalysis, StatsInterview, StatsRegrade, StatsStore,
};

/// Everything the application needs from a database: the log, the read models, leases,
/// delivery records and secrets.
pub trait Storage: EventStore + ReadModelStore + Leases + Deliveries + Secrets {}
impl<T: EventStore + ReadModelStore + Leases + Deliveries + Secrets> Storage for T {}
