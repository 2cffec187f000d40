//! The event store contract, run against SQLite and Postgres: optimistic concurrency,
//! idempotency keys, gap-free `read_all`, wake-ups across connections, and durability
//! of acknowledged events across a killed process.

use crate::common;

use chrono::{TimeZone, Utc};
use common::TestDb;
use interview_coach::domain::{Actor, CandidateMessage, Event, Platform, StreamId};
use interview_coach::ports::{AppendOutcome, ExpectedVersion, Hold, Storage, StoreError};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

fn message(text: &str) -> Event {
    Event::CandidateMessage(CandidateMessage {
        actor: Actor::new(Platform::Web, "u1", "Sam"),
        text: text.to_string(),
        at: Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap(),
    })
}

fn stream(name: &str) -> StreamId {
    StreamId::new(format!("web:{name}"))
}

type HeldAppend = tokio::task::JoinHandle<Result<AppendOutcome, StoreError>>;

/// Start an append to a new stream `name` that holds its transaction open after
/// writing; it commits when the returned sender fires.
async fn hold_an_append(store: &Arc<dyn Storage>, name: &str) -> (HeldAppend, oneshot::Sender<()>) {
    let (entered_tx, entered_rx) = oneshot::channel();
    let (release_tx, release_rx) = oneshot::channel();
    let (store, s) = (store.clone(), stream(name));
    let held = tokio::spawn(async move {
        let hold = Hold {
            entered: entered_tx,
            release: release_rx,
        };
        store
            .append_held(
                &s,
                ExpectedVersion::Exact(0),
                &[message("held")],
                None,
                Some(hold),
            )
            .await
    });
    entered_rx
        .await
        .expect("held append entered its transaction");
    (held, release_tx)
}

per_backend!(
    concurrent_appenders_get_one_winner_per_version,
    repeated_idempotency_key_returns_the_first_result,
    concurrent_idempotent_appends_write_one_copy,
    read_all_never_passes_an_open_append,
    subscriber_wakes_on_append_from_another_connection,
    read_stream_and_read_all_return_what_was_appended,
    expected_version_zero_means_the_stream_is_new,
    leases_are_exclusive_and_never_wait_for_an_open_append,
    lease_holders_are_the_unexpired_leases_under_a_prefix,
    taking_a_lease_tells_a_free_key_from_one_taken_over,
);

async fn concurrent_appenders_get_one_winner_per_version(db: &TestDb) {
    const WRITERS: usize = 8;
    const ROUNDS: u64 = 200;
    let store = db.open().await;
    let s = stream("race");
    for round in 0..ROUNDS {
        let mut tasks = Vec::new();
        for w in 0..WRITERS {
            let store = store.clone();
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                store
                    .append(
                        &s,
                        ExpectedVersion::Exact(round),
                        &[message(&format!("r{round} w{w}"))],
                        None,
                    )
                    .await
            }));
        }
        let mut winners = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(outcome) => {
                    winners += 1;
                    assert_eq!(outcome.appended.first_version, round + 1);
                }
                Err(StoreError::Conflict { actual, .. }) => {
                    assert_eq!(actual, round + 1, "loser sees the winner's version")
                }
                Err(e) => panic!("unexpected error in round {round}: {e}"),
            }
        }
        assert_eq!(winners, 1, "exactly one winner in round {round}");
    }
    let events = store.read_stream(&s, 1).await.unwrap();
    let versions: Vec<u64> = events.iter().map(|e| e.version).collect();
    assert_eq!(
        versions,
        (1..=ROUNDS).collect::<Vec<_>>(),
        "versions are contiguous"
    );
    let all = store.read_all(0, 10_000).await.unwrap();
    assert_eq!(all.len() as u64, ROUNDS);
    assert!(all.windows(2).all(|w| w[0].position < w[1].position));
}

async fn repeated_idempotency_key_returns_the_first_result(db: &TestDb) {
    let store = db.open().await;
    let s = stream("idem");
    let first = store
        .append(
            &s,
            ExpectedVersion::Exact(0),
            &[message("a"), message("b")],
            Some("discord:interaction:1"),
        )
        .await
        .unwrap();
    assert!(!first.duplicate);
    // A redelivery, even with a stale expected version, writes nothing.
    let again = store
        .append(
            &s,
            ExpectedVersion::Exact(0),
            &[message("a"), message("b")],
            Some("discord:interaction:1"),
        )
        .await
        .unwrap();
    assert!(again.duplicate);
    assert_eq!(again.appended, first.appended);
    assert_eq!(store.read_stream(&s, 1).await.unwrap().len(), 2);
    assert_eq!(
        store.find_key("discord:interaction:1").await.unwrap(),
        Some(first.appended)
    );
    assert_eq!(store.find_key("never-used").await.unwrap(), None);
}

async fn concurrent_idempotent_appends_write_one_copy(db: &TestDb) {
    let store = db.open().await;
    let other = db.open().await;
    for round in 0..20u64 {
        let s = stream(&format!("idem-race-{round}"));
        let key = format!("slack:event:{round}");
        let mut tasks = Vec::new();
        for w in 0..8 {
            let store = if w % 2 == 0 {
                store.clone()
            } else {
                other.clone()
            };
            let (s, key) = (s.clone(), key.clone());
            tasks.push(tokio::spawn(async move {
                store
                    .append(
                        &s,
                        ExpectedVersion::Exact(0),
                        &[message("once")],
                        Some(&key),
                    )
                    .await
            }));
        }
        let mut results = Vec::new();
        for t in tasks {
            results.push(
                t.await
                    .unwrap()
                    .expect("every caller gets the first result"),
            );
        }
        assert_eq!(
            results.iter().filter(|r| !r.duplicate).count(),
            1,
            "one real append in round {round}"
        );
        assert!(results.iter().all(|r| r.appended == results[0].appended));
        assert_eq!(
            store.read_stream(&s, 1).await.unwrap().len(),
            1,
            "one copy in the log"
        );
    }
}

async fn read_all_never_passes_an_open_append(db: &TestDb) {
    let store = db.open().await;
    store
        .append(
            &stream("before"),
            ExpectedVersion::Exact(0),
            &[message("before")],
            None,
        )
        .await
        .unwrap();
    let before = store.head().await.unwrap();

    // A: an append that holds its transaction open after writing.
    let (held, release_tx) = hold_an_append(&store, "held").await;

    // B, C: later appends from other connections, started while A is open.
    let mut later = Vec::new();
    for name in ["later-1", "later-2"] {
        let store = db.open().await;
        later.push(tokio::spawn(async move {
            store
                .append(
                    &stream(name),
                    ExpectedVersion::Exact(0),
                    &[message(name)],
                    None,
                )
                .await
        }));
    }

    // A tailing reader never gets past A while it is open.
    let reader = db.open().await;
    let mut seen = Vec::new();
    let mut checkpoint = before;
    for _ in 0..50 {
        let batch = reader.read_all(checkpoint, 100).await.unwrap();
        if let Some(last) = batch.last() {
            checkpoint = last.position;
        }
        seen.extend(batch);
        tokio::task::yield_now().await;
    }
    assert!(
        seen.is_empty(),
        "reader passed an open transaction: saw {:?}",
        seen.iter().map(|e| &e.stream_id).collect::<Vec<_>>()
    );

    release_tx.send(()).unwrap();
    let a = held.await.unwrap().unwrap();
    for t in later {
        t.await.unwrap().unwrap();
    }
    // After the commit the tailing reader sees all three, A first, in position order.
    let mut rest = Vec::new();
    loop {
        let batch = reader.read_all(checkpoint, 100).await.unwrap();
        let Some(last) = batch.last() else { break };
        checkpoint = last.position;
        rest.extend(batch);
    }
    assert_eq!(rest.len(), 3);
    assert_eq!(rest[0].stream_id, stream("held"));
    assert_eq!(rest[0].position, a.appended.first_position);
    assert!(rest.windows(2).all(|w| w[0].position < w[1].position));
    let everything = reader.read_all(0, 100).await.unwrap();
    assert_eq!(everything.len(), 4, "nothing skipped");
}

async fn subscriber_wakes_on_append_from_another_connection(db: &TestDb) {
    // Polling off (an hour): on Postgres only NOTIFY from the other pool can wake us,
    // on SQLite the shared in-process channel of the other connection.
    let options = interview_coach::store::StoreOptions {
        poll_interval: Duration::from_secs(3600),
        ..db.options()
    };
    let listener = db.open_with(options.clone()).await;
    let writer = db.open_with(options).await;
    let mut rx = listener.subscribe();
    let start = *rx.borrow_and_update();
    let appended = writer
        .append(
            &stream("wake"),
            ExpectedVersion::Exact(0),
            &[message("hi")],
            None,
        )
        .await
        .unwrap();
    tokio::time::timeout(Duration::from_secs(10), async {
        while *rx.borrow_and_update() < appended.appended.last_position {
            rx.changed().await.unwrap();
        }
    })
    .await
    .expect("subscriber woken by an append from another connection");
    assert!(*rx.borrow() > start);
}

async fn read_stream_and_read_all_return_what_was_appended(db: &TestDb) {
    let store = db.open().await;
    let a = stream("a");
    let b = stream("b");
    store
        .append(
            &a,
            ExpectedVersion::Exact(0),
            &[message("a1"), message("a2")],
            None,
        )
        .await
        .unwrap();
    store
        .append(&b, ExpectedVersion::Exact(0), &[message("b1")], None)
        .await
        .unwrap();
    store
        .append(&a, ExpectedVersion::Exact(2), &[message("a3")], None)
        .await
        .unwrap();
    let texts = |events: Vec<interview_coach::ports::RecordedEvent>| -> Vec<String> {
        events
            .into_iter()
            .map(|e| match e.event {
                Event::CandidateMessage(m) => m.text,
                other => panic!("unexpected {other:?}"),
            })
            .collect()
    };
    assert_eq!(
        texts(store.read_stream(&a, 1).await.unwrap()),
        ["a1", "a2", "a3"]
    );
    assert_eq!(texts(store.read_stream(&a, 3).await.unwrap()), ["a3"]);
    assert_eq!(
        texts(store.read_all(0, 100).await.unwrap()),
        ["a1", "a2", "b1", "a3"]
    );
    assert_eq!(texts(store.read_all(0, 2).await.unwrap()), ["a1", "a2"]);
    let head = store.head().await.unwrap();
    assert!(store.read_all(head, 10).await.unwrap().is_empty());
    assert_eq!(store.read_stream(&stream("none"), 1).await.unwrap(), vec![]);
}

async fn expected_version_zero_means_the_stream_is_new(db: &TestDb) {
    let store: Arc<dyn Storage> = db.open().await;
    let s = stream("new");
    store
        .append(&s, ExpectedVersion::Exact(0), &[message("x")], None)
        .await
        .unwrap();
    let err = store
        .append(&s, ExpectedVersion::Exact(0), &[message("y")], None)
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");
    let err = store
        .append(&s, ExpectedVersion::Exact(5), &[message("y")], None)
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");
    assert_eq!(store.read_stream(&s, 1).await.unwrap().len(), 1);
}

/// A lease is one owner's until it expires, whichever connection asks; and taking one
/// never waits for the log's writer (here held open by an append).
async fn leases_are_exclusive_and_never_wait_for_an_open_append(db: &TestDb) {
    let (a, b) = (db.open().await, db.open().await);
    let (held, release_tx) = hold_an_append(&a, "lease-held").await;
    let now = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
    let minute = chrono::Duration::seconds(60);
    let key = format!("coach:web:lease-{}", uuid::Uuid::new_v4());
    // A liveness bound, not a speed check: the lease must not wait for the release.
    let take = |store: Arc<dyn Storage>, owner: &'static str, at: chrono::DateTime<Utc>| {
        let key = key.clone();
        async move {
            tokio::time::timeout(
                Duration::from_secs(10),
                store.try_lease(&key, owner, at, at + minute),
            )
            .await
            .expect("a lease does not wait for an open append")
            .unwrap()
        }
    };
    assert!(take(a.clone(), "one", now).await);
    assert!(!take(b.clone(), "two", now).await, "held by one");
    assert!(take(a.clone(), "one", now).await, "one renews its own");
    b.release(&key, "two").await.unwrap();
    assert!(
        !take(b.clone(), "two", now).await,
        "only the owner releases"
    );
    assert!(
        take(b.clone(), "two", now + minute * 2).await,
        "expired: two takes it"
    );
    a.release(&key, "one").await.unwrap();
    assert!(
        !take(a.clone(), "one", now + minute * 2).await,
        "two still holds it"
    );
    b.release(&key, "two").await.unwrap();
    assert!(
        take(a.clone(), "one", now + minute * 2).await,
        "released: free again"
    );
    release_tx.send(()).unwrap();
    held.await.unwrap().unwrap();
}

/// `take_lease` says whether the key was free (never taken, or given up) or still held
/// (by a crashed owner whose lease expired, or by the taker itself), and refuses a live
/// lease of another owner, whichever connection asks.
async fn taking_a_lease_tells_a_free_key_from_one_taken_over(db: &TestDb) {
    use interview_coach::ports::LeaseTaken;
    let (a, b) = (db.open().await, db.open().await);
    let now = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
    let minute = chrono::Duration::seconds(60);
    let key = format!("coach:web:take-{}", uuid::Uuid::new_v4());
    let take = |store: &Arc<dyn Storage>, owner: &'static str, at: chrono::DateTime<Utc>| {
        let (store, key) = (store.clone(), key.clone());
        async move {
            store
                .take_lease(&key, owner, at, at + minute)
                .await
                .unwrap()
        }
    };
    assert_eq!(take(&a, "one", now).await, LeaseTaken::Free);
    assert_eq!(
        take(&b, "two", now).await,
        LeaseTaken::Refused,
        "held by one"
    );
    assert_eq!(
        take(&a, "one", now).await,
        LeaseTaken::TakenOver,
        "one's own, renewed"
    );
    assert_eq!(
        take(&b, "two", now + minute * 2).await,
        LeaseTaken::TakenOver,
        "expired, never given up: taken over"
    );
    b.release(&key, "two").await.unwrap();
    assert_eq!(
        take(&a, "one", now + minute * 2).await,
        LeaseTaken::Free,
        "given up: free"
    );
}

/// `holders` lists the leases in force under a prefix, with their owners: expired and
/// released leases, and keys that only look alike (`_` and `%` are not wildcards), are
/// not listed.
async fn lease_holders_are_the_unexpired_leases_under_a_prefix(db: &TestDb) {
    let store = db.open().await;
    let now = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
    let second = chrono::Duration::seconds(1);
    let tag = uuid::Uuid::new_v4().simple().to_string();
    let key = |name: &str| format!("holders_{tag}:{name}");
    for (name, owner, ttl) in [("a", "one", 10), ("b", "two", 10), ("old", "one", 1)] {
        assert!(
            store
                .try_lease(&key(name), owner, now, now + second * ttl)
                .await
                .unwrap()
        );
    }
    assert!(
        store
            .try_lease(&format!("holdersX{tag}:c"), "three", now, now + second * 10)
            .await
            .unwrap()
    );
    store.release(&key("b"), "two").await.unwrap();
    let held = store
        .holders(&format!("holders_{tag}:"), now + second * 5)
        .await
        .unwrap();
    let held: Vec<(String, String)> = held.into_iter().map(|h| (h.key, h.owner)).collect();
    assert_eq!(held, vec![(key("a"), "one".to_string())]);
}
