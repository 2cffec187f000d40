//! Test databases: a fresh SQLite file per test, and a fresh Postgres database per test
//! on the server named by `TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`).
//! Without a reachable Postgres the Postgres tests are skipped locally, and fail when
//! `CI=true`.
#![allow(dead_code)]

pub mod fake_anthropic;
pub mod fixtures;
pub mod llm_gate;
pub mod sleeper;

use interview_coach::ports::Storage;
use interview_coach::store::{self, StoreOptions};
use sqlx::{Connection, Executor, PgConnection};
use std::sync::Arc;
use std::time::Duration;

pub struct TestDb {
    pub url: String,
    pub backend: &'static str,
    dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl TestDb {
    pub fn options(&self) -> StoreOptions {
        StoreOptions {
            poll_interval: Duration::from_millis(100),
            ..StoreOptions::default()
        }
    }

    /// A new store (own pools and connections) on this database.
    pub async fn open(&self) -> Arc<dyn Storage> {
        self.open_with(self.options()).await
    }

    pub async fn open_with(&self, options: StoreOptions) -> Arc<dyn Storage> {
        store::connect(&self.url, &options)
            .await
            .expect("open test store")
    }

    pub fn dir(&self) -> Option<&std::path::Path> {
        self.dir.as_ref().map(|d| d.path())
    }

    /// Drop the Postgres database (best effort).
    pub async fn cleanup(self) {
        if let Some((admin, name)) = &self.pg
            && let Ok(mut conn) = PgConnection::connect(admin).await
        {
            let _ = conn
                .execute(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .await;
        }
    }
}

pub fn sqlite_db() -> TestDb {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}/log.db", dir.path().display());
    TestDb {
        url,
        backend: "sqlite",
        dir: Some(dir),
        pg: None,
    }
}

pub fn postgres_base_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// A fresh Postgres database, or None (skip) when Postgres is unreachable outside CI.
pub async fn postgres_db() -> Option<TestDb> {
    let admin = postgres_base_url();
    let mut conn =
        match tokio::time::timeout(Duration::from_secs(10), PgConnection::connect(&admin)).await {
            Ok(Ok(c)) => c,
            other => {
                let why = match other {
                    Ok(Err(e)) => e.to_string(),
                    _ => "timed out".to_string(),
                };
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!(
                        "Postgres is required in CI but unreachable at TEST_POSTGRES_URL: {why}"
                    );
                }
                eprintln!("skipping Postgres test: {why}");
                return None;
            }
        };
    let name = format!("ic_test_{}", uuid::Uuid::new_v4().simple());
    conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .expect("create test database");
    let _ = conn.close().await;
    let (base, _) = admin
        .rsplit_once('/')
        .expect("TEST_POSTGRES_URL names a database");
    let url = format!("{base}/{name}");
    Some(TestDb {
        url,
        backend: "postgres",
        dir: None,
        pg: Some((admin, name)),
    })
}

/// Run `$body(db)` once per backend.
#[macro_export]
macro_rules! per_backend {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn sqlite() {
                    let db = $crate::common::sqlite_db();
                    super::$name(&db).await;
                    db.cleanup().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn postgres() {
                    let Some(db) = $crate::common::postgres_db().await else { return };
                    super::$name(&db).await;
                    db.cleanup().await;
                }
            }
        )*
    };
}
