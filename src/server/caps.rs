//! The connection caps: how many connections are open in total and per client network
//! (`platforms::web::client::network_of`), each counted by a [`Slot`] that lives as long
//! as the connection's socket, through a WebSocket upgrade. A connection over a cap is
//! refused at accept, before a byte of it is read.
//!
//! Counting only: this never reads, writes or closes a socket itself.

use crate::platforms::web::client::network_of;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// The open connections, shared by the accept loop and every slot.
#[derive(Clone)]
pub struct Caps {
    inner: Arc<Inner>,
}

struct Inner {
    max_total: usize,
    /// 0: no per-address cap.
    max_per_network: usize,
    counts: Mutex<Counts>,
}

#[derive(Default)]
struct Counts {
    total: usize,
    /// Only networks with an open connection have an entry.
    per_network: HashMap<IpAddr, usize>,
}

/// Why a connection was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// `HTTP_MAX_CONNECTIONS` are open.
    Full,
    /// `HTTP_MAX_CONNECTIONS_PER_ADDRESS` are open from the client's network.
    NetworkFull,
}

/// One admitted connection; dropping it frees its place.
pub struct Slot {
    caps: Caps,
    network: IpAddr,
}

impl Caps {
    pub fn new(max_total: usize, max_per_network: usize) -> Caps {
        Caps {
            inner: Arc::new(Inner {
                max_total,
                max_per_network,
                counts: Mutex::new(Counts::default()),
            }),
        }
    }

    /// A place for a connection from `peer`, unless a cap is reached.
    pub fn admit(&self, peer: IpAddr) -> Result<Slot, Refused> {
        let network = network_of(peer);
        let mut counts = self.counts();
        if counts.total >= self.inner.max_total {
            return Err(Refused::Full);
        }
        let open = counts.per_network.entry(network).or_insert(0);
        if self.inner.max_per_network > 0 && *open >= self.inner.max_per_network {
            return Err(Refused::NetworkFull);
        }
        *open += 1;
        counts.total += 1;
        Ok(Slot {
            caps: self.clone(),
            network,
        })
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        self.counts().total
    }

    /// A counter is never left half-updated, so a poisoned lock is still right to use.
    fn counts(&self) -> MutexGuard<'_, Counts> {
        self.inner
            .counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = self.caps.counts();
        counts.total = counts.total.saturating_sub(1);
        if let Some(open) = counts.per_network.get_mut(&self.network) {
            *open -= 1;
            if *open == 0 {
                counts.per_network.remove(&self.network);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_network_over_its_cap_is_refused_while_others_still_get_in() {
        let caps = Caps::new(10, 2);
        let a1 = caps.admit(ip("192.0.2.1")).unwrap();
        let _a2 = caps.admit(ip("192.0.2.1")).unwrap();
        assert_eq!(
            caps.admit(ip("192.0.2.1")).err(),
            Some(Refused::NetworkFull)
        );
        let _b = caps.admit(ip("192.0.2.2")).unwrap();
        let _v6 = caps.admit(ip("2001:db8::1")).unwrap();
        let _v6_same_network = caps.admit(ip("2001:db8::2")).unwrap();
        assert_eq!(
            caps.admit(ip("2001:db8::3")).err(),
            Some(Refused::NetworkFull)
        );
        drop(a1);
        assert!(caps.admit(ip("192.0.2.1")).is_ok());
    }

    #[test]
    fn the_total_cap_holds_and_closing_frees_places() {
        let caps = Caps::new(3, 0);
        let slots: Vec<Slot> = (1..=3)
            .map(|i| caps.admit(ip(&format!("198.51.100.{i}"))).unwrap())
            .collect();
        assert_eq!(caps.admit(ip("198.51.100.9")).err(), Some(Refused::Full));
        assert_eq!(caps.open(), 3);
        drop(slots);
        assert_eq!(caps.open(), 0);
        assert!(caps.counts().per_network.is_empty());
        assert!(caps.admit(ip("198.51.100.9")).is_ok());
    }
}
