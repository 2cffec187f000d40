//! The Slack calls of the daily problem (issue 16): whether a member may set or stop
//! it (a workspace admin or owner by `users.info`, or the channel's creator by
//! `conversations.info`), and finding a day's post in a channel by its delivery key
//! (`conversations.history` with metadata), so the outbox never posts it twice. It
//! must never post anything.

use super::{ApiFailure, METADATA_EVENT_TYPE, SlackApi};
use serde_json::Value;

impl SlackApi {
    /// Whether `user` is a workspace admin or owner, or created `channel`.
    pub async fn may_manage(&self, user: &str, channel: &str) -> Result<bool, ApiFailure> {
        let session = self.client.open_session(&self.token);
        let params = vec![("user", Some(user))];
        let info: Value = self
            .bounded(
                session
                    .http_session_api
                    .http_get("users.info", &params, None),
            )
            .await?;
        let admin = ["is_admin", "is_owner", "is_primary_owner"]
            .iter()
            .any(|flag| info["user"][flag] == true);
        if admin {
            return Ok(true);
        }
        let params = vec![("channel", Some(channel))];
        let info: Value = self
            .bounded(
                session
                    .http_session_api
                    .http_get("conversations.info", &params, None),
            )
            .await?;
        Ok(info["channel"]["creator"] == user)
    }

    /// The ts of a top-level message in `channel` whose metadata carries `key`.
    pub async fn find_in_channel(
        &self,
        channel: &str,
        key: &str,
    ) -> Result<Option<String>, ApiFailure> {
        let params = vec![
            ("channel", Some(channel)),
            ("include_all_metadata", Some("true")),
            ("limit", Some("200")),
        ];
        let session = self.client.open_session(&self.token);
        let res: Value = self
            .bounded(
                session
                    .http_session_api
                    .http_get("conversations.history", &params, None),
            )
            .await?;
        let found = res["messages"].as_array().into_iter().flatten().find(|m| {
            m["metadata"]["event_type"] == METADATA_EVENT_TYPE
                && m["metadata"]["event_payload"]["key"] == key
        });
        Ok(found.and_then(|m| m["ts"].as_str()).map(str::to_string))
    }
}
