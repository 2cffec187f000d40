//! Which shards this instance should run, decided from what the leases show: the
//! shards' holders, how many instances are alive, and what this instance runs. Pure:
//! no clock, no database, no gateway; the coordinator acts on the steps.
//!
//! The balance is `ceil(total / live instances)` shards each: an instance over it gives
//! back its highest shards, one under it takes free shards, lowest first. A shard whose
//! lease is this instance's but which it does not run (a restart under the same name,
//! a shard taken and not yet connected) is connected; one it runs whose lease another
//! instance holds is stopped at once.

use std::collections::{BTreeMap, BTreeSet};

/// What the leases show, seen from one instance.
#[derive(Debug, Clone)]
pub struct View<'a> {
    /// DISCORD_SHARDS: every instance must run with the same total.
    pub total: u32,
    /// This instance's owner name.
    pub me: &'a str,
    /// Live instances (their presence leases), this one included.
    pub instances: usize,
    /// The holder of each shard whose lease is in force.
    pub holders: &'a BTreeMap<u32, String>,
    /// The shards this instance has connected (or is connecting).
    pub running: &'a BTreeSet<u32>,
}

/// One thing to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The shard runs here without our lease (another instance holds it, or it lapsed
    /// and is not ours to take back): disconnect it now.
    Stop(u32),
    /// Over the fair share: disconnect the shard, then give its lease up.
    GiveBack(u32),
    /// A free shard within the fair share: take its lease (one still connected here
    /// first, then the lowest).
    Take(u32),
    /// The shard's lease is ours but it is not connected: connect it (IDENTIFY
    /// pacing permitting).
    Connect(u32),
}

/// The most shards one of `instances` live instances should run.
pub fn fair_share(total: u32, instances: usize) -> u32 {
    let instances = u32::try_from(instances.max(1)).unwrap_or(u32::MAX);
    total.div_ceil(instances)
}

/// The steps that bring this instance to its share, in the order to take them.
pub fn plan(view: &View<'_>) -> Vec<Step> {
    let share = fair_share(view.total, view.instances) as usize;
    let mine: Vec<u32> = view
        .holders
        .iter()
        .filter(|(id, owner)| **id < view.total && owner.as_str() == view.me)
        .map(|(id, _)| *id)
        .collect();
    let kept = mine.len().min(share);
    // Free shards, those still connected here first (no needless reconnection).
    let mut free: Vec<u32> = (0..view.total)
        .filter(|id| !view.holders.contains_key(id))
        .collect();
    free.sort_by_key(|id| !view.running.contains(id));
    let taken: Vec<u32> = free.into_iter().take(share - kept).collect();
    // Running without our lease: closed, unless it is free and taken back now.
    let mut steps: Vec<Step> = view
        .running
        .iter()
        .filter(|id| {
            view.holders.get(id).map(String::as_str) != Some(view.me) && !taken.contains(id)
        })
        .map(|id| Step::Stop(*id))
        .collect();
    steps.extend(mine[kept..].iter().rev().map(|id| Step::GiveBack(*id)));
    steps.extend(taken.iter().map(|id| Step::Take(*id)));
    let connect = mine[..kept]
        .iter()
        .chain(taken.iter())
        .filter(|id| !view.running.contains(id));
    steps.extend(connect.map(|id| Step::Connect(*id)));
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Given the holders (`(shard, owner)`), the live instances and what "me" runs,
    /// when planning, then the steps.
    fn given(total: u32, instances: usize, holders: &[(u32, &str)], running: &[u32]) -> Vec<Step> {
        let holders: BTreeMap<u32, String> =
            holders.iter().map(|(s, o)| (*s, o.to_string())).collect();
        let running: BTreeSet<u32> = running.iter().copied().collect();
        plan(&View {
            total,
            me: "me",
            instances,
            holders: &holders,
            running: &running,
        })
    }

    #[test]
    fn the_fair_share_is_the_total_over_the_instances_rounded_up() {
        assert_eq!(fair_share(4, 1), 4);
        assert_eq!(fair_share(4, 2), 2);
        assert_eq!(fair_share(4, 3), 2);
        assert_eq!(fair_share(5, 2), 3);
        assert_eq!(fair_share(4, 8), 1);
        assert_eq!(fair_share(4, 0), 4, "this instance always counts");
    }

    #[test]
    fn an_instance_alone_takes_every_shard_and_connects_them_lowest_first() {
        use Step::*;
        assert_eq!(
            given(4, 1, &[], &[]),
            vec![
                Take(0),
                Take(1),
                Take(2),
                Take(3),
                Connect(0),
                Connect(1),
                Connect(2),
                Connect(3)
            ]
        );
    }

    #[test]
    fn a_second_instance_takes_only_free_shards_up_to_its_share() {
        use Step::*;
        let other = [(0, "other"), (1, "other")];
        assert_eq!(
            given(4, 2, &other, &[]),
            vec![Take(2), Take(3), Connect(2), Connect(3)]
        );
    }

    #[test]
    fn an_instance_over_its_share_gives_back_its_highest_shards() {
        let all = [(0, "me"), (1, "me"), (2, "me"), (3, "me")];
        assert_eq!(
            given(4, 2, &all, &[0, 1, 2, 3]),
            vec![Step::GiveBack(3), Step::GiveBack(2)]
        );
    }

    #[test]
    fn the_shards_of_a_dead_instance_are_taken_once_its_leases_lapse() {
        use Step::*;
        // The other instance's presence and shard leases have expired: only mine remain.
        let mine = [(0, "me"), (1, "me")];
        assert_eq!(
            given(4, 1, &mine, &[0, 1]),
            vec![Take(2), Take(3), Connect(2), Connect(3)]
        );
    }

    #[test]
    fn an_instance_at_its_share_does_nothing() {
        let split = [(0, "me"), (1, "me"), (2, "other"), (3, "other")];
        assert_eq!(given(4, 2, &split, &[0, 1]), vec![]);
        // Three instances, four shards: 2, 2 and 0 is balanced under ceil.
        let split = [(0, "me"), (1, "me"), (2, "b"), (3, "b")];
        assert_eq!(given(4, 3, &split, &[0, 1]), vec![]);
    }

    #[test]
    fn a_shard_whose_lease_another_instance_holds_is_stopped() {
        let lost = [(0, "me"), (1, "other")];
        assert_eq!(given(2, 2, &lost, &[0, 1]), vec![Step::Stop(1)]);
    }

    #[test]
    fn a_running_shard_whose_lease_lapsed_is_taken_back_within_the_share_else_closed() {
        use Step::*;
        // Renewals failed for a while: nothing is held, two instances are alive.
        assert_eq!(
            given(4, 2, &[], &[0, 1, 2, 3]),
            vec![Stop(2), Stop(3), Take(0), Take(1)]
        );
        assert_eq!(
            given(4, 2, &[], &[2, 3]),
            vec![Take(2), Take(3)],
            "the connected ones are taken back first"
        );
    }

    #[test]
    fn a_lease_already_ours_is_connected_without_taking_it_again() {
        // A restart under the same name finds its predecessor's leases.
        let mine = [(0, "me"), (1, "me"), (2, "other"), (3, "other")];
        assert_eq!(
            given(4, 2, &mine, &[]),
            vec![Step::Connect(0), Step::Connect(1)]
        );
    }

    #[test]
    fn shards_beyond_the_total_are_ignored() {
        // Another instance configured with more shards leases ids this one never runs.
        let odd = [(7, "me"), (0, "other")];
        assert_eq!(
            given(2, 2, &odd, &[]),
            vec![Step::Take(1), Step::Connect(1)]
        );
    }
}
