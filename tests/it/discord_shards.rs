//! Discord shards follow the living (issue 18): two real instances of the binary on one
//! Postgres database share `DISCORD_SHARDS=4` through shard leases
//! (`DISCORD_SHARD_LEASES=true`) against the loopback Discord fake. Together they
//! connect each shard exactly once, two each; when one is killed with SIGKILL (so it
//! releases nothing) the other connects its shards once their leases lapse; a returning
//! instance is given its share back, and gives it up at once when stopped cleanly
//! (SIGTERM); and across all of it no shard is ever connected
//! twice at once and no two IDENTIFYs of one bucket (`shard % max_concurrency`) arrive
//! within 5 s. Each instance sends its own bot token, which is how the fake tells them
//! apart.

use crate::common;
use crate::discord_fake::{FakeDiscord, GUILD, Identify};

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TOTAL: u32 = 4;
/// Two IDENTIFY buckets, so shards 0 and 2 pace each other, as do 1 and 3.
const MAX_CONCURRENCY: u32 = 2;
/// LEASE_SECONDS of the instances: a dead instance's shards lapse this soon. Longer
/// than IDENTIFY's 5 s, so the takeover time measures the lease, not the pacing.
const LEASE_SECONDS: u64 = 8;
/// Discord's limit: one IDENTIFY per 5 s per bucket.
const IDENTIFY_GAP: Duration = Duration::from_secs(5);

/// One running instance; killed when dropped, so a failing test leaves nothing behind.
struct Instance {
    child: Child,
    token: String,
    _dir: tempfile::TempDir,
}

impl Instance {
    fn start(db: &common::TestDb, discord: &FakeDiscord, token: &str) -> Instance {
        let dir = tempfile::tempdir().expect("a working directory");
        let port = crate::web_restart::free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_interview-coach"))
            .current_dir(dir.path())
            .env("BIND_ADDR", format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", &db.url)
            .env("DISCORD_TOKEN", token)
            .env("DISCORD_API_PROXY", discord.url())
            .env("DISCORD_GUILD_ID", GUILD.to_string())
            .env("DISCORD_SHARDS", TOTAL.to_string())
            .env("DISCORD_SHARD_LEASES", "true")
            .env("LEASE_SECONDS", LEASE_SECONDS.to_string())
            .env_remove("DISCORD_SHARD_RANGE")
            .env_remove("ANTHROPIC_API_KEY")
            .env_remove("OPENAI_BASE_URL")
            .env_remove("WEB_ACCESS_TOKEN")
            .env(
                "RUST_LOG",
                "warn,interview_coach::platforms::discord::shards=info",
            )
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the binary starts");
        Instance {
            child,
            token: token.to_string(),
            _dir: dir,
        }
    }

    /// SIGTERM: a clean shutdown, which closes its shards and gives their leases up.
    fn terminate(mut self) {
        // SAFETY: `kill(2)` on our own child's pid, which is not reaped yet.
        unsafe { libc_kill(self.child.id() as i32, 15) };
        let _ = self.child.wait();
    }

    /// SIGKILL: no clean shutdown, its leases stay until they lapse.
    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

unsafe extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, sig: i32) -> i32;
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The shards each token has connected now.
fn split(discord: &FakeDiscord) -> BTreeMap<String, Vec<u32>> {
    let mut by_token: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (shard, token) in discord.connected() {
        by_token.entry(token).or_default().push(shard);
    }
    by_token
}

/// Every shard connected exactly once, by the instances `shares` names with the number
/// of shards each should run.
fn balanced(discord: &FakeDiscord, shares: &[(&str, usize)]) -> bool {
    let connected = discord.connected();
    let shards: Vec<u32> = connected.iter().map(|(s, _)| *s).collect();
    let by_token = split(discord);
    shards == (0..TOTAL).collect::<Vec<_>>()
        && shares
            .iter()
            .all(|(token, n)| by_token.get(*token).map_or(0, Vec::len) == *n)
}

/// Waits (up to `limit`) for `done`, polling the fake.
async fn wait_until(what: &str, limit: Duration, discord: &FakeDiscord, done: impl Fn() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(
            Instant::now() < deadline,
            "{what}: connected {:?}",
            split(discord)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The smallest gap between two IDENTIFYs of one bucket, and where.
fn closest_identifies(identifies: &[Identify]) -> Option<(Duration, u32, u32)> {
    let mut closest: Option<(Duration, u32, u32)> = None;
    for bucket in 0..MAX_CONCURRENCY {
        let mut times: Vec<&Identify> = identifies
            .iter()
            .filter(|i| i.shard % MAX_CONCURRENCY == bucket)
            .collect();
        times.sort_by_key(|i| i.at);
        for pair in times.windows(2) {
            let gap = pair[1].at - pair[0].at;
            if closest.is_none_or(|(g, _, _)| gap < g) {
                closest = Some((gap, pair[0].shard, pair[1].shard));
            }
        }
    }
    closest
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shards_are_shared_taken_over_from_the_dead_and_given_back_to_the_returning() {
    let Some(db) = common::postgres_db().await else {
        return;
    };
    // The schema is made once, before two processes race to make it.
    drop(db.open().await);
    let discord = FakeDiscord::start().await;
    discord.set_sharding(TOTAL, MAX_CONCURRENCY);

    let a = Instance::start(&db, &discord, "token-a");
    let b = Instance::start(&db, &discord, "token-b");
    let started = Instant::now();
    wait_until(
        "two instances split the four shards",
        Duration::from_secs(90),
        &discord,
        || balanced(&discord, &[("token-a", 2), ("token-b", 2)]),
    )
    .await;
    eprintln!(
        "split 2/2 after {:.1?}: {:?}",
        started.elapsed(),
        split(&discord)
    );

    // Kill one: the other connects its shards once their leases lapse.
    let dead: Vec<u32> = split(&discord).remove(&a.token).unwrap_or_default();
    let killed = Instant::now();
    a.kill();
    wait_until(
        "the survivor runs every shard",
        Duration::from_secs(60),
        &discord,
        || balanced(&discord, &[("token-b", 4)]),
    )
    .await;
    let all_back = killed.elapsed();
    let retaken: Vec<Duration> = discord
        .identifies()
        .iter()
        .filter(|i| i.at > killed && i.token == b.token && dead.contains(&i.shard))
        .map(|i| i.at - killed)
        .collect();
    eprintln!(
        "killed the holder of {dead:?}: reconnected after {retaken:.1?} (all after {all_back:.1?})"
    );
    let first = retaken.iter().min().copied().unwrap_or(all_back);
    // About one lease: the lease lapses, the next look (1 s) takes it, the connection
    // follows; each further shard of the dead one may wait for its bucket's 5 s.
    let lease = Duration::from_secs(LEASE_SECONDS);
    assert!(
        first <= lease + Duration::from_secs(3),
        "the first dead shard was reconnected after {first:?} (lease {lease:?})"
    );
    assert!(
        all_back <= first + IDENTIFY_GAP * dead.len() as u32 + Duration::from_secs(2),
        "all dead shards were reconnected after {all_back:?}"
    );

    // A returning instance is given its share back.
    let back = Instance::start(&db, &discord, "token-c");
    wait_until(
        "the returning instance gets its share",
        Duration::from_secs(60),
        &discord,
        || balanced(&discord, &[("token-b", 2), ("token-c", 2)]),
    )
    .await;

    // A clean stop gives the shards up at once: the survivor need not wait a lease.
    let leaving: Vec<u32> = split(&discord).remove(&back.token).unwrap_or_default();
    let stopped = Instant::now();
    back.terminate();
    // Its presence and shard leases are gone the moment it has exited.
    let store = db.open().await;
    let now = chrono::Utc::now();
    let present = store
        .holders("discord-instance:", now)
        .await
        .expect("leases");
    let held = store.holders("discord-shard:", now).await.expect("leases");
    assert_eq!(
        present.len(),
        1,
        "only the survivor is present: {present:?}"
    );
    assert!(
        held.iter().all(|h| h.owner == present[0].owner),
        "the stopped instance gave its shards up: {held:?}"
    );
    wait_until(
        "the survivor runs every shard again",
        Duration::from_secs(60),
        &discord,
        || balanced(&discord, &[("token-b", 4)]),
    )
    .await;
    let handed_over = stopped.elapsed();
    eprintln!("stopped the holder of {leaving:?} cleanly: all back after {handed_over:.1?}");
    // The first of its shards may come back as soon as its bucket allows (5 s after the
    // bucket's last IDENTIFY), plus one look (1 s) and the connection: no lease waited.
    let identifies = discord.identifies();
    let allowed = leaving
        .iter()
        .map(|shard| {
            let bucket_last = identifies
                .iter()
                .filter(|i| i.at < stopped && i.shard % MAX_CONCURRENCY == shard % MAX_CONCURRENCY)
                .map(|i| i.at + IDENTIFY_GAP)
                .max();
            bucket_last.map_or(stopped, |at| at.max(stopped))
        })
        .min()
        .unwrap_or(stopped);
    let retaken = identifies
        .iter()
        .filter(|i| i.at > stopped && leaving.contains(&i.shard))
        .map(|i| i.at)
        .min();
    let waited = retaken.map(|at| at.saturating_duration_since(allowed));
    assert!(
        waited.is_some_and(|w| w <= Duration::from_millis(2500)),
        "after a clean stop the first shard came back {waited:?} after its bucket allowed it"
    );

    assert_eq!(
        discord.doubled(),
        Vec::<u32>::new(),
        "a shard connected twice at once"
    );
    let identifies = discord.identifies();
    assert!(identifies.iter().all(|i| i.total == TOTAL));
    if let Some((gap, one, other)) = closest_identifies(&identifies) {
        assert!(
            gap >= IDENTIFY_GAP,
            "IDENTIFYs of shards {one} and {other} (one bucket) came {gap:?} apart"
        );
        eprintln!("closest IDENTIFYs of one bucket: {gap:.2?} apart");
    }
    drop(b);
    db.cleanup().await;
}
