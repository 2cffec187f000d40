//! The daily problem's words, shared by Discord and Slack (issue 16): parsing the local
//! time and topics of `/daily set`, the time-zone choices, and the lines `/daily`,
//! `/streak`, `/stats` and the streak leaderboard show. Pure text; it must never ask the
//! engine or the query door anything.

use crate::domain::{DailyPosted, DailyScheduled};
use crate::practice::leaderboard::Standing;
use crate::queries::{DailyStatus, Streak};
use chrono::{DateTime, NaiveTime, Utc};

/// Said when `/daily set`'s time cannot be read; `{}` is what was given.
pub const BAD_LOCAL_TIME: &str =
    "`{}` is not a time of day I can read. Use 24-hour HH:MM, for example 09:00 or 18:30.";

/// Time-zone names for autocomplete: those containing `partial` (any case), at most 25.
pub fn time_zone_choices(partial: &str) -> Vec<&'static str> {
    let partial = partial.trim().to_ascii_lowercase();
    chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        .filter(|name| name.to_ascii_lowercase().contains(&partial))
        .take(25)
        .collect()
}

/// `HH:MM` (or `H:MM`), 24-hour.
pub fn local_time(s: &str) -> Option<NaiveTime> {
    let s = s.trim();
    NaiveTime::parse_from_str(s, "%H:%M").ok()
}

/// Topics from a comma-separated list, trimmed, empty ones dropped.
pub fn topic_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

/// `when` in the schedule's own zone, e.g. `Sun 29 Mar 09:00 CEST`.
fn local(schedule: &DailyScheduled, when: DateTime<Utc>) -> String {
    match schedule.time_zone.parse::<chrono_tz::Tz>() {
        Ok(zone) => when
            .with_timezone(&zone)
            .format("%a %d %b %H:%M %Z")
            .to_string(),
        Err(_) => when.format("%a %d %b %H:%M UTC").to_string(),
    }
}

fn what(schedule: &DailyScheduled) -> String {
    let difficulty = schedule.difficulty.map_or("any", |d| d.as_str());
    let topics = if schedule.topics.is_empty() {
        "any topic".to_string()
    } else {
        schedule.topics.join(", ")
    };
    format!("{difficulty} difficulty, {topics}")
}

/// The answer to a successful `/daily set`.
pub fn daily_set_line(
    schedule: &DailyScheduled,
    channel: &str,
    next: Option<DateTime<Utc>>,
) -> String {
    let next = next.map_or(String::new(), |n| {
        format!(" The next one: {}.", local(schedule, n))
    });
    format!(
        "The daily problem will be posted in {channel} every day at {} {} ({}).{next}",
        schedule.local_time.format("%H:%M"),
        schedule.time_zone,
        what(schedule)
    )
}

/// The day's post as its first line says it.
pub fn post_headline(post: &DailyPosted) -> String {
    format!(
        "📅 Daily problem for {}: **{}**",
        post.day.format("%a %d %b %Y"),
        post.problem.title()
    )
}

/// What `/daily` shows; `channel` renders a channel id.
pub fn daily_status_line(status: &DailyStatus, channel: impl Fn(&str) -> String) -> String {
    let Some(schedule) = &status.schedule else {
        return match &status.latest {
            Some(last) => format!(
                "The daily problem is off here. The last one was **{}** ({}).",
                last.problem.title(),
                last.day
            ),
            None => {
                "There is no daily problem here yet; an organiser can start one with `/daily set`."
                    .to_string()
            }
        };
    };
    let mut line = match &status.today {
        Some(today) => format!(
            "Today's problem: **{}**, in {}. Press its Solve button to open your interview.",
            today.problem.title(),
            channel(&today.channel)
        ),
        None => "Today's problem is not out yet.".to_string(),
    };
    if let Some(next) = status.next_at {
        line.push_str(&format!(" Next post: {}.", local(schedule, next)));
    }
    line
}

/// `{owner} streak: ...` (`owner` is "Your" or "Ada's").
pub fn streak_line(owner: &str, streak: &Streak) -> String {
    let today = if streak.solved_today {
        "today's is solved ✅"
    } else {
        "today's is not solved yet"
    };
    format!(
        "{owner} daily streak: {} day{} (longest {}; {} solved in all; {today}).",
        streak.current,
        if streak.current == 1 { "" } else { "s" },
        streak.longest,
        streak.solved
    )
}

/// The streak leaderboard: members who joined the leaderboard (`joined`), ranked by
/// current streak then longest; `mention` renders a member id.
pub fn streak_board(
    standings: &[(crate::domain::Actor, Streak)],
    joined: &[Standing],
    mention: impl Fn(&str) -> String,
) -> Vec<String> {
    let lines: Vec<String> = standings
        .iter()
        .filter(|(actor, _)| joined.iter().any(|j| j.member_id == actor.member_id()))
        .enumerate()
        .map(|(i, (actor, s))| {
            format!(
                "{}. {} · streak {} (longest {})",
                i + 1,
                mention(&actor.member_id()),
                s.current,
                s.longest
            )
        })
        .collect();
    if lines.is_empty() {
        return vec![
            "No one on this leaderboard has a daily streak yet. Solve today's problem, and `/leaderboard join` to be listed.".to_string(),
        ];
    }
    let mut out = vec!["**Daily streaks** (only members who joined the leaderboard)".to_string()];
    out.extend(lines);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_time_is_24_hour_hours_and_minutes() {
        assert_eq!(local_time("09:00"), NaiveTime::from_hms_opt(9, 0, 0));
        assert_eq!(local_time(" 18:30 "), NaiveTime::from_hms_opt(18, 30, 0));
        assert_eq!(local_time("9am"), None);
        assert_eq!(local_time("25:00"), None);
    }

    #[test]
    fn time_zone_choices_match_any_part_of_the_name_and_stop_at_25() {
        assert!(time_zone_choices("berlin").contains(&"Europe/Berlin"));
        assert_eq!(time_zone_choices("").len(), 25);
    }

    #[test]
    fn topics_are_split_on_commas_and_trimmed() {
        assert_eq!(topic_list(" arrays, graphs ,,"), vec!["arrays", "graphs"]);
    }
}
