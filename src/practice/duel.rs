//! What duels say (issue 16), the same on Discord and Slack (both write a mention as
//! `<@id>`): the offer, the start, a decline or an expiry, the result with the
//! winner's time and attempts and the rating change, then the runner-up's (their time
//! and attempts, or "did not finish" at the limit) as a follow-up line, and a community's ratings. Pure formatting of
//! what the log and the duel read model hold, and the command that starts a duelist's
//! interview; it must never decide or read anything.

use crate::domain::events::Event;
use crate::domain::rating::{K_FACTOR, START_RATING};
use crate::domain::{Actor, Duel};
use crate::engine::duel_news::{DuelMessage, DuelTarget};
use crate::projections::duels::{Rating, RatingChange};

/// The bank's topics, sorted, each once: what a duel's topic may be.
pub fn bank_topics(bank: &crate::problems::ProblemBank) -> Vec<String> {
    let mut all: Vec<String> = bank.all().flat_map(|p| p.topics.clone()).collect();
    all.sort();
    all.dedup();
    all
}

/// A member as a mention.
pub fn mention(actor: &Actor) -> String {
    format!("<@{}>", actor.user_id)
}

/// "12m 34s", "45s", "1h 02m".
pub fn duration(seconds: u64) -> String {
    match (seconds / 3600, seconds % 3600 / 60, seconds % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m {s:02}s"),
        (h, m, _) => format!("{h}h {m:02}m"),
    }
}

fn attempts(n: u32) -> String {
    match n {
        1 => "1 attempt".to_string(),
        n => format!("{n} attempts"),
    }
}

/// The offer's text, above its Accept and Decline buttons.
pub fn offer_text(duel: &Duel) -> String {
    let Some(o) = &duel.offer else {
        return String::new();
    };
    let mut what = vec![];
    if let Some(d) = o.difficulty {
        what.push(d.as_str().to_string());
    }
    if let Some(t) = &o.topic {
        what.push(t.clone());
    }
    let what = if what.is_empty() {
        "a bank problem".to_string()
    } else {
        format!("a {} problem", what.join(" "))
    };
    format!(
        "⚔️ {} challenges {} to a duel: {what}, {} minutes, first to pass every hidden test wins. {}, accept within 10 minutes.",
        mention(&o.challenger),
        mention(&o.opponent),
        o.minutes,
        mention(&o.opponent),
    )
}

/// The messages a duel event becomes; `title` is the duel problem's title.
pub fn news(
    duel: &Duel,
    event: &Event,
    change: Option<RatingChange>,
    title: &str,
) -> Vec<DuelMessage> {
    let (Some(o), started) = (&duel.offer, &duel.started) else {
        return vec![];
    };
    let (a, b) = (mention(&o.challenger), mention(&o.opponent));
    let channel = |text: String| DuelMessage {
        to: DuelTarget::Channel,
        text,
    };
    let everywhere = |text: String| {
        let mut all = vec![channel(text.clone())];
        if let Some(s) = started {
            for stream in [&s.challenger_interview, &s.opponent_interview] {
                all.push(DuelMessage {
                    to: DuelTarget::Interview(stream.clone()),
                    text: text.clone(),
                });
            }
        }
        all
    };
    match event {
        Event::DuelDeclined(_) => vec![channel(format!("{b} declined {a}'s duel."))],
        Event::DuelOfferExpired(_) => vec![channel(format!(
            "{a}'s duel offer to {b} expired: nobody accepted within 10 minutes."
        ))],
        Event::DuelStarted(s) => vec![channel(format!(
            "⚔️ The duel is on: {a} vs {b} on **{title}**, {} minutes (until {} UTC). Each has a private thread; the first to pass every hidden test wins.",
            o.minutes,
            s.ends_at.format("%H:%M"),
        ))],
        Event::DuelWon(w) => {
            let mut text = format!(
                "🏆 {} won the duel on **{title}**: every hidden test passed {} after the start, with {}; {} had made {} by then.",
                mention(&w.winner),
                duration(w.winner_seconds),
                attempts(w.winner_attempts),
                mention(&w.loser),
                attempts(w.loser_attempts),
            );
            if let Some(c) = change {
                text.push_str(&format!(
                    " Ratings: {} {} → {}, {} {} → {}.",
                    w.winner.name,
                    c.winner_before,
                    c.winner_after,
                    w.loser.name,
                    c.loser_before,
                    c.loser_after
                ));
            }
            everywhere(text)
        }
        Event::DuelRunnerUpFinished(r) => {
            let Some(w) = &duel.won else {
                return vec![];
            };
            let winner = format!(
                "{} {} ({})",
                mention(&w.winner),
                duration(w.winner_seconds),
                attempts(w.winner_attempts)
            );
            everywhere(match r.seconds {
                Some(s) => format!(
                    "🥈 {} also passed every hidden test on **{title}**. Final: {winner}, {} {} ({}).",
                    mention(&r.member),
                    mention(&r.member),
                    duration(s),
                    attempts(r.attempts),
                ),
                None => format!(
                    "⏱️ Time is up on **{title}**. Final: {winner}, {} did not finish, {}.",
                    mention(&r.member),
                    attempts(r.attempts),
                ),
            })
        }
        Event::DuelTimedOut(t) => everywhere(format!(
            "⏱️ Time is up on **{title}**: neither {a} ({}) nor {b} ({}) passed every hidden test in {} minutes. No winner; ratings stay as they were.",
            attempts(t.challenger_attempts),
            attempts(t.opponent_attempts),
            o.minutes,
        )),
        _ => vec![],
    }
}

/// A community's ratings as lines, best first (at most `limit`).
pub fn ratings_text(standings: &[Rating], limit: usize) -> String {
    if standings.is_empty() {
        return format!(
            "No duels have been decided here yet. Everyone starts at {START_RATING}; challenge someone with `/duel`."
        );
    }
    let mut lines = vec![format!(
        "Duel ratings (Elo, K = {K_FACTOR}, everyone starts at {START_RATING}):"
    )];
    for (i, r) in standings.iter().take(limit).enumerate() {
        lines.push(format!(
            "{}. {} {} ({}W {}L{})",
            i + 1,
            r.member.name,
            r.rating,
            r.wins,
            r.losses,
            if r.no_result > 0 {
                format!(" {} no result", r.no_result)
            } else {
                String::new()
            }
        ));
    }
    lines.join("\n")
}

/// One line for `/stats`: the member's rating here, or that they have none yet.
pub fn stats_line(rating: Option<&Rating>) -> String {
    match rating {
        Some(r) => format!(
            "{} ({} won, {} lost, {} with no winner)",
            r.rating, r.wins, r.losses, r.no_result
        ),
        None => format!("{START_RATING} (no duel decided yet)"),
    }
}

/// The command that starts a duelist's interview: the duel's bank problem and time
/// limit, from the same moment `at` for both duelists.
pub fn duelist_start(
    place: crate::domain::Place,
    member: &Actor,
    problem: &crate::problems::BankProblem,
    minutes: u32,
    coach: crate::domain::CoachConfig,
    at: chrono::DateTime<chrono::Utc>,
) -> crate::domain::Command {
    use crate::domain::{Command, Difficulty, Mode, Problem, StartInterview};
    Command::StartInterview(StartInterview {
        interview_id: uuid::Uuid::new_v4(),
        place,
        candidate: member.clone(),
        problem: Problem::Bank {
            id: problem.id.clone(),
            version: problem.version,
            title: problem.title.clone(),
        },
        language: None,
        difficulty: Difficulty::parse(&problem.difficulty),
        time_limit_minutes: Some(minutes),
        mode: Mode::Solo,
        coach,
        at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runner_ups_line_shows_both_times_and_attempts_or_did_not_finish() {
        use crate::domain::events::{DuelOffered, DuelRunnerUpFinished, DuelStarted, DuelWon};
        use crate::domain::{Platform, StreamId};
        let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let (ada, leo) = (
            Actor::new(Platform::Discord, "1", "ada"),
            Actor::new(Platform::Discord, "2", "leo"),
        );
        let duel = Duel::from_events(&[
            Event::DuelOffered(DuelOffered {
                duel_id: uuid::Uuid::nil(),
                community: "discord:9".into(),
                channel: "10".into(),
                challenger: ada.clone(),
                opponent: leo.clone(),
                difficulty: None,
                topic: None,
                minutes: 30,
                expires_at: at,
                at,
            }),
            Event::DuelStarted(DuelStarted {
                by: leo.clone(),
                problem_id: "two-sum".into(),
                challenger_interview: StreamId::new("a"),
                opponent_interview: StreamId::new("b"),
                ends_at: at,
                at,
            }),
            Event::DuelWon(DuelWon {
                winner: ada,
                loser: leo.clone(),
                winner_seconds: 75,
                winner_attempts: 1,
                loser_attempts: 1,
                at,
            }),
        ]);
        let line = |seconds| {
            let event = Event::DuelRunnerUpFinished(DuelRunnerUpFinished {
                member: leo.clone(),
                seconds,
                attempts: 2,
                at,
            });
            let all = news(&duel, &event, None, "Two Sum");
            assert_eq!(all[0].to, DuelTarget::Channel);
            all[0].text.clone()
        };
        let passed = line(Some(130));
        assert!(
            passed.contains("<@1> 1m 15s (1 attempt), <@2> 2m 10s (2 attempts)"),
            "{passed}"
        );
        let not = line(None);
        assert!(
            not.contains("<@1> 1m 15s (1 attempt), <@2> did not finish, 2 attempts"),
            "{not}"
        );
    }

    #[test]
    fn durations_read_like_a_clock() {
        assert_eq!(duration(45), "45s");
        assert_eq!(duration(754), "12m 34s");
        assert_eq!(duration(3720), "1h 02m");
    }
}
