//! SQL of the read models, the same statements for both backends (SQLite accepts the
//! `$n` placeholders Postgres uses); a macro instantiates it for each pool type.

use super::open_work::{
    DUE_DEADLINE, DUE_IDLE, OPEN, PENDING, UNDELIVERED, after_or_start, from_millis, millis,
    turns_from, turns_text,
};
use super::{PostgresStore, SqliteStore};
use crate::ports::{
    DailyUsage, Due, INTERVIEW_LIST, InterviewFilter, InterviewRow, Page, Position, ReadModelStore,
    StoreError,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;

const COLUMNS: &str = "stream_id, interview_id, platform, server, place, candidate_id, candidate_name, \
    problem_title, phase, started_at, ended_at, last_score, submissions, hints_used, tokens_used, last_position, \
    deadline_ms, time_warned, last_candidate_ms, pending_turns, coach_messages";

const UPSERT_INTO: &str = "INSERT INTO interview_list (stream_id, interview_id, platform, server, place, candidate_id, \
    candidate_name, problem_title, phase, started_at, ended_at, last_score, submissions, hints_used, tokens_used, last_position, \
    deadline_ms, time_warned, last_candidate_ms, pending_turns, coach_messages) ";
const UPSERT_ON_CONFLICT: &str = " ON CONFLICT (stream_id) DO UPDATE SET phase = excluded.phase, ended_at = excluded.ended_at, last_score = excluded.last_score, \
    submissions = excluded.submissions, hints_used = excluded.hints_used, tokens_used = excluded.tokens_used, \
    last_position = excluded.last_position, deadline_ms = excluded.deadline_ms, time_warned = excluded.time_warned, \
    last_candidate_ms = excluded.last_candidate_ms, pending_turns = excluded.pending_turns, \
    coach_messages = excluded.coach_messages \
    WHERE interview_list.last_position < excluded.last_position";

/// The labels are set when a row is first folded and by `privacy forget` only (the
/// upsert above leaves them), so a fold that read a start before its rewrite cannot
/// put an erased name back.
const RELABEL: &str =
    "UPDATE interview_list SET candidate_name = $2, problem_title = $3 WHERE stream_id = $1";

const ADD_USAGE_INTO: &str = "INSERT INTO usage_daily (server, day, tokens) ";
const ADD_USAGE_ON_CONFLICT: &str =
    " ON CONFLICT (server, day) DO UPDATE SET tokens = usage_daily.tokens + excluded.tokens";

fn list_sql(filter: &InterviewFilter) -> (String, Vec<String>) {
    let mut clauses = Vec::new();
    let mut binds = Vec::new();
    let mut push = |clause: &str, value: &str| {
        binds.push(value.to_string());
        clauses.push(clause.replace('?', &format!("${}", binds.len())));
    };
    if let Some(p) = &filter.platform {
        push("platform = ?", p);
    }
    if let Some(p) = &filter.place {
        push("(server = ? OR place = ?)", p);
    }
    if let Some(m) = &filter.member {
        push("candidate_id = ?", m);
    }
    if let Some(p) = &filter.phase {
        push("phase = ?", p);
    }
    if filter.open_only {
        clauses.push("phase NOT IN ('ended', 'summarised')".to_string());
    }
    let mut sql = format!("SELECT {COLUMNS} FROM interview_list");
    if !clauses.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&clauses.join(" AND "));
    }
    sql.push_str(" ORDER BY started_at DESC, stream_id");
    sql.push_str(&format!(
        " LIMIT {}",
        filter.limit.unwrap_or(200).min(10_000)
    ));
    (sql, binds)
}

macro_rules! read_models {
    ($store:ty, $row:ty, $pool:ident) => {
        fn row_from(row: &$row) -> Result<InterviewRow, StoreError> {
            Ok(InterviewRow {
                stream_id: row.try_get("stream_id")?,
                interview_id: row.try_get("interview_id")?,
                platform: row.try_get("platform")?,
                server: row.try_get("server")?,
                place: row.try_get("place")?,
                candidate_id: row.try_get("candidate_id")?,
                candidate_name: row.try_get("candidate_name")?,
                problem_title: row.try_get("problem_title")?,
                phase: row.try_get("phase")?,
                started_at: row.try_get("started_at")?,
                ended_at: row.try_get("ended_at")?,
                last_score: row.try_get("last_score")?,
                submissions: row.try_get("submissions")?,
                hints_used: row.try_get("hints_used")?,
                tokens_used: row.try_get("tokens_used")?,
                last_position: row.try_get("last_position")?,
                deadline: from_millis(row.try_get("deadline_ms")?),
                time_warned: row.try_get::<i64, _>("time_warned")? != 0,
                last_candidate_at: from_millis(row.try_get("last_candidate_ms")?)
                    .unwrap_or(row.try_get("started_at")?),
                pending_turns: turns_from(&row.try_get::<String, _>("pending_turns")?),
                coach_messages: row.try_get("coach_messages")?,
            })
        }

        #[async_trait]
        impl ReadModelStore for $store {
            async fn checkpoint(&self, projection: &str) -> Result<Position, StoreError> {
                let p: Option<i64> = sqlx::query_scalar("SELECT position FROM projection_checkpoints WHERE name = $1")
                    .bind(projection)
                    .fetch_optional(&self.$pool)
                    .await?;
                Ok(p.unwrap_or(0))
            }

            async fn load_interviews(&self, stream_ids: &[String]) -> Result<Vec<InterviewRow>, StoreError> {
                let (ids, marks) = crate::store::checkpoint::distinct_ids(stream_ids);
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut query = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {COLUMNS} FROM interview_list WHERE stream_id IN ({marks})"
                )));
                for id in ids {
                    query = query.bind(id);
                }
                let rows = query.fetch_all(&self.$pool).await?;
                rows.iter().map(row_from).collect()
            }

            async fn save_interviews(
                &self,
                rows: &[InterviewRow],
                usage: &[DailyUsage],
                from: Position,
                to: Position,
            ) -> Result<bool, StoreError> {
                let mut conn = self.derived_writer().await?;
                let mut tx = self.derived_begin(&mut conn).await?;
                take_checkpoint!(tx, INTERVIEW_LIST, from, to);
                insert_rows!(tx, <$row as Row>::Database, ADD_USAGE_INTO, ADD_USAGE_ON_CONFLICT, usage, |b, u| {
                    b.push_bind(&u.server).push_bind(&u.day).push_bind(u.tokens);
                });
                insert_rows!(tx, <$row as Row>::Database, UPSERT_INTO, UPSERT_ON_CONFLICT, rows, |b, r| {
                    b.push_bind(&r.stream_id)
                        .push_bind(&r.interview_id)
                        .push_bind(&r.platform)
                        .push_bind(&r.server)
                        .push_bind(&r.place)
                        .push_bind(&r.candidate_id)
                        .push_bind(&r.candidate_name)
                        .push_bind(&r.problem_title)
                        .push_bind(&r.phase)
                        .push_bind(r.started_at)
                        .push_bind(r.ended_at)
                        .push_bind(r.last_score)
                        .push_bind(r.submissions)
                        .push_bind(r.hints_used)
                        .push_bind(r.tokens_used)
                        .push_bind(r.last_position)
                        .push_bind(millis(r.deadline))
                        .push_bind(i64::from(r.time_warned))
                        .push_bind(r.last_candidate_at.timestamp_millis())
                        .push_bind(turns_text(&r.pending_turns))
                        .push_bind(r.coach_messages);
                });
                tx.commit().await?;
                Ok(true)
            }

            async fn relabel_interview(
                &self,
                stream_id: &str,
                candidate_name: &str,
                problem_title: &str,
            ) -> Result<(), StoreError> {
                let mut conn = self.derived_writer().await?;
                let mut tx = self.derived_begin(&mut conn).await?;
                sqlx::query(RELABEL)
                    .bind(stream_id)
                    .bind(candidate_name)
                    .bind(problem_title)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn tokens_used_on(&self, server: &str, day: &str) -> Result<i64, StoreError> {
                let t: Option<i64> = sqlx::query_scalar("SELECT tokens FROM usage_daily WHERE server = $1 AND day = $2")
                    .bind(server)
                    .bind(day)
                    .fetch_optional(&self.$pool)
                    .await?;
                Ok(t.unwrap_or(0))
            }

            async fn reset_interviews(&self) -> Result<(), StoreError> {
                let mut conn = self.derived_writer().await?;
                let mut tx = self.derived_begin(&mut conn).await?;
                sqlx::query("DELETE FROM interview_list").execute(&mut *tx).await?;
                sqlx::query("DELETE FROM usage_daily").execute(&mut *tx).await?;
                sqlx::query("DELETE FROM projection_checkpoints WHERE name = $1")
                    .bind(INTERVIEW_LIST)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn list_interviews(&self, filter: &InterviewFilter) -> Result<Vec<InterviewRow>, StoreError> {
                let (sql, binds) = list_sql(filter);
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                for b in &binds {
                    query = query.bind(b.clone());
                }
                let rows = query.fetch_all(&self.$pool).await?;
                rows.iter().map(row_from).collect()
            }

            async fn due_interviews(
                &self,
                due: &Due,
                page: &Page<DateTime<Utc>>,
            ) -> Result<Vec<InterviewRow>, StoreError> {
                let (after, stream) = after_or_start(page, DateTime::<Utc>::MIN_UTC);
                let limit = i64::from(page.limit);
                let query = match due {
                    Due::Deadline { warn_by, end_by } => sqlx::query(sqlx::AssertSqlSafe(format!(
                        "SELECT {COLUMNS} FROM interview_list WHERE {OPEN} AND {DUE_DEADLINE}"
                    )))
                    .bind(warn_by.timestamp_millis())
                    .bind(end_by.timestamp_millis()),
                    Due::Idle { platform, before } => sqlx::query(sqlx::AssertSqlSafe(format!(
                        "SELECT {COLUMNS} FROM interview_list WHERE {OPEN} AND {DUE_IDLE}"
                    )))
                    .bind(platform.clone())
                    .bind(before.timestamp_millis()),
                };
                let rows = query
                    .bind(after.timestamp_millis())
                    .bind(stream)
                    .bind(limit)
                    .fetch_all(&self.$pool)
                    .await?;
                rows.iter().map(row_from).collect()
            }

            async fn pending_interviews(
                &self,
                page: &Page<DateTime<Utc>>,
            ) -> Result<Vec<InterviewRow>, StoreError> {
                let (after, stream) = after_or_start(page, DateTime::<Utc>::UNIX_EPOCH);
                let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {COLUMNS} FROM interview_list WHERE {PENDING}"
                )))
                .bind(after)
                .bind(stream)
                .bind(i64::from(page.limit))
                .fetch_all(&self.$pool)
                .await?;
                rows.iter().map(row_from).collect()
            }

            async fn undelivered_interviews(
                &self,
                platform: &str,
                ended_since: DateTime<Utc>,
                page: &Page<()>,
            ) -> Result<Vec<InterviewRow>, StoreError> {
                let (_, stream) = after_or_start(page, ());
                let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {COLUMNS} FROM interview_list WHERE {UNDELIVERED}"
                )))
                .bind(platform)
                .bind(stream)
                .bind(ended_since)
                .bind(i64::from(page.limit))
                .fetch_all(&self.$pool)
                .await?;
                rows.iter().map(row_from).collect()
            }

            async fn find_interview(&self, id: &str) -> Result<Option<InterviewRow>, StoreError> {
                let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {COLUMNS} FROM interview_list WHERE interview_id = $1 OR stream_id = $1 LIMIT 1"
                )))
                .bind(id)
                .fetch_optional(&self.$pool)
                .await?;
                row.as_ref().map(row_from).transpose()
            }
        }
    };
}

mod sqlite_impl {
    use super::*;
    impl SqliteStore {
        /// Read models are rebuilt from the log (their checkpoint moves in the same
        /// transaction), so their writes skip the fsync: every one is a transaction
        /// begun by `derived_begin`, which sets the level.
        async fn derived_writer(
            &self,
        ) -> Result<sqlx::pool::PoolConnection<sqlx::Sqlite>, StoreError> {
            self.write.acquire_bare().await
        }

        /// A read-model transaction at `synchronous=NORMAL`, set with its `BEGIN`.
        async fn derived_begin<'c>(
            &self,
            conn: &'c mut sqlx::pool::PoolConnection<sqlx::Sqlite>,
        ) -> Result<sqlx::Transaction<'c, sqlx::Sqlite>, StoreError> {
            let relaxed = crate::store::sqlite::WriteSync::Relaxed;
            self.write.begin(conn, relaxed, false).await
        }
    }
    read_models!(SqliteStore, sqlx::sqlite::SqliteRow, read);
}

mod postgres_impl {
    use super::*;
    impl PostgresStore {
        async fn derived_writer(
            &self,
        ) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>, StoreError> {
            Ok(self.pool.acquire().await?)
        }

        async fn derived_begin<'c>(
            &self,
            conn: &'c mut sqlx::pool::PoolConnection<sqlx::Postgres>,
        ) -> Result<sqlx::Transaction<'c, sqlx::Postgres>, StoreError> {
            Ok(sqlx::Connection::begin(&mut **conn).await?)
        }
    }
    read_models!(PostgresStore, sqlx::postgres::PgRow, pool);
}
