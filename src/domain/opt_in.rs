//! Joining or leaving a community's leaderboard: a member's preference, decided purely
//! from whether they are on it now. (It is stored as a row, not an event; see
//! docs/ARCHITECTURE.md.)

/// What `/leaderboard join|leave` asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptIn {
    Join,
    Leave,
}

/// What came of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptInOutcome {
    Joined,
    AlreadyIn,
    Left,
    WasNotIn,
}

impl OptInOutcome {
    /// True when the stored opt-in must change.
    pub fn changes(self) -> bool {
        matches!(self, OptInOutcome::Joined | OptInOutcome::Left)
    }

    /// The answer shown to the member.
    pub fn message(self) -> &'static str {
        match self {
            OptInOutcome::Joined => {
                "You joined the leaderboard here. `/leaderboard leave` takes you off again."
            }
            OptInOutcome::AlreadyIn => "You are already on the leaderboard here.",
            OptInOutcome::Left => "You left the leaderboard here.",
            OptInOutcome::WasNotIn => "You were not on the leaderboard here.",
        }
    }
}

/// Pure: the outcome of `request` for a member who is (or is not) `opted_in`.
pub fn decide_opt_in(opted_in: bool, request: OptIn) -> OptInOutcome {
    match (opted_in, request) {
        (false, OptIn::Join) => OptInOutcome::Joined,
        (true, OptIn::Join) => OptInOutcome::AlreadyIn,
        (true, OptIn::Leave) => OptInOutcome::Left,
        (false, OptIn::Leave) => OptInOutcome::WasNotIn,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_not_in_when_joining_then_joined_and_again_already_in() {
        assert_eq!(decide_opt_in(false, OptIn::Join), OptInOutcome::Joined);
        assert_eq!(decide_opt_in(true, OptIn::Join), OptInOutcome::AlreadyIn);
        assert!(!OptInOutcome::AlreadyIn.changes());
    }

    #[test]
    fn given_in_when_leaving_then_left_and_again_was_not_in() {
        assert_eq!(decide_opt_in(true, OptIn::Leave), OptInOutcome::Left);
        assert_eq!(decide_opt_in(false, OptIn::Leave), OptInOutcome::WasNotIn);
    }
}
