//! The steps every thread interaction shares: find the interview of the channel, run a
//! command through the engine with the Discord id as idempotency key, and turn the
//! outcome into the text the member sees.

use super::auth::{Action, capitalise};
use super::ids::{actor_of, stream_of};
use super::parse;
use super::render;
use super::send;
use super::{Context, Error};
use crate::domain::{Actor, Command, Interview, Problem, StreamId};
use crate::engine::{Engine, EngineError};
use crate::problems::ProblemBank;
use crate::queries::Queries;
use poise::serenity_prelude as serenity;

/// The interview a member acts in, and who they are.
pub struct Turn {
    pub stream: StreamId,
    pub interview: Interview,
    pub actor: Actor,
}

impl Turn {
    /// The interview of the channel `ctx` runs in (`None` outside a server).
    pub async fn load(ctx: Context<'_>) -> Result<Option<Turn>, Error> {
        let Some(guild) = ctx.guild_id() else {
            return Ok(None);
        };
        let actor = actor_of(ctx.author());
        Turn::at(&ctx.data().queries, guild, ctx.channel_id(), actor)
            .await
            .map(Some)
    }

    pub async fn at(
        queries: &Queries,
        guild: serenity::GuildId,
        channel: serenity::ChannelId,
        actor: Actor,
    ) -> Result<Turn, Error> {
        let stream = stream_of(guild, channel);
        let (interview, _) = queries.interview(&stream).await?;
        Ok(Turn {
            stream,
            interview,
            actor,
        })
    }
}

/// Runs `command`; the text for the member: an acknowledgement, or the refusal. What
/// the member typed privately (an approach, code from the editor or a file) is echoed
/// in the thread for those watching, once.
pub async fn execute(
    engine: &Engine,
    http: &serenity::Http,
    channel: serenity::ChannelId,
    turn: &Turn,
    command: Command,
    key: &str,
    action: Action,
) -> Result<String, Error> {
    match engine.execute(&turn.stream, command, Some(key)).await {
        Ok(executed) => {
            let echoes = executed
                .events
                .iter()
                .filter_map(|e| render::echo(&e.event));
            for post in echoes.filter(|_| !executed.duplicate) {
                let nonce_key = format!("echo:{key}");
                if let Err(e) = send::send_post(http, channel, &post, Some(&nonce_key)).await {
                    tracing::warn!(error = %e, "cannot echo a submission in its thread");
                }
            }
            Ok(render::acknowledgement(action).to_string())
        }
        Err(EngineError::Refused(why)) => Ok(capitalise(&why.to_string())),
        Err(e) => Err(e.into()),
    }
}

/// Downloads of attached files: one HTTP client whose every download, connecting
/// included, is bounded (`DISCORD_DOWNLOAD_TIMEOUT_SECONDS`). serenity's own
/// `Attachment::download` has no timeout at all.
#[derive(Clone)]
pub struct Downloads {
    client: reqwest::Client,
    timeout: std::time::Duration,
}

impl Downloads {
    pub fn new(timeout: std::time::Duration) -> Downloads {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(crate::config::connect_timeout(timeout))
            .build()
            .unwrap_or_default();
        Downloads { client, timeout }
    }

    /// The file's bytes (the size was checked before), or what to tell the member.
    async fn fetch(&self, file: &serenity::Attachment) -> Result<Vec<u8>, String> {
        let failed = |e: reqwest::Error| {
            let timed_out = e.is_timeout();
            tracing::warn!(error = %e.without_url(), "cannot download an attachment");
            if timed_out {
                format!(
                    "Discord did not send that file within {} s; please try again.",
                    self.timeout.as_secs()
                )
            } else {
                "I could not download that file; please try again.".to_string()
            }
        };
        let response = self
            .client
            .get(&file.url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(failed)?;
        let bytes = response.bytes().await.map_err(failed)?;
        Ok(bytes.to_vec())
    }
}

/// Reads an attached source file within the size limit and the download timeout.
pub async fn download(
    downloads: &Downloads,
    file: &serenity::Attachment,
    language: Option<&str>,
    interview_language: Option<&str>,
) -> Result<parse::Submission, String> {
    parse::check_attachment_size(file.size).map_err(|e| e.to_string())?;
    let bytes = downloads.fetch(file).await?;
    parse::submission_from_attachment(&file.filename, &bytes, language, interview_language)
        .map_err(|e: parse::AttachmentError| e.to_string())
}

/// The length of the interview's hint ladder when its problem is from the bank.
pub fn max_hints(bank: &ProblemBank, interview: &Interview) -> Option<u32> {
    match &interview.started.as_ref()?.problem {
        Problem::Bank { id, version, .. } => bank
            .get_version(id, *version)
            .or_else(|| bank.get(id))
            .map(|p| p.hints.len() as u32),
        Problem::Custom { .. } => None,
    }
}
