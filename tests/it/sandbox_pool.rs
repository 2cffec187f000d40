//! The run pool: at most `workers` at once, a bounded queue whose waiters see their
//! place change, the per-member rate limit, and the drain at shutdown.

use interview_coach::sandbox::{
    File, Pool, PoolSettings, Program, Runtime, Sandbox, SandboxError, Status, choose,
};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn pool(workers: usize, queue_max: usize, per_minute: u32) -> Pool {
    Pool::new(
        Sandbox::unavailable("slots only"),
        PoolSettings {
            workers,
            queue_max,
            per_member_per_minute: NonZeroU32::new(per_minute),
        },
    )
}

#[tokio::test]
async fn waiters_see_their_place_move_up_as_slots_free() {
    let pool = pool(1, 10, 0);
    let first = pool.acquire(None, |_| {}).await.expect("a free slot");
    let second = pool.enqueue(None).expect("queued");
    let third = pool.enqueue(None).expect("queued");
    assert_eq!((second.ahead(), third.ahead()), (0, 1));

    let places = Arc::new(Mutex::new(Vec::new()));
    let seen = places.clone();
    let third = tokio::spawn(async move {
        third
            .ready(move |ahead| seen.lock().unwrap().push(ahead))
            .await
    });
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while places.lock().unwrap().is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the waiter never told its place"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    drop(first);
    let second = second.ready(|_| {}).await.expect("second gets the slot");
    assert_eq!(pool.running(), 1, "never more than the workers");
    while places.lock().unwrap().len() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "the waiter never moved up"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    drop(second);
    let _third = tokio::time::timeout(Duration::from_secs(5), third)
        .await
        .expect("third starts")
        .expect("task")
        .expect("slot");
    assert_eq!(*places.lock().unwrap(), vec![1, 0]);
}

#[tokio::test]
async fn a_waiter_that_gives_up_leaves_the_queue() {
    let pool = pool(1, 10, 0);
    let first = pool.acquire(None, |_| {}).await.expect("slot");
    let second = pool.enqueue(None).expect("queued");
    let third = pool.enqueue(None).expect("queued");
    drop(second);
    assert_eq!(third.ahead(), 0);
    drop(first);
    let _third = tokio::time::timeout(Duration::from_secs(5), third.ready(|_| {}))
        .await
        .expect("third starts")
        .expect("slot");
}

#[tokio::test]
async fn a_full_queue_refuses_at_once() {
    let pool = pool(1, 1, 0);
    let _first = pool.acquire(None, |_| {}).await.expect("slot");
    let _second = pool.enqueue(None).expect("queued");
    assert!(matches!(
        pool.enqueue(None),
        Err(SandboxError::QueueFull(1))
    ));
}

#[tokio::test]
async fn a_member_over_the_rate_is_refused_with_a_wait_and_others_are_not() {
    let pool = pool(4, 10, 2);
    let _a = pool.acquire(Some("discord:1"), |_| {}).await.expect("1st");
    let _b = pool.acquire(Some("discord:1"), |_| {}).await.expect("2nd");
    match pool.enqueue(Some("discord:1")) {
        Err(SandboxError::RateLimited { retry_after }) => {
            assert!(retry_after > Duration::ZERO && retry_after <= Duration::from_secs(30))
        }
        Err(other) => panic!("expected a rate limit, got {other:?}"),
        Ok(_) => panic!("expected a rate limit, got a place"),
    }
    let _c = pool
        .acquire(Some("slack:9"), |_| {})
        .await
        .expect("another member");
}

#[tokio::test]
async fn draining_refuses_queued_and_new_runs_but_lets_running_ones_finish() {
    let pool = pool(1, 10, 0);
    let running = pool.acquire(None, |_| {}).await.expect("slot");
    let queued = pool.enqueue(None).expect("queued");
    pool.drain();
    assert!(matches!(
        queued.ready(|_| {}).await,
        Err(SandboxError::Draining)
    ));
    assert!(matches!(pool.enqueue(None), Err(SandboxError::Draining)));
    assert_eq!(pool.running(), 1);
    let idle = pool.clone();
    let waiter = tokio::spawn(async move { idle.idle().await });
    drop(running);
    tokio::time::timeout(Duration::from_secs(5), waiter)
        .await
        .expect("the pool goes idle")
        .expect("task");
    assert_eq!(pool.running(), 0);
}

#[tokio::test]
async fn runs_through_the_pool_queue_behind_each_other_on_the_real_sandbox() {
    let scratch = tempfile::tempdir().expect("scratch");
    let choice = choose(
        "bwrap".parse().expect("kind"),
        scratch.path().to_path_buf(),
        None,
    )
    .await
    .expect("bwrap works here");
    let pool = Pool::new(
        choice.sandbox,
        PoolSettings {
            workers: 1,
            queue_max: 10,
            per_member_per_minute: None,
        },
    );
    let program = |text: &str| {
        Program::new(
            Runtime::Python,
            vec![File {
                path: "main.py".into(),
                contents: format!("import time\ntime.sleep(0.5)\nprint('{text}')\n").into_bytes(),
            }],
            "main.py",
        )
    };
    let hold = pool.acquire(None, |_| {}).await.expect("slot");
    let places = Arc::new(Mutex::new(Vec::new()));
    let seen = places.clone();
    let queued_pool = pool.clone();
    let queued = tokio::spawn(async move {
        queued_pool
            .run_program(None, program("second"), move |ahead| {
                seen.lock().unwrap().push(ahead)
            })
            .await
    });
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while places.lock().unwrap().is_empty() {
        assert!(std::time::Instant::now() < deadline, "never queued");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(*places.lock().unwrap(), vec![0], "queued, 0 ahead");
    drop(hold);
    let outcome = queued.await.expect("task").expect("ran");
    let run = outcome.run.expect("ran");
    assert_eq!(run.status, Status::Exited(0));
    assert_eq!(String::from_utf8_lossy(&run.stdout), "second\n");
}
