//! `/interview start [problem] [difficulty] [language] [minutes]`: reading the
//! arguments (in any order) and choosing the problem from the bank. Pure.

use crate::domain::Difficulty;
use crate::problems::{BankProblem, ProblemBank};

/// The time limit when none is given.
pub const DEFAULT_MINUTES: u32 = 45;

pub const USAGE: &str = "Usage: `/interview start [problem] [easy|medium|hard] [language] [minutes]`, e.g. `/interview start two-sum python 30`. Without a problem you get a random one.";

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
    pub language: Option<String>,
    pub minutes: Option<u32>,
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
        } else if let Some(d) = Difficulty::parse(&lower) {
            args.difficulty = Some(d);
        } else if let Some((_, l)) = LANGUAGES.iter().find(|(k, _)| *k == lower) {
            args.language = Some(l.to_string());
        } else {
            problem.push(lower);
        }
    }
    args.problem = (!problem.is_empty()).then(|| problem.join(" "));
    Ok(args)
}

/// The bank problem `args` ask for: by id, then by search, else a random one of the
/// difficulty. `Err` is the message to show.
pub fn choose<'a>(bank: &'a ProblemBank, args: &StartArgs) -> Result<&'a BankProblem, String> {
    let wanted = |p: &&BankProblem| {
        args.difficulty
            .is_none_or(|d| p.difficulty.eq_ignore_ascii_case(d.as_str()))
    };
    match &args.problem {
        Some(q) => bank
            .get(&q.replace(' ', "-"))
            .or_else(|| bank.search(q).into_iter().next())
            .ok_or_else(|| format!("No problem in the bank matches \"{q}\". {USAGE}")),
        None => {
            let candidates: Vec<&BankProblem> = bank.all().filter(wanted).collect();
            if candidates.is_empty() {
                return Err("The problem bank has no problem of that difficulty.".to_string());
            }
            Ok(candidates[rand::random_range(0..candidates.len())])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(choose(&bank, &by_id).unwrap().id, "two-sum");
        let by_words = parse("start two sum").unwrap();
        assert_eq!(choose(&bank, &by_words).unwrap().id, "two-sum");
        let none = parse("start zzzz-no-such-problem").unwrap();
        assert!(
            choose(&bank, &none)
                .unwrap_err()
                .contains("zzzz-no-such-problem")
        );
        let random_hard = parse("start hard").unwrap();
        assert_eq!(choose(&bank, &random_hard).unwrap().difficulty, "hard");
    }
}
