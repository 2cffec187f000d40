//! Sharing a text file (an interview's Markdown transcript) through Slack's external
//! upload: ask for an upload URL, send the bytes there, then complete the upload into
//! a channel or thread. The bytes only go to Slack's file host (or, in tests, the
//! configured API's origin), and never with the bot token.

use super::{ApiFailure, SlackApi};
use serde_json::{Value, json};

impl SlackApi {
    /// Share `content` as a file named `filename` in `channel` (in `thread_ts`'s
    /// thread when given), with `comment` above it.
    pub async fn upload_text(
        &self,
        channel: &str,
        thread_ts: Option<&str>,
        filename: &str,
        title: &str,
        content: &str,
        comment: &str,
    ) -> Result<(), ApiFailure> {
        let (url, file_id) = self.upload_url(filename, content.len()).await?;
        self.files
            .post(url)
            .header("content-type", "text/markdown; charset=utf-8")
            .body(content.to_string())
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|e| {
                if e.is_timeout() {
                    return ApiFailure::timed_out(self.timeout);
                }
                ApiFailure {
                    message: format!("file upload failed: {}", e.without_url()),
                    permanent: false,
                    ..Default::default()
                }
            })?;
        let mut complete = json!({
            "files": [{"id": file_id, "title": title}],
            "channel_id": channel,
            "initial_comment": comment,
        });
        if let Some(ts) = thread_ts {
            complete["thread_ts"] = json!(ts);
        }
        let session = self.client.open_session(&self.token);
        let _: Value = self
            .bounded(session.http_session_api.http_post(
                "files.completeUploadExternal",
                &complete,
                None,
            ))
            .await?;
        Ok(())
    }

    /// Where to send the bytes of a file of `length` bytes, and the file's id. The URL
    /// must be Slack's file host (or the configured API's origin).
    async fn upload_url(
        &self,
        filename: &str,
        length: usize,
    ) -> Result<(url::Url, String), ApiFailure> {
        let length = length.to_string();
        let params = vec![("filename", Some(filename)), ("length", Some(&length))];
        let session = self.client.open_session(&self.token);
        let ticket: Value = self
            .bounded(
                session
                    .http_session_api
                    .http_get("files.getUploadURLExternal", &params, None),
            )
            .await?;
        let refuse = |message: String| ApiFailure {
            message,
            permanent: true,
            ..Default::default()
        };
        let (Some(upload_url), Some(file_id)) =
            (ticket["upload_url"].as_str(), ticket["file_id"].as_str())
        else {
            return Err(refuse(
                "files.getUploadURLExternal gave no upload URL".into(),
            ));
        };
        let url = url::Url::parse(upload_url).map_err(|e| refuse(e.to_string()))?;
        let trusted = (url.scheme() == "https"
            && url
                .host_str()
                .is_some_and(|h| h == "files.slack.com" || h.ends_with(".slack.com")))
            || url.origin().ascii_serialization() == self.api_origin;
        if !trusted {
            return Err(refuse(format!(
                "not a Slack upload URL: {}",
                url.origin().ascii_serialization()
            )));
        }
        Ok((url, file_id.to_string()))
    }
}
