//! SQLite's leases (`crate::ports::Leases`), kept in memory. SQLite is the store of one
//! process (several instances share Postgres), so a claim on a coach turn or a delivery
//! needs no statement at all: the process holding the OS lock on `<log>-lock` keeps
//! every lease of that log in one map, shared by all its stores on the file. Another
//! process on the same file is refused every lease (it answers no turn and posts
//! nothing) until the holder exits; the kernel drops the lock with the process, even
//! after `kill -9`, and the next lease asked for takes it.
//!
//! The lock file also counts rewrites: every event rewritten in place (`redact`, by any
//! process) adds a byte to it before the update and one after it commits, so the
//! serving process learns from its size that a command-line `privacy forget` changed
//! events it may remember.
//!
//! It must never let two processes hold leases on one log at once, and never touch the
//! log's connections. Leases are coordination, not truth: after a restart the map is
//! empty and the log refuses any second coach result.

use crate::ports::{LeaseHolder, LeaseTaken, StoreError};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};

/// A lease that lapsed this long ago is forgotten when the map is pruned (until then a
/// new taker is told it took the lease over, as from a crashed holder).
const FORGET_AFTER_MS: i64 = 60 * 60 * 1000;
/// The map is pruned of long-lapsed leases when it grows past this.
const PRUNE_ABOVE: usize = 4096;

/// The leases of one log file in this process.
pub(crate) struct LocalLeases {
    lock_path: PathBuf,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The lock file, open; `locked` once this process holds its lock.
    file: Option<File>,
    locked: bool,
    /// Another process held the lock when last asked (logged once per spell).
    refused: bool,
    /// key -> (owner, expiry in ms since the epoch).
    held: HashMap<String, (String, i64)>,
}

type Registry = Mutex<HashMap<PathBuf, Weak<LocalLeases>>>;
fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Mutex::new(HashMap::new()))
}

impl LocalLeases {
    /// The leases of the log at `log` (its canonical path), shared by every store of
    /// this process on that file.
    pub(crate) fn of(log: &Path) -> Arc<LocalLeases> {
        let mut map = registry().lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, w| w.strong_count() > 0);
        if let Some(leases) = map.get(log).and_then(Weak::upgrade) {
            return leases;
        }
        let mut lock_path = log.as_os_str().to_owned();
        lock_path.push("-lock");
        let leases = Arc::new(LocalLeases {
            lock_path: PathBuf::from(lock_path),
            state: Mutex::new(State::default()),
        });
        map.insert(log.to_path_buf(), Arc::downgrade(&leases));
        leases
    }

    /// Whether this process holds the log's lock (it took a lease since it opened).
    pub(crate) fn is_held(&self) -> bool {
        self.state.lock().map(|s| s.locked).unwrap_or(false)
    }

    /// Count an event rewritten in place: before the rewrite (a failure stops it) and
    /// after it commits, so a reader that looked in between sees a change too.
    pub(crate) fn note_rewrite(&self) -> Result<(), StoreError> {
        use std::io::Write;
        File::options()
            .create(true)
            .append(true)
            .open(&self.lock_path)
            .and_then(|mut f| f.write_all(b"."))
            .map_err(|e| StoreError::Open(format!("{}: {e}", self.lock_path.display())))
    }

    /// Changes whenever any process rewrote an event of this log in place.
    pub(crate) fn rewrites(&self) -> u64 {
        std::fs::metadata(&self.lock_path).map_or(0, |m| m.len())
    }

    /// The map, if this process holds the log's lock (taking it if it is free now).
    fn holding(&self) -> Result<Option<MutexGuard<'_, State>>, StoreError> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.locked {
            return Ok(Some(state));
        }
        let lock_err =
            |e: std::io::Error| StoreError::Open(format!("{}: {e}", self.lock_path.display()));
        if state.file.is_none() {
            // Read-only is enough to lock: a lock file made by another user (a
            // command-line run) does not stop the service.
            let file = match File::open(&self.lock_path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => File::options()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&self.lock_path),
                opened => opened,
            }
            .map_err(lock_err)?;
            state.file = Some(file);
        }
        let Some(file) = &state.file else {
            return Ok(None);
        };
        match file.try_lock() {
            Ok(()) => {
                if std::mem::take(&mut state.refused) {
                    tracing::info!(lock = %self.lock_path.display(), "the other process serving this SQLite log is gone: this one now takes coach turns and deliveries");
                }
                state.locked = true;
                Ok(Some(state))
            }
            Err(TryLockError::WouldBlock) => {
                if !std::mem::replace(&mut state.refused, true) {
                    tracing::warn!(lock = %self.lock_path.display(), "another process is serving this SQLite log: this one takes no coach turn or delivery until it exits (several instances need Postgres)");
                }
                Ok(None)
            }
            Err(TryLockError::Error(e)) => Err(lock_err(e)),
        }
    }
}

// Nothing here waits: the map is in memory and the lock is only tried, so these are
// plain functions, called by `SqliteStore`'s `Leases` (`lease.rs`).
impl LocalLeases {
    /// Take `key` for `owner` until `until` if it is free, lapsed or already ours.
    pub(crate) fn take(
        &self,
        key: &str,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<LeaseTaken, StoreError> {
        let Some(mut state) = self.holding()? else {
            return Ok(LeaseTaken::Refused);
        };
        let (now, until) = (now.timestamp_millis(), until.timestamp_millis());
        if let Some((holder, expires)) = state.held.get_mut(key) {
            if *expires >= now && holder != owner {
                return Ok(LeaseTaken::Refused);
            }
            if holder != owner {
                *holder = owner.to_string();
            }
            *expires = until;
            return Ok(LeaseTaken::TakenOver);
        }
        if state.held.len() >= PRUNE_ABOVE {
            state.held.retain(|_, (_, e)| *e >= now - FORGET_AFTER_MS);
        }
        state
            .held
            .insert(key.to_string(), (owner.to_string(), until));
        Ok(LeaseTaken::Free)
    }

    /// Give `key` up if `owner` holds it.
    pub(crate) fn release(&self, key: &str, owner: &str) -> Result<(), StoreError> {
        if let Some(mut state) = self.holding()?
            && state.held.get(key).is_some_and(|(o, _)| o == owner)
        {
            state.held.remove(key);
        }
        Ok(())
    }

    /// The leases in force under `prefix`, by key: none are known to a process that
    /// does not hold the log's lock (and it can take none).
    pub(crate) fn holders(
        &self,
        prefix: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<LeaseHolder>, StoreError> {
        let Some(state) = self.holding()? else {
            return Ok(Vec::new());
        };
        let now = now.timestamp_millis();
        let mut holders: Vec<LeaseHolder> = state
            .held
            .iter()
            .filter(|(key, (_, expires))| key.starts_with(prefix) && *expires >= now)
            .map(|(key, (owner, _))| LeaseHolder {
                key: key.clone(),
                owner: owner.clone(),
            })
            .collect();
        holders.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(holders)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000 + seconds, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn one_owner_holds_a_key_until_it_lapses_or_is_given_up() {
        let dir = tempfile::tempdir().unwrap();
        let leases = LocalLeases::of(&dir.path().join("log.db"));
        let take = |owner, now| leases.take("coach:web:a", owner, at(now), at(now + 10));
        assert_eq!(take("one", 0).unwrap(), LeaseTaken::Free);
        assert_eq!(take("two", 5).unwrap(), LeaseTaken::Refused);
        assert_eq!(take("one", 5).unwrap(), LeaseTaken::TakenOver);
        assert_eq!(take("two", 16).unwrap(), LeaseTaken::TakenOver);
        leases.release("coach:web:a", "one").unwrap();
        assert_eq!(take("one", 17).unwrap(), LeaseTaken::Refused);
        leases.release("coach:web:a", "two").unwrap();
        assert_eq!(take("one", 17).unwrap(), LeaseTaken::Free);
    }

    #[test]
    fn stores_of_one_process_share_the_leases_of_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log.db");
        let (a, b) = (LocalLeases::of(&log), LocalLeases::of(&log));
        assert_eq!(a.take("k", "one", at(0), at(10)).unwrap(), LeaseTaken::Free);
        assert_eq!(
            b.take("k", "two", at(1), at(11)).unwrap(),
            LeaseTaken::Refused
        );
        let other = LocalLeases::of(&dir.path().join("other.db"));
        assert_eq!(
            other.take("k", "two", at(1), at(11)).unwrap(),
            LeaseTaken::Free
        );
    }

    #[test]
    fn a_file_locked_by_another_holder_refuses_every_lease_until_it_is_let_go() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log.db");
        // Another process: a lock on its own open of the file (flock is per open file).
        let other = File::create(dir.path().join("log.db-lock")).unwrap();
        other.lock().unwrap();
        let leases = LocalLeases::of(&log);
        assert_eq!(
            leases.take("k", "one", at(0), at(10)).unwrap(),
            LeaseTaken::Refused
        );
        assert!(leases.holders("", at(0)).unwrap().is_empty());
        drop(other);
        assert_eq!(
            leases.take("k", "one", at(1), at(11)).unwrap(),
            LeaseTaken::Free
        );
    }

    #[test]
    fn holders_are_the_unlapsed_leases_under_a_prefix_by_key() {
        let dir = tempfile::tempdir().unwrap();
        let leases = LocalLeases::of(&dir.path().join("log.db"));
        for (key, until) in [
            ("shard:2", 10),
            ("shard:1", 10),
            ("shard:3", 1),
            ("other", 10),
        ] {
            assert_eq!(
                leases.take(key, "one", at(0), at(until)).unwrap(),
                LeaseTaken::Free
            );
        }
        let keys: Vec<String> = leases
            .holders("shard:", at(5))
            .unwrap()
            .into_iter()
            .map(|h| h.key)
            .collect();
        assert_eq!(keys, ["shard:1", "shard:2"]);
    }
}
