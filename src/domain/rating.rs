//! Duel ratings (issue 16): Elo, one rating per member per community. Pure arithmetic
//! over whole rating points; it must never read a clock or a store. The read model that
//! folds duels into ratings (`projections::duels`) calls it in the log's order.

/// The rating a member has before their first decided duel in a community.
pub const START_RATING: i32 = 1200;

/// How far one duel can move a rating: the winner of an even duel gains K/2.
pub const K_FACTOR: f64 = 32.0;

/// The ratings after `winner` beat `loser`: (winner's, loser's). The points the winner
/// gains are the points the loser gives up, so a community's total never drifts.
pub fn after_win(winner: i32, loser: i32) -> (i32, i32) {
    let expected = 1.0 / (1.0 + 10f64.powf(f64::from(loser - winner) / 400.0));
    let delta = (K_FACTOR * (1.0 - expected)).round() as i32;
    (winner + delta, loser - delta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_even_duel_moves_both_ratings_by_half_the_k_factor() {
        assert_eq!(after_win(1200, 1200), (1216, 1184));
    }

    #[test]
    fn beating_a_stronger_member_gains_more_than_beating_a_weaker_one() {
        let (upset, _) = after_win(1200, 1400);
        let (expected, _) = after_win(1400, 1200);
        assert_eq!(upset - 1200, 24);
        assert_eq!(expected - 1400, 8);
    }

    #[test]
    fn the_points_won_are_the_points_lost() {
        for (w, l) in [(1000, 1700), (1550, 1549), (2100, 900)] {
            let (w2, l2) = after_win(w, l);
            assert_eq!(w2 + l2, w + l);
            assert!(w2 >= w && l2 <= l);
        }
    }
}
