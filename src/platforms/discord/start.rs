//! `/interview start`: choose the problem, open a thread "{problem} · {candidate}",
//! start the interview stream `discord:{guild}:{thread}` (keyed by the interaction id),
//! and post the problem with its deadline and buttons.

use super::auth::capitalise;
use super::ids::{actor_of, invocation_id};
use super::parse;
use super::parse::ChosenProblem;
use super::render;
use super::send;
use super::{Context, Error};
use crate::domain::{Command, Difficulty, Mode, PeerCommand, Place, Problem, StartInterview};
use crate::engine::{EngineError, Executed};
use poise::serenity_prelude as serenity;
use serenity::{AutoArchiveDuration, ChannelType, CreateThread};

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum DifficultyChoice {
    #[name = "easy"]
    Easy,
    #[name = "medium"]
    Medium,
    #[name = "hard"]
    Hard,
}

impl From<DifficultyChoice> for Difficulty {
    fn from(d: DifficultyChoice) -> Difficulty {
        match d {
            DifficultyChoice::Easy => Difficulty::Easy,
            DifficultyChoice::Medium => Difficulty::Medium,
            DifficultyChoice::Hard => Difficulty::Hard,
        }
    }
}

/// Mock technical interviews with an AI coach
#[poise::command(slash_command, guild_only, subcommands("start"), subcommand_required)]
pub async fn interview(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

async fn autocomplete_problem(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let choices = parse::problem_choices(&ctx.data().problems, partial)
        .into_iter()
        .map(|(label, id)| serenity::AutocompleteChoice::new(label, id))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Start a mock interview in a new thread
#[poise::command(slash_command, guild_only)]
#[allow(clippy::too_many_arguments)]
pub async fn start(
    ctx: Context<'_>,
    #[description = "A problem from the bank, or describe your own"]
    #[autocomplete = "autocomplete_problem"]
    #[max_length = 2000]
    problem: Option<String>,
    #[description = "Difficulty (picks a bank problem when none is given)"] difficulty: Option<
        DifficultyChoice,
    >,
    #[description = "Language you will code in, e.g. python"]
    #[max_length = 32]
    language: Option<String>,
    #[description = "Time limit in minutes"]
    #[min = 5]
    #[max = 240]
    minutes: Option<u32>,
    #[description = "Open a private thread only you and invited members see"] private: Option<bool>,
    #[description = "Let others in the thread chat with the coach too (group practice)"]
    group: Option<bool>,
    #[description = "A member who interviews you: a peer interview, the coach assists them"]
    interviewer: Option<serenity::User>,
) -> Result<(), Error> {
    let request = StartRequest::parse(problem, difficulty, language, minutes, private, group);
    let Some(guild) = admit(ctx) else {
        return Ok(());
    };
    ctx.defer_ephemeral().await?;
    // issue 16: peer. Refused before a thread is opened; the domain refuses it too.
    if let Some(user) = &interviewer
        && let Some(why) = super::peer_swap::refuse_pair(ctx.author(), user)
    {
        ctx.say(why).await?;
        return Ok(());
    }
    let Some(chosen) = choose(ctx, &request).await? else {
        return Ok(());
    };
    let Some(thread) = open_thread(ctx, chosen.problem.title(), request.thread).await? else {
        return Ok(());
    };
    if let Some(user) = interviewer
        .as_ref()
        .filter(|_| request.thread == ChannelType::PrivateThread)
    {
        let _ = thread.add_thread_member(ctx.http(), user.id).await;
    }
    let ChosenProblem {
        problem, statement, ..
    } = chosen;
    let place = Place::Discord {
        guild: guild.to_string(),
        channel: ctx.channel_id().to_string(),
        thread: thread.to_string(),
    };
    let Some(executed) =
        execute(ctx, thread, place, problem, request, interviewer.as_ref()).await?
    else {
        return Ok(());
    };
    if executed.state.peer.is_some() {
        let key = invocation_id(ctx).to_string();
        super::peer::announce(ctx.http(), thread, &statement, &executed, &key).await?;
        ctx.say(format!(
            "Your peer interview is ready in <#{thread}>. Good luck!"
        ))
        .await?;
        return Ok(());
    }
    reply(ctx, thread, &statement, &executed).await
}

/// What a member asked `/interview start` for, read from its options.
#[derive(Debug, Clone, PartialEq)]
struct StartRequest {
    /// A bank id or title, or the member's own problem.
    problem: Option<String>,
    difficulty: Option<Difficulty>,
    /// Normalised; `None` when not given or blank.
    language: Option<String>,
    minutes: Option<u32>,
    /// A private or a public thread.
    thread: ChannelType,
    mode: Mode,
}

impl StartRequest {
    fn parse(
        problem: Option<String>,
        difficulty: Option<DifficultyChoice>,
        language: Option<String>,
        minutes: Option<u32>,
        private: Option<bool>,
        group: Option<bool>,
    ) -> StartRequest {
        StartRequest {
            problem,
            difficulty: difficulty.map(Difficulty::from),
            language: language
                .map(|l| parse::normalise_language(&l))
                .filter(|l| !l.is_empty()),
            minutes,
            thread: if private.unwrap_or(false) {
                ChannelType::PrivateThread
            } else {
                ChannelType::PublicThread
            },
            mode: if group.unwrap_or(false) {
                Mode::Group
            } else {
                Mode::Solo
            },
        }
    }
}

/// The guild of an invocation handled for the first time; `None` means do nothing.
fn admit(ctx: Context<'_>) -> Option<serenity::GuildId> {
    if !ctx.data().seen.first_time(invocation_id(ctx)) {
        return None;
    }
    ctx.guild_id()
}

/// The problem for the request, preferring one the member has not done; `None` when
/// none fits (the member has been told).
async fn choose(ctx: Context<'_>, request: &StartRequest) -> Result<Option<ChosenProblem>, Error> {
    let data = ctx.data();
    let roll = rand::random_range(0..10_000);
    let member = actor_of(ctx.author()).member_id();
    let done = data.queries.problems_done(&member).await?;
    let chosen = parse::choose_problem(
        &data.problems,
        request.problem.as_deref(),
        request.difficulty,
        &done,
        roll,
    );
    if chosen.is_none() {
        ctx.say("No problem in the bank fits; name one or describe your own.")
            .await?;
    }
    Ok(chosen)
}

/// Opens the interview's thread (adding the author to a private one); `None` when
/// Discord refused (the member has been told).
async fn open_thread(
    ctx: Context<'_>,
    title: &str,
    kind: ChannelType,
) -> Result<Option<serenity::ChannelId>, Error> {
    let author = ctx.author();
    let name = parse::thread_name(title, &actor_of(author).name);
    let mut attempt = 0;
    let thread = loop {
        attempt += 1;
        let created = ctx
            .channel_id()
            .create_thread(
                ctx.http(),
                CreateThread::new(name.clone())
                    .kind(kind)
                    .auto_archive_duration(AutoArchiveDuration::OneDay),
            )
            .await;
        let e = match created {
            Ok(t) => break t,
            Err(e) => e,
        };
        tracing::warn!(error = %e, attempt, "cannot create an interview thread");
        let cause = ThreadFailure::of(&e);
        if !cause.transient() || attempt >= THREAD_TRIES {
            ctx.say(cause.message(ctx.data().http_timeout)).await?;
            return Ok(None);
        }
        tokio::time::sleep(std::time::Duration::from_millis(500 << attempt)).await;
    };
    if kind == ChannelType::PrivateThread {
        let _ = thread.id.add_thread_member(ctx.http(), author.id).await;
    }
    Ok(Some(thread.id))
}

/// Tries at creating the interview's thread while Discord fails for now.
const THREAD_TRIES: u32 = 3;

/// Why Discord would not create a thread, as the member should hear it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ThreadFailure {
    /// 403: the bot lacks a permission in this channel.
    Forbidden,
    /// 404: the channel is gone or hidden from the bot.
    Missing,
    /// 400: threads cannot be made here (a thread, a voice or forum channel...).
    NotHere,
    /// 429, 5xx, the network: worth trying again.
    Transient,
    /// Discord did not answer within `DISCORD_HTTP_TIMEOUT_SECONDS`: worth trying again.
    TimedOut,
}

impl ThreadFailure {
    fn of(e: &serenity::Error) -> ThreadFailure {
        match e {
            serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) => {
                match r.status_code.as_u16() {
                    403 => ThreadFailure::Forbidden,
                    404 => ThreadFailure::Missing,
                    429 | 500..=599 => ThreadFailure::Transient,
                    _ => ThreadFailure::NotHere,
                }
            }
            serenity::Error::Http(serenity::HttpError::Request(r)) if r.is_timeout() => {
                ThreadFailure::TimedOut
            }
            _ => ThreadFailure::Transient,
        }
    }

    fn transient(self) -> bool {
        matches!(self, ThreadFailure::Transient | ThreadFailure::TimedOut)
    }

    /// What the member is told; `timeout` is the bound a timed-out call hit.
    fn message(self, timeout: std::time::Duration) -> String {
        let text = match self {
            ThreadFailure::TimedOut => {
                return format!(
                    "Discord did not answer in {} s, so I could not open the interview's thread. Please try `/interview start` again in a minute.",
                    timeout.as_secs()
                );
            }
            ThreadFailure::Forbidden => {
                "I am not allowed to create threads in this channel. Ask a moderator to give me Create Public Threads, Create Private Threads and Send Messages in Threads here, or run `/interview start` in another channel."
            }
            ThreadFailure::Missing => {
                "Discord says this channel does not exist or I cannot see it. Run `/interview start` in a text channel I can see."
            }
            ThreadFailure::NotHere => {
                "Threads cannot be created here. Run `/interview start` in a text channel (not in a thread, forum or voice channel)."
            }
            ThreadFailure::Transient => {
                "Discord is having trouble right now and I could not open the interview's thread. Please try `/interview start` again in a minute."
            }
        };
        text.to_string()
    }
}

/// Starts the interview in `thread`, keyed by the interaction id. On a refusal the
/// thread is deleted, the member told, and `None` returned.
async fn execute(
    ctx: Context<'_>,
    thread: serenity::ChannelId,
    place: Place,
    problem: Problem,
    request: StartRequest,
    interviewer: Option<&serenity::User>,
) -> Result<Option<Executed>, Error> {
    let data = ctx.data();
    let start = StartInterview {
        interview_id: uuid::Uuid::new_v4(),
        place: place.clone(),
        candidate: actor_of(ctx.author()),
        problem,
        language: request.language,
        difficulty: request.difficulty,
        time_limit_minutes: request.minutes,
        mode: request.mode,
        coach: data.coach.clone(),
        at: data.engine.now(),
    };
    let command = match interviewer {
        // issue 16: peer
        Some(user) => Command::Peer(PeerCommand::Start {
            start: Box::new(start),
            interviewer: actor_of(user),
            interviewer_is_bot: user.bot,
        }),
        None => Command::StartInterview(start),
    };
    let key = invocation_id(ctx).to_string();
    match data
        .engine
        .execute(&place.stream_id(), command, Some(&key))
        .await
    {
        Ok(executed) => Ok(Some(executed)),
        Err(EngineError::Refused(why)) => {
            let _ = thread.delete(ctx.http()).await;
            ctx.say(capitalise(&why.to_string())).await?;
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Posts the problem with its deadline and buttons in the thread, then points the
/// member to it.
async fn reply(
    ctx: Context<'_>,
    thread: serenity::ChannelId,
    statement: &str,
    executed: &Executed,
) -> Result<(), Error> {
    let started = executed.state.started.as_ref();
    let post = render::problem_post(
        &ctx.author().id.to_string(),
        statement,
        started.and_then(|s| s.language.as_deref()),
        executed.state.deadline(),
        render::interview_buttons(&executed.state),
    );
    let key = invocation_id(ctx);
    send::send_post(ctx.http(), thread, &post, Some(&format!("start:{key}"))).await?;
    ctx.say(format!(
        "Your interview is ready in <#{thread}>. Good luck!"
    ))
    .await?;
    Ok(())
}
