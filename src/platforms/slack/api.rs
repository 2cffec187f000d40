//! The Slack Web API calls the adapter makes, through slack-morphism: post a message
//! (optionally in a thread, with event metadata), edit one's text, post an ephemeral reply, open a
//! modal, and find a message of ours in a thread by its metadata. The base URL is
//! configurable so tests point it at a loopback fake.

// issue 16: daily
mod daily;
mod upload;

use super::blocks::Rendered;
use crate::config::Secret;
use serde_json::Value;
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// The metadata `event_type` on every coach message we post.
pub const METADATA_EVENT_TYPE: &str = "interview_coach_event";

pub type SlackHyperClient = SlackClient<SlackClientHyperHttpsConnector>;

/// A Web API client bound to the bot token.
#[derive(Clone)]
pub struct SlackApi {
    client: Arc<SlackHyperClient>,
    token: SlackApiToken,
    /// Downloads shared files (`url_private_download`) with the bot token.
    files: reqwest::Client,
    /// Where the bot token may be sent besides `files.slack.com`: the API's origin.
    api_origin: String,
    /// The longest one call (or download) may take (`SLACK_API_TIMEOUT_SECONDS`).
    timeout: std::time::Duration,
}

/// Largest shared file read as a submission (the domain refuses code over 64 KiB with a
/// clear message; this only stops huge downloads).
const MAX_FILE_BYTES: usize = 256 * 1024;

/// Why a Web API call failed: `permanent` when retrying cannot help (channel gone,
/// bot removed, bad request).
#[derive(Debug, Default, thiserror::Error)]
#[error("{message}")]
pub struct ApiFailure {
    pub message: String,
    pub permanent: bool,
    /// Slack's error code (`not_in_channel`, `ratelimited`, ...), when it gave one.
    pub code: Option<String>,
    /// How long Slack asked us to wait (a rate limit's `Retry-After`).
    pub retry_after: Option<std::time::Duration>,
    /// Slack did not answer within `SLACK_API_TIMEOUT_SECONDS` (a passing fault).
    pub timed_out: bool,
}

impl ApiFailure {
    /// A call Slack did not answer within `after`: worth retrying.
    pub fn timed_out(after: std::time::Duration) -> ApiFailure {
        ApiFailure {
            message: format!("Slack did not answer in {} s", after.as_secs()),
            permanent: false,
            timed_out: true,
            ..Default::default()
        }
    }

    /// Slack rate-limited the call (HTTP 429 or `ratelimited`): retry after a wait.
    pub fn rate_limited(&self) -> bool {
        self.code.as_deref() == Some("ratelimited") || self.retry_after.is_some()
    }

    /// The bot cannot post where it was asked to: it is not a member of the channel,
    /// or the channel is unknown or private to it. Inviting it is the cure.
    pub fn not_in_channel(&self) -> bool {
        matches!(
            self.code.as_deref(),
            Some("not_in_channel" | "channel_not_found")
        )
    }
}

impl From<SlackClientError> for ApiFailure {
    fn from(e: SlackClientError) -> Self {
        let (permanent, code, retry_after) = match &e {
            SlackClientError::ApiError(api) => (
                !matches!(
                    api.code.as_str(),
                    "ratelimited"
                        | "internal_error"
                        | "fatal_error"
                        | "service_unavailable"
                        | "request_timeout"
                ),
                Some(api.code.clone()),
                None,
            ),
            SlackClientError::RateLimitError(limit) => (
                false,
                Some("ratelimited".to_string()),
                // Slack always sends Retry-After with a 429; a second if it did not.
                Some(
                    limit
                        .retry_after
                        .unwrap_or(std::time::Duration::from_secs(1)),
                ),
            ),
            _ => (false, None, None),
        };
        ApiFailure {
            message: e.to_string(),
            permanent,
            code,
            retry_after,
            timed_out: false,
        }
    }
}

/// An HTTP(S) connector: HTTPS with the webpki roots for Slack, plain HTTP for a
/// loopback fake named by SLACK_API_URL.
pub fn connector() -> SlackClientHyperHttpsConnector {
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1()
        .enable_http2()
        .build();
    SlackClientHyperConnector::from(https)
}

/// The default bound on one call, as `SLACK_API_TIMEOUT_SECONDS`'s default.
const DEFAULT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// The client for shared files, bounded like every call.
fn files_client(timeout: std::time::Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(crate::config::connect_timeout(timeout))
        .build()
        .unwrap_or_default()
}

impl SlackApi {
    /// `api_url` is e.g. `https://slack.com/api` (no trailing slash needed).
    pub fn new(api_url: &str, bot_token: &Secret) -> SlackApi {
        let connector = connector().with_slack_api_url(api_url.trim_end_matches('/'));
        let api_origin = url::Url::parse(api_url)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_default();
        SlackApi {
            client: Arc::new(SlackClient::new(connector)),
            token: SlackApiToken::new(bot_token.expose().to_string().into()),
            files: files_client(DEFAULT_TIMEOUT),
            api_origin,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The same client with every call (and download) bounded by `timeout`.
    pub fn with_timeout(mut self, timeout: std::time::Duration) -> SlackApi {
        self.files = files_client(timeout);
        self.timeout = timeout;
        self
    }

    /// `call` within the timeout: one not answered in time is [`ApiFailure::timed_out`].
    async fn bounded<T>(
        &self,
        call: impl std::future::Future<Output = Result<T, SlackClientError>>,
    ) -> Result<T, ApiFailure> {
        match tokio::time::timeout(self.timeout, call).await {
            Ok(result) => result.map_err(ApiFailure::from),
            Err(_) => Err(ApiFailure::timed_out(self.timeout)),
        }
    }

    pub fn client(&self) -> &Arc<SlackHyperClient> {
        &self.client
    }

    fn content(r: &Rendered) -> Result<SlackMessageContent, ApiFailure> {
        let mut content = SlackMessageContent::new().with_text(r.text.clone());
        if let Some(blocks) = &r.blocks {
            let blocks: Vec<SlackBlock> =
                serde_json::from_value(blocks.clone()).map_err(|e| ApiFailure {
                    message: format!("invalid Block Kit: {e}"),
                    permanent: true,
                    ..Default::default()
                })?;
            content = content.with_blocks(blocks);
        }
        Ok(content)
    }

    /// Post `r` to `channel` (in `thread_ts`'s thread when given); the message's ts.
    /// `key` is stored as metadata so [`SlackApi::find_by_key`] can find it again.
    pub async fn post(
        &self,
        channel: &str,
        thread_ts: Option<&str>,
        r: &Rendered,
        key: Option<&str>,
    ) -> Result<String, ApiFailure> {
        let mut content = Self::content(r)?;
        if let Some(key) = key {
            let payload = HashMap::from([("key".to_string(), key.to_string())]);
            content = content.with_metadata(SlackMessageMetadata {
                event_type: METADATA_EVENT_TYPE.to_string(),
                event_payload: Some(payload),
            });
        }
        // Links in coach or candidate text never unfurl into previews.
        let mut req = SlackApiChatPostMessageRequest::new(channel.into(), content)
            .with_unfurl_links(false)
            .with_unfurl_media(false);
        if let Some(ts) = thread_ts {
            req = req.with_thread_ts(ts.into());
        }
        let session = self.client.open_session(&self.token);
        let res = self.bounded(session.chat_post_message(&req)).await?;
        Ok(res.ts.0)
    }

    /// Show `text` to `user` only.
    pub async fn post_ephemeral(
        &self,
        channel: &str,
        user: &str,
        thread_ts: Option<&str>,
        text: &str,
    ) -> Result<(), ApiFailure> {
        let content = SlackMessageContent::new().with_text(text.to_string());
        let mut req = SlackApiChatPostEphemeralRequest::new(channel.into(), user.into(), content);
        if let Some(ts) = thread_ts {
            req = req.with_thread_ts(ts.into());
        }
        let session = self.client.open_session(&self.token);
        self.bounded(session.chat_post_ephemeral(&req)).await?;
        Ok(())
    }

    /// Show the message `r` (text and blocks) to `user` only.
    pub async fn post_ephemeral_rendered(
        &self,
        channel: &str,
        user: &str,
        r: &Rendered,
    ) -> Result<(), ApiFailure> {
        let content = Self::content(r)?;
        let req = SlackApiChatPostEphemeralRequest::new(channel.into(), user.into(), content);
        let session = self.client.open_session(&self.token);
        self.bounded(session.chat_post_ephemeral(&req)).await?;
        Ok(())
    }

    /// The direct-message channel between the bot and `user` (`conversations.open`,
    /// opened if it was not): issue 16, where a duelist's interview thread lives.
    pub async fn open_dm(&self, user: &str) -> Result<String, ApiFailure> {
        let session = self.client.open_session(&self.token);
        let req = SlackApiConversationsOpenRequest::new().with_users(vec![user.into()]);
        let res = self.bounded(session.conversations_open(&req)).await?;
        Ok(res.channel.id.0)
    }

    /// A member's handle (`users.info`), when Slack tells.
    pub async fn user_name(&self, user: &str) -> Option<String> {
        let session = self.client.open_session(&self.token);
        let req = SlackApiUsersInfoRequest::new(user.into());
        let res = self.bounded(session.users_info(&req)).await.ok()?;
        let profile = res.user.profile.as_ref();
        let display = profile.and_then(|p| p.display_name.clone());
        display.filter(|n| !n.is_empty()).or(res.user.name)
    }

    /// A member's handle and whether they are a bot or an app (`users.info`), when
    /// Slack tells (issue 16: nobody duels a bot).
    pub async fn user_info(&self, user: &str) -> Option<(String, bool)> {
        let session = self.client.open_session(&self.token);
        let req = SlackApiUsersInfoRequest::new(user.into());
        let res = self.bounded(session.users_info(&req)).await.ok()?;
        let flags = &res.user.flags;
        let bot = flags.is_bot.unwrap_or(false) || flags.is_app_user.unwrap_or(false);
        let profile = res.user.profile.as_ref();
        let display = profile.and_then(|p| p.display_name.clone());
        let name = display.filter(|n| !n.is_empty()).or(res.user.name);
        Some((name.unwrap_or_else(|| user.to_string()), bot))
    }

    /// Whether `user` is a bot (`users.info`); false when Slack does not say (issue 16:
    /// a bot cannot be a peer interviewer).
    pub async fn user_is_bot(&self, user: &str) -> bool {
        self.user_info(user).await.is_some_and(|(_, bot)| bot)
    }

    /// The text of a file shared in Slack. The bot token is only ever sent to Slack's
    /// file host (or the configured API's origin, for tests).
    pub async fn download(&self, file_url: &str) -> Result<String, ApiFailure> {
        let refuse = |message: String| ApiFailure {
            message,
            permanent: true,
            ..Default::default()
        };
        let url = url::Url::parse(file_url).map_err(|e| refuse(e.to_string()))?;
        let trusted = (url.scheme() == "https" && url.host_str() == Some("files.slack.com"))
            || url.origin().ascii_serialization() == self.api_origin;
        if !trusted {
            return Err(refuse(format!(
                "not a Slack file URL: {}",
                url.origin().ascii_serialization()
            )));
        }
        let failed = |e: reqwest::Error| {
            if e.is_timeout() {
                return ApiFailure::timed_out(self.timeout);
            }
            ApiFailure {
                message: format!("file download failed: {}", e.without_url()),
                permanent: false,
                ..Default::default()
            }
        };
        let res = self
            .files
            .get(url)
            .bearer_auth(&self.token.token_value.0)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(failed)?;
        if res
            .content_length()
            .is_some_and(|n| n as usize > MAX_FILE_BYTES)
        {
            return Err(refuse("the file is too large".to_string()));
        }
        let bytes = res.bytes().await.map_err(failed)?;
        if bytes.len() > MAX_FILE_BYTES {
            return Err(refuse("the file is too large".to_string()));
        }
        String::from_utf8(bytes.to_vec()).map_err(|_| refuse("the file is not text".to_string()))
    }

    /// Replace the text of our message `ts` in `channel` (`chat.update`).
    pub async fn update(&self, channel: &str, ts: &str, text: &str) -> Result<(), ApiFailure> {
        let body = serde_json::json!({"channel": channel, "ts": ts, "text": text});
        let session = self.client.open_session(&self.token);
        let _: Value = self
            .bounded(
                session
                    .http_session_api
                    .http_post("chat.update", &body, None),
            )
            .await?;
        Ok(())
    }

    /// Open a modal for the `trigger_id` of a button press (valid for about 3 s).
    pub async fn open_view(&self, trigger_id: &str, view: Value) -> Result<(), ApiFailure> {
        let body = serde_json::json!({"trigger_id": trigger_id, "view": view});
        let session = self.client.open_session(&self.token);
        let _: Value = self
            .bounded(
                session
                    .http_session_api
                    .http_post("views.open", &body, None),
            )
            .await?;
        Ok(())
    }

    /// The ts of the message in `thread_ts`'s thread whose metadata carries `key`.
    pub async fn find_by_key(
        &self,
        channel: &str,
        thread_ts: &str,
        key: &str,
    ) -> Result<Option<String>, ApiFailure> {
        let params = vec![
            ("channel", Some(channel)),
            ("ts", Some(thread_ts)),
            ("include_all_metadata", Some("true")),
            ("limit", Some("1000")),
        ];
        let session = self.client.open_session(&self.token);
        let res: Value = self
            .bounded(
                session
                    .http_session_api
                    .http_get("conversations.replies", &params, None),
            )
            .await?;
        let found = res["messages"].as_array().into_iter().flatten().find(|m| {
            m["metadata"]["event_type"] == METADATA_EVENT_TYPE
                && m["metadata"]["event_payload"]["key"] == key
        });
        Ok(found.and_then(|m| m["ts"].as_str()).map(str::to_string))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_bot_token_is_never_sent_to_a_host_that_is_not_slacks() {
        let api = SlackApi::new("https://slack.com/api", &Secret::new("xoxb-secret"));
        for url in [
            "https://evil.example/files-pri/x",
            "http://files.slack.com/files-pri/x",
            "https://files.slack.com.evil.example/x",
            "not a url",
        ] {
            let err = api.download(url).await.expect_err(url);
            assert!(err.permanent, "{url}");
        }
    }
}
