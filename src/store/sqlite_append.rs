//! The SQL of SQLite appends on the writer connection: one append (version check,
//! insert, idempotency key) in its own transaction or inside another, and a batch of
//! appends as one script. Both the store (appends held open in tests) and the
//! group-commit task (`sqlite_batch`) call it; it calls neither.

use super::reads::sqlite::key_row;
use super::sqlite_write::{WriteSync, WriterPool};
use crate::domain::StreamId;
use crate::ports::{AppendOutcome, Appended, ExpectedVersion, Hold, StoreError};
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use sqlx::sqlite::SqliteConnection;
use sqlx::{Either, Executor, Row};

/// An event ready to store: type, schema version, JSON payload.
pub(crate) type Encoded = (String, u32, String);

/// A repeated key: the first append's result, if it was for the same stream.
pub(crate) fn duplicate(
    stream: &StreamId,
    appended: Appended,
) -> Result<AppendOutcome, StoreError> {
    if &appended.stream_id != stream {
        return Err(StoreError::KeyOnOtherStream {
            stream: appended.stream_id.to_string(),
        });
    }
    Ok(AppendOutcome {
        appended,
        duplicate: true,
        recorded_at: None,
    })
}

/// Append in its own transaction, optionally held open before the commit (tests).
pub(crate) async fn append_one(
    pool: &WriterPool,
    stream: &StreamId,
    expected: ExpectedVersion,
    events: &[Encoded],
    key: Option<&str>,
    hold: Option<Hold>,
) -> Result<AppendOutcome, StoreError> {
    let mut conn = pool.acquire_bare().await?;
    let mut tx = pool.begin(&mut conn, WriteSync::Durable, true).await?;
    let append = Append {
        stream,
        expected,
        events,
        key,
    };
    let outcome = append_in(&mut tx, &append, Utc::now()).await?;
    if outcome.is_err() {
        tx.rollback().await?;
        return outcome;
    }
    if let Some(hold) = hold {
        let _ = hold.entered.send(());
        let _ = hold.release.await;
    }
    tx.commit().await?;
    outcome
}

/// Where an insert's parameters are: the time (`$now`, always `$1`, shared by every
/// insert of a script), the stream (`$stream`), then type, schema and payload per event
/// from `$events`, then the expected version (negative for any) and the idempotency
/// key (NULL for none).
#[derive(Clone, Copy)]
struct Params {
    stream: usize,
    now: usize,
    events: usize,
}

impl Params {
    /// An insert whose parameters follow the first `used` ones (the time, and the
    /// inserts before it in a script).
    fn after(used: usize) -> Params {
        Params {
            now: 1,
            stream: used + 1,
            events: used + 2,
        }
    }

    fn expected(self, n: usize) -> usize {
        self.events + 3 * n
    }

    fn key(self, n: usize) -> usize {
        self.expected(n) + 1
    }
}

/// `INSERT` of `n` events after the stream's current version, only if it is the
/// expected one and the idempotency key was never used (parameters at `p`). Rows come
/// back as (position, version). The key's check is part of the insert so that the
/// usual append costs no statement of its own for it.
fn insert_sql(n: usize, p: Params) -> String {
    let values: Vec<String> = (0..n)
        .map(|i| {
            let at = p.events + 3 * i;
            format!("({}, ${at}, ${}, ${})", i + 1, at + 1, at + 2)
        })
        .collect();
    let (stream, now) = (p.stream, p.now);
    let (expected, key) = (p.expected(n), p.key(n));
    format!(
        "WITH cur(v) AS (SELECT COALESCE(MAX(version), 0) FROM events WHERE stream_id = ${stream}) \
         INSERT INTO events (stream_id, version, event_type, schema_version, payload, recorded_at) \
         SELECT ${stream}, cur.v + n.column1, n.column2, n.column3, n.column4, ${now} \
         FROM cur, (VALUES {}) AS n WHERE (${expected} < 0 OR cur.v = ${expected}) \
         AND NOT EXISTS (SELECT 1 FROM idempotency_keys WHERE key = ${key}) \
         RETURNING position, version",
        values.join(", ")
    )
}

/// The idempotency key of the insert run just before (parameters at `p`), from the rows
/// it wrote: `changes()` counts them and `last_insert_rowid()` is the last one's
/// position (an insert's rows take consecutive positions). An insert that wrote
/// nothing leaves `changes()` at 0, and no key is recorded.
fn key_sql(n: usize, p: Params) -> String {
    let (key, now) = (p.key(n), p.now);
    format!(
        "INSERT INTO idempotency_keys (key, stream_id, first_version, last_version, first_position, last_position, recorded_at) \
         SELECT ${key}, stream_id, version - changes() + 1, version, position - changes() + 1, position, ${now} \
         FROM events WHERE position = last_insert_rowid() AND changes() > 0"
    )
}

/// One append inside an open write transaction. The outer error is the database's (the
/// transaction must be abandoned); the inner result is this append's answer: a
/// conflict or a key used on another stream writes nothing and leaves the transaction
/// usable for the appends after it.
pub(crate) async fn append_in(
    conn: &mut SqliteConnection,
    a: &Append<'_>,
    now: DateTime<Utc>,
) -> Result<Result<AppendOutcome, StoreError>, StoreError> {
    if a.events.is_empty() {
        return unwritten(conn, a).await;
    }
    let Some(appended) = insert_events(conn, a, now).await? else {
        return unwritten(conn, a).await;
    };
    if let Some(key) = a.key {
        remember_key(conn, key, &appended, now).await?;
    }
    Ok(Ok(AppendOutcome {
        appended,
        duplicate: false,
        recorded_at: Some(now),
    }))
}

/// The answer to an append that wrote nothing: a used key (the first result is the
/// answer), else the version check (a conflict, or an append of no events).
async fn unwritten(
    conn: &mut SqliteConnection,
    a: &Append<'_>,
) -> Result<Result<AppendOutcome, StoreError>, StoreError> {
    if let Some(first) = used_key(conn, a.key).await? {
        return Ok(duplicate(a.stream, first));
    }
    if a.events.is_empty() {
        return check_only(conn, a.stream, a.expected).await;
    }
    let actual = version_now(conn, a.stream).await?;
    Ok(Err(conflict(a.stream, a.expected, actual)))
}

/// One append: its stream, expected version, events and idempotency key.
pub(crate) struct Append<'a> {
    pub stream: &'a StreamId,
    pub expected: ExpectedVersion,
    pub events: &'a [Encoded],
    pub key: Option<&'a str>,
}

/// Scripts of at most this many appends stay prepared on the connection; larger
/// batches vary too much to gain from it.
const PREPARED_SCRIPT_MAX: usize = 4;

/// The appends of a batch in one transaction sent as a single script: the level and
/// `BEGIN IMMEDIATE`, each append's insert and then its key's, and `COMMIT`. The
/// writer connection's thread is woken once for the whole batch (a statement at a
/// time, it was woken for the `BEGIN`, every insert, every key and the `COMMIT`). Each
/// append keeps its own checks, evaluated in order, so a later append sees an earlier
/// one's events and key. An append that wrote nothing (a used key or a conflict) is
/// told which after the commit, from the key's row (a key's first result never
/// changes) or the stream's version (at least the one the append met). The outer error
/// means nothing was written (the transaction is rolled back).
pub(crate) async fn append_script(
    pool: &WriterPool,
    appends: &[Append<'_>],
    now: DateTime<Utc>,
) -> Result<Vec<Result<AppendOutcome, StoreError>>, StoreError> {
    let mut conn = pool.acquire_bare().await?;
    let (begin, level) = pool.script_begin(WriteSync::Durable, true);
    let mut sql = String::from(begin);
    // The append each statement's rows belong to (the inserts'), in script order.
    let mut owners: Vec<Option<usize>> = vec![None; begin.split(';').count()];
    let mut used = 1; // $1 is the time
    for (i, a) in appends
        .iter()
        .enumerate()
        .filter(|(_, a)| !a.events.is_empty())
    {
        let n = a.events.len();
        let p = Params::after(used);
        sql.push_str("; ");
        sql.push_str(&insert_sql(n, p));
        owners.push(Some(i));
        if a.key.is_some() {
            sql.push_str("; ");
            sql.push_str(&key_sql(n, p));
            owners.push(None);
        }
        used = p.key(n);
    }
    sql.push_str("; COMMIT");
    let mut script = sqlx::query(sqlx::AssertSqlSafe(sql))
        .persistent(appends.len() <= PREPARED_SCRIPT_MAX)
        .bind(now);
    for a in appends.iter().filter(|a| !a.events.is_empty()) {
        script = bind_append(script, a);
    }
    let steps: Vec<_> = match (&mut *conn).fetch_many(script).try_collect().await {
        Ok(steps) => steps,
        Err(e) => {
            // The script stopped part-way: its transaction may still be open.
            let _ = conn.execute("ROLLBACK").await;
            return Err(e.into());
        }
    };
    pool.set_level(level);
    let mut rows: Vec<Vec<(i64, i64)>> = vec![Vec::new(); appends.len()];
    let mut statement = 0;
    for step in steps {
        match step {
            Either::Left(_) => statement += 1,
            Either::Right(row) => {
                if let Some(Some(i)) = owners.get(statement) {
                    rows[*i].push((row.try_get(0)?, row.try_get(1)?));
                }
            }
        }
    }
    let mut results = Vec::with_capacity(appends.len());
    for (a, rows) in appends.iter().zip(rows) {
        results.push(match appended_from(a.stream, a.events.len(), rows) {
            Some(appended) => Ok(AppendOutcome {
                appended,
                duplicate: false,
                recorded_at: Some(now),
            }),
            None => unwritten(&mut conn, a).await?,
        });
    }
    Ok(results)
}

/// The first result appended under `key`, if the key was used.
async fn used_key(
    conn: &mut SqliteConnection,
    key: Option<&str>,
) -> Result<Option<Appended>, StoreError> {
    let Some(key) = key else {
        return Ok(None);
    };
    let row = sqlx::query("SELECT * FROM idempotency_keys WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(key_row).transpose()
}

async fn version_now(conn: &mut SqliteConnection, stream: &StreamId) -> Result<u64, StoreError> {
    let current: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM events WHERE stream_id = $1")
            .bind(stream.as_str())
            .fetch_one(&mut *conn)
            .await?;
    Ok(current as u64)
}

fn conflict(stream: &StreamId, expected: ExpectedVersion, actual: u64) -> StoreError {
    StoreError::Conflict {
        stream: stream.to_string(),
        expected: expected.as_i64(),
        actual,
    }
}

/// An append of no events: only the version check.
async fn check_only(
    conn: &mut SqliteConnection,
    stream: &StreamId,
    expected: ExpectedVersion,
) -> Result<Result<AppendOutcome, StoreError>, StoreError> {
    let current = version_now(conn, stream).await?;
    Ok(match expected {
        ExpectedVersion::Exact(v) if v != current => Err(conflict(stream, expected, current)),
        _ => Ok(AppendOutcome {
            appended: Appended {
                stream_id: stream.clone(),
                first_version: current + 1,
                last_version: current,
                first_position: 0,
                last_position: 0,
            },
            duplicate: false,
            recorded_at: None,
        }),
    })
}

/// The version check and every insert in one statement: on a conflict no row is
/// inserted and the answer is `None`.
async fn insert_events(
    conn: &mut SqliteConnection,
    a: &Append<'_>,
    now: DateTime<Utc>,
) -> Result<Option<Appended>, StoreError> {
    let sql = insert_sql(a.events.len(), Params::after(1));
    let insert = bind_append(sqlx::query(sqlx::AssertSqlSafe(sql)).bind(now), a);
    let rows = insert
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(appended_from(a.stream, a.events.len(), rows))
}

/// Bind an insert's parameters after the time (see [`Params`]): the stream, type,
/// schema and payload per event, the expected version, the key.
fn bind_append<'q>(mut query: SqliteQuery<'q>, a: &Append<'_>) -> SqliteQuery<'q> {
    query = query.bind(a.stream.as_str());
    for (event_type, schema, payload) in a.events {
        query = query
            .bind(event_type.as_str())
            .bind(*schema as i64)
            .bind(payload);
    }
    query.bind(a.expected.as_i64()).bind(a.key)
}

/// A query on SQLite with its parameters bound by value.
type SqliteQuery<'q> = sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>;

/// What an insert of `n` events wrote, from its returned (position, version) rows;
/// `None` when it wrote nothing.
fn appended_from(stream: &StreamId, n: usize, mut rows: Vec<(i64, i64)>) -> Option<Appended> {
    rows.sort_unstable_by_key(|(_, version)| *version);
    let (&(first_position, first), &(last_position, _)) = (rows.first()?, rows.last()?);
    let current = first as u64 - 1;
    Some(Appended {
        stream_id: stream.clone(),
        first_version: current + 1,
        last_version: current + n as u64,
        first_position,
        last_position,
    })
}

/// Records `key` as having appended `appended`, so a repeat is answered as a duplicate.
async fn remember_key(
    conn: &mut SqliteConnection,
    key: &str,
    appended: &Appended,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO idempotency_keys (key, stream_id, first_version, last_version, first_position, last_position, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(key)
    .bind(appended.stream_id.as_str())
    .bind(appended.first_version as i64)
    .bind(appended.last_version as i64)
    .bind(appended.first_position)
    .bind(appended.last_position)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
