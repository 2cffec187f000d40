//! SQL of the member-stats read model and the leaderboard opt-ins, the same statements
//! for both backends; a macro instantiates it for each pool type. Kept apart from
//! `read_models.rs` so the two read models evolve independently. Storage only: it never
//! decides anything and never touches the event tables.

use super::{PostgresStore, SqliteStore};
use crate::ports::{
    MEMBER_STATS, MemberRows, Position, StatsAnalysis, StatsInterview, StatsRegrade, StatsStore,
    StoreError,
};
use async_trait::async_trait;
use sqlx::Row;

const INTERVIEW_COLUMNS: &str = "stream_id, member_id, server, problem_id, done, hints_used, last_position, tests_passed, tests_total";
const ANALYSIS_COLUMNS: &str = "position, stream_id, member_id, server, problem_id, score, \
    communication, problem_solving, technical_competency, testing";

const UPSERT_INTERVIEW_INTO: &str = "INSERT INTO stats_interviews (stream_id, member_id, server, problem_id, done, \
    hints_used, last_position, tests_passed, tests_total) ";
const UPSERT_INTERVIEW_ON_CONFLICT: &str = " ON CONFLICT (stream_id) DO UPDATE SET done = excluded.done, hints_used = excluded.hints_used, \
    tests_passed = excluded.tests_passed, tests_total = excluded.tests_total, last_position = excluded.last_position WHERE stats_interviews.last_position < excluded.last_position";
const INSERT_ANALYSIS_INTO: &str = "INSERT INTO stats_analyses (position, stream_id, member_id, server, problem_id, \
    score, communication, problem_solving, technical_competency, testing) ";
const INSERT_ANALYSIS_ON_CONFLICT: &str = " ON CONFLICT (position) DO NOTHING";

const REGRADE_COLUMNS: &str =
    "position, reply_to, stream_id, member_id, server, original_score, score";
const INSERT_REGRADE_INTO: &str = "INSERT INTO stats_regrades (position, reply_to, stream_id, \
    member_id, server, original_score, score) ";
const INSERT_REGRADE_ON_CONFLICT: &str = " ON CONFLICT (position, reply_to) DO NOTHING";

macro_rules! stats_models {
    ($store:ty, $row:ty, $read:ident) => {
        fn interview_from(row: &$row) -> Result<StatsInterview, StoreError> {
            Ok(StatsInterview {
                stream_id: row.try_get("stream_id")?,
                member_id: row.try_get("member_id")?,
                server: row.try_get("server")?,
                problem_id: row.try_get("problem_id")?,
                done: row.try_get::<i64, _>("done")? != 0,
                hints_used: row.try_get("hints_used")?,
                last_position: row.try_get("last_position")?,
                tests_passed: row.try_get("tests_passed")?,
                tests_total: row.try_get("tests_total")?,
            })
        }

        fn analysis_from(row: &$row) -> Result<StatsAnalysis, StoreError> {
            Ok(StatsAnalysis {
                position: row.try_get("position")?,
                stream_id: row.try_get("stream_id")?,
                member_id: row.try_get("member_id")?,
                server: row.try_get("server")?,
                problem_id: row.try_get("problem_id")?,
                score: row.try_get("score")?,
                communication: row.try_get("communication")?,
                problem_solving: row.try_get("problem_solving")?,
                technical_competency: row.try_get("technical_competency")?,
                testing: row.try_get("testing")?,
            })
        }

        fn regrade_from(row: &$row) -> Result<StatsRegrade, StoreError> {
            Ok(StatsRegrade {
                position: row.try_get("position")?,
                reply_to: row.try_get("reply_to")?,
                stream_id: row.try_get("stream_id")?,
                member_id: row.try_get("member_id")?,
                server: row.try_get("server")?,
                original_score: row.try_get("original_score")?,
                score: row.try_get("score")?,
            })
        }

        #[async_trait]
        impl StatsStore for $store {
            async fn load_stats_interviews(
                &self,
                stream_ids: &[String],
            ) -> Result<Vec<StatsInterview>, StoreError> {
                let (ids, marks) = crate::store::checkpoint::distinct_ids(stream_ids);
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut query = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {INTERVIEW_COLUMNS} FROM stats_interviews WHERE stream_id IN ({marks})"
                )));
                for id in ids {
                    query = query.bind(id);
                }
                let rows = query.fetch_all(&self.$read).await?;
                rows.iter().map(interview_from).collect()
            }

            async fn save_stats(
                &self,
                interviews: &[StatsInterview],
                analyses: &[StatsAnalysis],
                regrades: &[StatsRegrade],
                from: Position,
                to: Position,
            ) -> Result<bool, StoreError> {
                let mut conn = self.stats_writer().await?;
                let mut tx = self.stats_begin(&mut conn).await?;
                take_checkpoint!(tx, MEMBER_STATS, from, to);
                type Db = <$row as Row>::Database;
                insert_rows!(tx, Db, UPSERT_INTERVIEW_INTO, UPSERT_INTERVIEW_ON_CONFLICT, interviews, |b, r| {
                    b.push_bind(&r.stream_id)
                        .push_bind(&r.member_id)
                        .push_bind(&r.server)
                        .push_bind(&r.problem_id)
                        .push_bind(i64::from(r.done))
                        .push_bind(r.hints_used)
                        .push_bind(r.last_position)
                        .push_bind(r.tests_passed)
                        .push_bind(r.tests_total);
                });
                insert_rows!(tx, Db, INSERT_ANALYSIS_INTO, INSERT_ANALYSIS_ON_CONFLICT, analyses, |b, a| {
                    b.push_bind(a.position)
                        .push_bind(&a.stream_id)
                        .push_bind(&a.member_id)
                        .push_bind(&a.server)
                        .push_bind(&a.problem_id)
                        .push_bind(a.score)
                        .push_bind(a.communication)
                        .push_bind(a.problem_solving)
                        .push_bind(a.technical_competency)
                        .push_bind(a.testing);
                });
                insert_rows!(tx, Db, INSERT_REGRADE_INTO, INSERT_REGRADE_ON_CONFLICT, regrades, |b, r| {
                    b.push_bind(r.position)
                        .push_bind(r.reply_to)
                        .push_bind(&r.stream_id)
                        .push_bind(&r.member_id)
                        .push_bind(&r.server)
                        .push_bind(r.original_score)
                        .push_bind(r.score);
                });
                tx.commit().await?;
                Ok(true)
            }

            async fn reset_stats(&self) -> Result<(), StoreError> {
                let mut conn = self.stats_writer().await?;
                let mut tx = self.stats_begin(&mut conn).await?;
                sqlx::query("DELETE FROM stats_interviews").execute(&mut *tx).await?;
                sqlx::query("DELETE FROM stats_analyses").execute(&mut *tx).await?;
                sqlx::query("DELETE FROM stats_regrades").execute(&mut *tx).await?;
                sqlx::query("DELETE FROM projection_checkpoints WHERE name = $1")
                    .bind(MEMBER_STATS)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn member_rows(
                &self,
                member_id: &str,
                server: Option<&str>,
            ) -> Result<MemberRows, StoreError> {
                let filter = if server.is_some() { " AND server = $2" } else { "" };
                let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {INTERVIEW_COLUMNS} FROM stats_interviews WHERE member_id = $1{filter} \
                     ORDER BY last_position"
                )))
                .bind(member_id);
                if let Some(s) = server {
                    q = q.bind(s);
                }
                let interviews = q
                    .fetch_all(&self.$read)
                    .await?
                    .iter()
                    .map(interview_from)
                    .collect::<Result<Vec<_>, _>>()?;
                let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {ANALYSIS_COLUMNS} FROM stats_analyses WHERE member_id = $1{filter} \
                     ORDER BY position"
                )))
                .bind(member_id);
                if let Some(s) = server {
                    q = q.bind(s);
                }
                let analyses = q
                    .fetch_all(&self.$read)
                    .await?
                    .iter()
                    .map(analysis_from)
                    .collect::<Result<Vec<_>, _>>()?;
                let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {REGRADE_COLUMNS} FROM stats_regrades WHERE member_id = $1{filter} \
                     ORDER BY position, reply_to"
                )))
                .bind(member_id);
                if let Some(s) = server {
                    q = q.bind(s);
                }
                let regrades = q
                    .fetch_all(&self.$read)
                    .await?
                    .iter()
                    .map(regrade_from)
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(MemberRows {
                    interviews,
                    analyses,
                    regrades,
                })
            }

            async fn set_leaderboard_opt_in(
                &self,
                server: &str,
                member_id: &str,
                joined: bool,
                at_ms: i64,
            ) -> Result<bool, StoreError> {
                let mut conn = self.member_writer().await?;
                let result = if joined {
                    sqlx::query(
                        "INSERT INTO leaderboard_members (server, member_id, joined_at_ms) \
                         VALUES ($1, $2, $3) ON CONFLICT (server, member_id) DO NOTHING",
                    )
                    .bind(server)
                    .bind(member_id)
                    .bind(at_ms)
                    .execute(&mut *conn)
                    .await?
                } else {
                    sqlx::query(
                        "DELETE FROM leaderboard_members WHERE server = $1 AND member_id = $2",
                    )
                    .bind(server)
                    .bind(member_id)
                    .execute(&mut *conn)
                    .await?
                };
                Ok(result.rows_affected() > 0)
            }

            async fn leaderboard_opted_in(&self, server: &str) -> Result<Vec<String>, StoreError> {
                let members: Vec<String> = sqlx::query_scalar(
                    "SELECT member_id FROM leaderboard_members WHERE server = $1 ORDER BY member_id",
                )
                .bind(server)
                .fetch_all(&self.$read)
                .await?;
                Ok(members)
            }

            async fn forget_leaderboard(&self, member_id: &str) -> Result<u64, StoreError> {
                let mut conn = self.member_writer().await?;
                let result = sqlx::query("DELETE FROM leaderboard_members WHERE member_id = $1")
                    .bind(member_id)
                    .execute(&mut *conn)
                    .await?;
                Ok(result.rows_affected())
            }
        }
    };
}

// Every write of this read model goes through `stats_writer`, the one place that knows
// how a backend hands out its writer connection.

mod sqlite_impl {
    use super::*;
    use crate::store::sqlite::WriteSync;
    impl SqliteStore {
        /// The stats are rebuilt from the log: their writes skip the fsync (every one
        /// is a transaction begun by `stats_begin`, which sets the level).
        async fn stats_writer(
            &self,
        ) -> Result<sqlx::pool::PoolConnection<sqlx::Sqlite>, StoreError> {
            self.write.acquire_bare().await
        }

        /// A stats transaction at `synchronous=NORMAL`, set with its `BEGIN`.
        async fn stats_begin<'c>(
            &self,
            conn: &'c mut sqlx::pool::PoolConnection<sqlx::Sqlite>,
        ) -> Result<sqlx::Transaction<'c, sqlx::Sqlite>, StoreError> {
            self.write.begin(conn, WriteSync::Relaxed, false).await
        }

        /// A member's leaderboard choice is not in the log: written durably.
        async fn member_writer(
            &self,
        ) -> Result<sqlx::pool::PoolConnection<sqlx::Sqlite>, StoreError> {
            self.writer(WriteSync::Durable).await
        }
    }
    stats_models!(SqliteStore, sqlx::sqlite::SqliteRow, read);
}

mod postgres_impl {
    use super::*;
    impl PostgresStore {
        async fn stats_writer(
            &self,
        ) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>, StoreError> {
            Ok(self.pool.acquire().await?)
        }

        async fn member_writer(
            &self,
        ) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>, StoreError> {
            Ok(self.pool.acquire().await?)
        }

        async fn stats_begin<'c>(
            &self,
            conn: &'c mut sqlx::pool::PoolConnection<sqlx::Postgres>,
        ) -> Result<sqlx::Transaction<'c, sqlx::Postgres>, StoreError> {
            Ok(sqlx::Connection::begin(&mut **conn).await?)
        }
    }
    stats_models!(PostgresStore, sqlx::postgres::PgRow, pool);
}
