//! The log's read queries and row decoders, one text for both backends: the macro
//! writes them for each pool type (sqlx's generic bounds would be longer than the
//! queries), and each store's trait methods call them in one line. Decoding takes a
//! stored payload through the codec's upcaster; nothing here ever writes. A stream's
//! read fails on a damaged row of that stream; a read of the whole log skips it.

macro_rules! log_reads {
    ($pool:ty, $row:ty, $schema:ty) => {
        use crate::domain::{StreamId, Version};
        use crate::store::{Appended, Position, RecordedEvent, StoreError, codec};
        use sqlx::Row;

        const SELECT_EVENTS: &str = "SELECT position, stream_id, version, event_type, schema_version, payload, recorded_at FROM events";

        /// An idempotency key's row: the first append's result.
        pub(crate) fn key_row(row: &$row) -> Result<Appended, StoreError> {
            Ok(Appended {
                stream_id: StreamId(row.try_get("stream_id")?),
                first_version: row.try_get::<i64, _>("first_version")? as u64,
                last_version: row.try_get::<i64, _>("last_version")? as u64,
                first_position: row.try_get("first_position")?,
                last_position: row.try_get("last_position")?,
            })
        }

        /// A row as its own stream reads it: a damaged row is an error (that interview
        /// reports it), an unknown type an `Event::Unknown`.
        pub(crate) fn event_row(row: &$row) -> Result<RecordedEvent, StoreError> {
            decoded_row(row, false)
        }

        /// A row as a reader of the whole log takes it: a damaged row is skipped (read
        /// as `Event::Unknown`), so it never stops the readers of other streams.
        pub(crate) fn event_row_lenient(row: &$row) -> Result<RecordedEvent, StoreError> {
            decoded_row(row, true)
        }

        fn decoded_row(row: &$row, lenient: bool) -> Result<RecordedEvent, StoreError> {
            let position: i64 = row.try_get("position")?;
            let event_type: String = row.try_get("event_type")?;
            let schema: $schema = row.try_get("schema_version")?;
            let payload: String = row.try_get("payload")?;
            let recorded_at = row.try_get("recorded_at")?;
            let event = if lenient {
                codec::read_lenient(&event_type, schema as u32, &payload, recorded_at, position)
            } else {
                codec::read(&event_type, schema as u32, &payload, recorded_at).map_err(|e| {
                    StoreError::Codec {
                        position,
                        message: e.to_string(),
                    }
                })?
            };
            Ok(RecordedEvent {
                position,
                stream_id: StreamId(row.try_get("stream_id")?),
                version: row.try_get::<i64, _>("version")? as u64,
                recorded_at,
                event,
            })
        }

        pub(crate) async fn max_position(pool: &$pool) -> Result<Position, StoreError> {
            let p: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) FROM events")
                .fetch_one(pool)
                .await?;
            Ok(p)
        }

        pub(crate) async fn find_key(pool: &$pool, key: &str) -> Result<Option<Appended>, StoreError> {
            let row = sqlx::query("SELECT * FROM idempotency_keys WHERE key = $1")
                .bind(key)
                .fetch_optional(pool)
                .await?;
            row.as_ref().map(key_row).transpose()
        }

        pub(crate) async fn read_stream(
            pool: &$pool,
            stream: &StreamId,
            from_version: Version,
        ) -> Result<Vec<RecordedEvent>, StoreError> {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "{SELECT_EVENTS} WHERE stream_id = $1 AND version >= $2 ORDER BY version"
            )))
            .bind(stream.as_str())
            .bind(from_version as i64)
            .fetch_all(pool)
            .await?;
            rows.iter().map(event_row).collect()
        }

        pub(crate) async fn read_all(
            pool: &$pool,
            after: Position,
            limit: u32,
        ) -> Result<Vec<RecordedEvent>, StoreError> {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "{SELECT_EVENTS} WHERE position > $1 ORDER BY position LIMIT $2"
            )))
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?;
            rows.iter().map(event_row_lenient).collect()
        }
    };
}

/// SQLite stores `schema_version` as INTEGER (i64).
pub(crate) mod sqlite {
    log_reads!(sqlx::SqlitePool, sqlx::sqlite::SqliteRow, i64);
}

/// Postgres stores `schema_version` as INTEGER (i32).
pub(crate) mod postgres {
    log_reads!(sqlx::PgPool, sqlx::postgres::PgRow, i32);
}
