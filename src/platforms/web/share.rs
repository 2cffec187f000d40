//! Share links: an unguessable token that names one interview and is signed with
//! HMAC-SHA256, so it opens that transcript without the access token and cannot be
//! forged or pointed at another interview.
//!
//! The key comes from `WEB_SHARE_SECRET` or, when unset, from a random secret created once
//! and kept in the database (`web_secrets`), so links survive restarts and work on every
//! instance. The key is never logged and never leaves the process.

use crate::config::{Secret, ServeArgs};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use sqlx::Connection;
use uuid::Uuid;

type HmacSha256 = Hmac<Sha256>;

/// Bytes of the MAC kept in a token (128 bits).
const MAC_LEN: usize = 16;
/// Domain separation: a share token signs nothing else.
const CONTEXT: &[u8] = b"interview-coach share v1:";
/// The row of `web_secrets` holding the generated key.
const SECRET_NAME: &str = "share_link_key";

#[derive(Clone)]
pub struct ShareKey([u8; 32]);

impl std::fmt::Debug for ShareKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ShareKey([redacted])")
    }
}

impl ShareKey {
    /// A key derived from a configured secret.
    pub fn from_secret(secret: &Secret) -> ShareKey {
        ShareKey(Sha256::digest(secret.expose().as_bytes()).into())
    }

    /// A fresh random key (links die with the process; used when no database URL is
    /// known, e.g. an app built on an existing store in tests).
    pub fn random() -> ShareKey {
        ShareKey(rand::random())
    }

    /// `WEB_SHARE_SECRET` when set, else a random key.
    pub fn from_args_or_random(args: &ServeArgs) -> ShareKey {
        match configured(args) {
            Some(s) => ShareKey::from_secret(s),
            None => ShareKey::random(),
        }
    }

    /// `WEB_SHARE_SECRET` when set, else the key kept in the database at `database_url`
    /// (created on first use; concurrent first uses agree on one key).
    pub async fn load(args: &ServeArgs, database_url: &str) -> Result<ShareKey, sqlx::Error> {
        if let Some(s) = configured(args) {
            return Ok(ShareKey::from_secret(s));
        }
        let candidate = hex::encode(rand::random::<[u8; 32]>());
        let stored = stored_secret(database_url, &candidate).await?;
        Ok(ShareKey(Sha256::digest(stored.as_bytes()).into()))
    }

    /// The token for one interview.
    pub fn sign(&self, interview_id: Uuid) -> String {
        let mut bytes = interview_id.as_bytes().to_vec();
        bytes.extend_from_slice(&self.mac(interview_id).finalize().into_bytes()[..MAC_LEN]);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The interview a token names, when its signature is valid (checked in constant
    /// time).
    pub fn verify(&self, token: &str) -> Option<Uuid> {
        if token.len() > 64 {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        if bytes.len() != 16 + MAC_LEN {
            return None;
        }
        let id = Uuid::from_slice(&bytes[..16]).ok()?;
        self.mac(id).verify_truncated_left(&bytes[16..]).ok()?;
        Some(id)
    }

    fn mac(&self, interview_id: Uuid) -> HmacSha256 {
        // HMAC accepts keys of any length; 32 bytes never fails.
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(CONTEXT);
        mac.update(interview_id.as_bytes());
        mac
    }
}

fn configured(args: &ServeArgs) -> Option<&Secret> {
    args.web_share_secret
        .as_ref()
        .filter(|s| !s.expose().trim().is_empty())
}

/// Insert `candidate` unless a secret exists, then read the one that won.
async fn stored_secret(url: &str, candidate: &str) -> Result<String, sqlx::Error> {
    const INSERT: &str =
        "INSERT INTO web_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING";
    const SELECT: &str = "SELECT value FROM web_secrets WHERE name = $1";
    if url.starts_with("sqlite:") {
        let options: sqlx::sqlite::SqliteConnectOptions = url.parse()?;
        let options = options.busy_timeout(std::time::Duration::from_secs(10));
        let mut conn = sqlx::SqliteConnection::connect_with(&options).await?;
        sqlx::query(INSERT)
            .bind(SECRET_NAME)
            .bind(candidate)
            .execute(&mut conn)
            .await?;
        let value = sqlx::query_scalar(SELECT)
            .bind(SECRET_NAME)
            .fetch_one(&mut conn)
            .await?;
        let _ = conn.close().await;
        Ok(value)
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await?;
        sqlx::query(INSERT)
            .bind(SECRET_NAME)
            .bind(candidate)
            .execute(&mut conn)
            .await?;
        let value = sqlx::query_scalar(SELECT)
            .bind(SECRET_NAME)
            .fetch_one(&mut conn)
            .await?;
        let _ = conn.close().await;
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_token_names_its_interview() {
        let key = ShareKey::random();
        let id = Uuid::new_v4();
        assert_eq!(key.verify(&key.sign(id)), Some(id));
    }

    #[test]
    fn a_tampered_or_foreign_token_is_refused() {
        let key = ShareKey::random();
        let id = Uuid::new_v4();
        let token = key.sign(id);
        let mut bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
        bytes[3] ^= 1;
        assert_eq!(key.verify(&URL_SAFE_NO_PAD.encode(&bytes)), None);
        assert_eq!(ShareKey::random().verify(&token), None);
        assert_eq!(key.verify("not-a-token"), None);
        assert_eq!(key.verify(""), None);
    }

    #[test]
    fn a_configured_secret_gives_stable_tokens() {
        let id = Uuid::new_v4();
        let a = ShareKey::from_secret(&Secret::new("s3cret"));
        let b = ShareKey::from_secret(&Secret::new("s3cret"));
        assert_eq!(a.sign(id), b.sign(id));
    }
}
