//! `/interview start [problem] [difficulty] [language] [minutes]`: reading the
//! arguments (in any order) and choosing the problem from the bank. Pure.

use crate::domain::Difficulty;
use crate::problems::{BankProblem, ProblemBank, Selection, TOPICS};
use std::collections::HashSet;

/// The time limit when none is given.
pub const DEFAULT_MINUTES: u32 = 45;

pub const USAGE: &str = "Usage: `/interview start [@interviewer] [problem] [easy|medium|hard] [language] [minutes] [topic] [group]`, e.g. `/interview start two-sum python 30`. Without a problem you get a random one; `group` lets others in the thread chat with the coach too; `@member` makes it a peer interview where that member interviews you.";

const LANGUAGES: [(&str, &str); 22] = [
    ("python", "python"),
    ("py", "python"),
    ("rust", "rust"),
    ("go", "go"),
    ("golang", "go"),
    ("java", "java"),
    ("javascript", "javascript"),
    ("js", "javascript"),
    ("typescript", "typescript"),
    ("ts", "typescript"),
    ("c", "c"),
    ("cpp", "cpp"),
    ("c++", "cpp"),
    ("csharp", "csharp"),
    ("c#", "csharp"),
    ("kotlin", "kotlin"),
    ("swift", "swift"),
    ("ruby", "ruby"),
    ("scala", "scala"),
    ("php", "php"),
    ("haskell", "haskell"),
    ("elixir", "elixir"),
];

/// The arguments of `/interview start`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StartArgs {
    /// Words naming the problem (an id like `two-sum` or a search).
    pub problem: Option<String>,
    pub difficulty: Option<Difficulty>,
    /// A topic of the bank (`graphs`, `dynamic-programming`, ...) for a random problem.
    pub topic: Option<String>,
    pub language: Option<String>,
    pub minutes: Option<u32>,
    /// Others in the thread may chat with the coach (only the candidate acts).
    pub group: bool,
    /// A peer interview (issue 16): the Slack user id of the member who interviews.
    pub interviewer: Option<String>,
}

/// Read `/interview ...` text; `Err` holds the message to show (usage or a mistake).
pub fn parse(text: &str) -> Result<StartArgs, String> {
    let mut words = text.split_whitespace();
    match words.next().map(str::to_ascii_lowercase).as_deref() {
        Some("start") => {}
        _ => return Err(USAGE.to_string()),
    }
    let mut args = StartArgs::default();
    let mut problem = Vec::new();
    for word in words {
        let lower = word.to_ascii_lowercase();
        if let Ok(m) = lower
            .trim_end_matches("min")
            .trim_end_matches('m')
            .parse::<u32>()
        {
            args.minutes = Some(m);
        } else if let Some(user) = mention(word) {
            args.interviewer = Some(user);
        } else if lower == "group" {
            args.group = true;
        } else if let Some(d) = Difficulty::parse(&lower) {
            args.difficulty = Some(d);
        } else if let Some((_, l)) = LANGUAGES.iter().find(|(k, _)| *k == lower) {
            args.language = Some(l.to_string());
        } else {
            problem.push(lower);
        }
    }
    // A lone topic word asks for a random problem of that topic ("intervals"); among
    // other words it is part of a problem's name ("merge intervals").
    if let [word] = problem.as_slice()
        && TOPICS.contains(&word.as_str())
    {
        args.topic = problem.pop();
    }
    args.problem = (!problem.is_empty()).then(|| problem.join(" "));
    Ok(args)
}

/// The user id of a Slack mention, `<@U123>` or `<@U123|name>`.
fn mention(word: &str) -> Option<String> {
    let inner = word.strip_prefix("<@")?.strip_suffix('>')?;
    let id = inner.split('|').next()?;
    (!id.is_empty()).then(|| id.to_string())
}

/// The bank problem `args` ask for: by id, then by search, else a random one of the
/// difficulty and topic, preferring one not in `done`. `Err` is the message to show.
pub fn choose<'a>(
    bank: &'a ProblemBank,
    args: &StartArgs,
    done: &HashSet<String>,
) -> Result<&'a BankProblem, String> {
    match &args.problem {
        Some(q) => bank
            .get(&q.replace(' ', "-"))
            .or_else(|| bank.search(q).into_iter().next())
            .ok_or_else(|| format!("No problem in the bank matches \"{q}\". {USAGE}")),
        None => {
            let selection = Selection {
                difficulty: args.difficulty.map(|d| d.as_str().to_string()),
                topic: args.topic.clone(),
            };
            bank.select_random(&selection, done).ok_or_else(|| {
                "The problem bank has no problem of that difficulty and topic.".to_string()
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mention_names_the_interviewer_of_a_peer_interview() {
        let a = parse("start <@U42|ivy> two-sum 30").unwrap();
        assert_eq!(a.interviewer.as_deref(), Some("U42"));
        assert_eq!(a.problem.as_deref(), Some("two-sum"));
        assert_eq!(
            parse("start <@U7>").unwrap().interviewer.as_deref(),
            Some("U7")
        );
        assert_eq!(parse("start two-sum").unwrap().interviewer, None);
    }

    #[test]
    fn arguments_are_read_in_any_order() {
        let a = parse("start two-sum easy py 30").unwrap();
        assert_eq!(a.problem.as_deref(), Some("two-sum"));
        assert_eq!(a.difficulty, Some(Difficulty::Easy));
        assert_eq!(a.language.as_deref(), Some("python"));
        assert_eq!(a.minutes, Some(30));
        let b = parse("START 20min Rust merge intervals").unwrap();
        assert_eq!(b.problem.as_deref(), Some("merge intervals"));
        assert_eq!((b.minutes, b.language.as_deref()), (Some(20), Some("rust")));
        assert!(!b.group);
        assert!(parse("start group two-sum").unwrap().group);
        assert_eq!(parse("start").unwrap(), StartArgs::default());
    }

    #[test]
    fn anything_but_start_gets_the_usage() {
        assert_eq!(parse(""), Err(USAGE.to_string()));
        assert_eq!(parse("help"), Err(USAGE.to_string()));
    }

    #[test]
    fn a_problem_is_found_by_id_or_search_or_refused() {
        let bank = ProblemBank::load_default().unwrap();
        let by_id = parse("start two-sum").unwrap();
        assert_eq!(
            choose(&bank, &by_id, &HashSet::new()).unwrap().id,
            "two-sum"
        );
        let by_words = parse("start two sum").unwrap();
        assert_eq!(
            choose(&bank, &by_words, &HashSet::new()).unwrap().id,
            "two-sum"
        );
        let none = parse("start zzzz-no-such-problem").unwrap();
        assert!(
            choose(&bank, &none, &HashSet::new())
                .unwrap_err()
                .contains("zzzz-no-such-problem")
        );
        let random_hard = parse("start hard").unwrap();
        assert_eq!(
            choose(&bank, &random_hard, &HashSet::new())
                .unwrap()
                .difficulty,
            "hard"
        );
        let graphs = parse("start medium graphs").unwrap();
        let chosen = choose(&bank, &graphs, &HashSet::new()).unwrap();
        assert_eq!(chosen.difficulty, "medium");
        assert!(chosen.topics.iter().any(|t| t == "graphs"));
    }

    #[test]
    fn a_random_problem_avoids_those_already_done() {
        let bank = ProblemBank::load_default().unwrap();
        let hard: Vec<&BankProblem> = bank.all().filter(|p| p.difficulty == "hard").collect();
        let left = hard[hard.len() - 1].id.clone();
        let done: HashSet<String> = hard
            .iter()
            .take(hard.len() - 1)
            .map(|p| p.id.clone())
            .collect();
        let args = parse("start hard").unwrap();
        for _ in 0..20 {
            assert_eq!(choose(&bank, &args, &done).unwrap().id, left);
        }
    }
}
