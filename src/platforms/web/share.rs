//! Share links: an unguessable token that names one interview, one link (a random share
//! id, so each link can be revoked alone) and the moment the link expires, signed with
//! HMAC-SHA256, so it opens that transcript without the access token until it expires
//! or is revoked, and cannot be forged, extended or pointed at another interview.
//!
//! The key comes from `WEB_SHARE_SECRET` or, when unset, from a random secret created once
//! and kept in the database (the wiring asks the store for it), so links survive
//! restarts and work on every instance. The key is never logged and never leaves the
//! process. This module only signs and reads tokens: it never reads the clock (the
//! caller passes the time) and never decides about revocation (the log holds that).

use crate::config::{Secret, ServeArgs};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use uuid::Uuid;

type HmacSha256 = Hmac<Sha256>;

/// Bytes of the MAC kept in a token (128 bits).
const MAC_LEN: usize = 16;
/// The token format: a version byte, then the signed fields. Version 1 tokens (the
/// interview id alone, no expiry) are no longer accepted.
const VERSION: u8 = 2;
/// Version, interview id, share id, expiry (seconds since the epoch, big-endian).
const BODY_LEN: usize = 1 + 16 + 16 + 8;
/// Longest token accepted before decoding (a valid one is 76 characters).
const MAX_TOKEN_LEN: usize = 100;
/// Domain separation: a share token signs nothing else.
const CONTEXT: &[u8] = b"interview-coach share v2:";

/// What a valid token says: which interview, which link, and until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShareClaim {
    pub interview_id: Uuid,
    /// Names this one link, for revocation.
    pub share_id: Uuid,
    pub expires_at: DateTime<Utc>,
}

impl ShareClaim {
    /// A new link to `interview_id` that expires `ttl` after `now`.
    pub fn new(interview_id: Uuid, now: DateTime<Utc>, ttl: Duration) -> ShareClaim {
        ShareClaim {
            interview_id,
            share_id: Uuid::new_v4(),
            // Whole seconds: what the token can carry.
            expires_at: DateTime::from_timestamp((now + ttl).timestamp(), 0).unwrap_or(now),
        }
    }

    /// Whether the link has expired at `now`.
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.expires_at
    }

    fn body(&self) -> [u8; BODY_LEN] {
        let mut body = [0u8; BODY_LEN];
        body[0] = VERSION;
        body[1..17].copy_from_slice(self.interview_id.as_bytes());
        body[17..33].copy_from_slice(self.share_id.as_bytes());
        body[33..].copy_from_slice(&self.expires_at.timestamp().to_be_bytes());
        body
    }

    fn from_body(body: &[u8]) -> Option<ShareClaim> {
        if body.len() != BODY_LEN || body[0] != VERSION {
            return None;
        }
        let seconds = i64::from_be_bytes(body[33..].try_into().ok()?);
        Some(ShareClaim {
            interview_id: Uuid::from_slice(&body[1..17]).ok()?,
            share_id: Uuid::from_slice(&body[17..33]).ok()?,
            expires_at: DateTime::from_timestamp(seconds, 0)?,
        })
    }
}
/// The name of the secret the key is derived from when `WEB_SHARE_SECRET` is unset.
pub const SECRET_NAME: &str = "share_link_key";

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

    /// The key derived from a secret kept in the database (`SECRET_NAME`), so links
    /// survive restarts and work on every instance.
    pub fn from_stored(stored: &str) -> ShareKey {
        ShareKey(Sha256::digest(stored.as_bytes()).into())
    }

    /// A fresh random secret to store when the database holds none yet.
    pub fn new_stored_secret() -> String {
        hex::encode(rand::random::<[u8; 32]>())
    }

    /// `WEB_SHARE_SECRET`'s key, when it is set.
    pub fn configured(args: &ServeArgs) -> Option<ShareKey> {
        configured(args).map(ShareKey::from_secret)
    }

    /// The token of one link.
    pub fn sign(&self, claim: &ShareClaim) -> String {
        let body = claim.body();
        let mut bytes = body.to_vec();
        bytes.extend_from_slice(&self.mac(&body).finalize().into_bytes()[..MAC_LEN]);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// What a token says, when its signature is valid (checked in constant time). It
    /// may have expired: the caller compares `expires_at` with its clock.
    pub fn verify(&self, token: &str) -> Option<ShareClaim> {
        if token.len() > MAX_TOKEN_LEN {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        if bytes.len() != BODY_LEN + MAC_LEN {
            return None;
        }
        let (body, tag) = bytes.split_at(BODY_LEN);
        self.mac(body).verify_truncated_left(tag).ok()?;
        ShareClaim::from_body(body)
    }

    /// The token in a link as pasted: a whole URL, a `/share/...` path or the token.
    pub fn token_of(link: &str) -> &str {
        let link = link.trim();
        let path = link.split(['?', '#']).next().unwrap_or(link);
        path.rsplit('/').next().unwrap_or(path)
    }

    fn mac(&self, body: &[u8]) -> HmacSha256 {
        // HMAC accepts keys of any length; 32 bytes never fails.
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(CONTEXT);
        mac.update(body);
        mac
    }
}

fn configured(args: &ServeArgs) -> Option<&Secret> {
    args.web_share_secret
        .as_ref()
        .filter(|s| !s.expose().trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn claim() -> ShareClaim {
        let now = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        ShareClaim::new(Uuid::new_v4(), now, Duration::days(30))
    }

    fn key() -> ShareKey {
        ShareKey::from_stored(&ShareKey::new_stored_secret())
    }

    #[test]
    fn a_signed_token_carries_its_interview_link_and_expiry() {
        let key = key();
        let c = claim();
        assert_eq!(key.verify(&key.sign(&c)), Some(c));
        assert_eq!(
            c.expires_at,
            Utc.with_ymd_and_hms(2026, 2, 1, 3, 4, 5).unwrap()
        );
    }

    #[test]
    fn every_link_has_its_own_share_id() {
        let now = Utc::now();
        let id = Uuid::new_v4();
        let a = ShareClaim::new(id, now, Duration::days(1));
        let b = ShareClaim::new(id, now, Duration::days(1));
        assert_ne!(a.share_id, b.share_id);
    }

    #[test]
    fn a_link_expires_at_its_expiry() {
        let c = claim();
        assert!(!c.expired(c.expires_at - Duration::seconds(1)));
        assert!(c.expired(c.expires_at));
    }

    #[test]
    fn a_tampered_foreign_or_old_token_is_refused() {
        let key = key();
        let c = claim();
        let token = key.sign(&c);
        let mut bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
        // Pushing the expiry later breaks the signature.
        bytes[BODY_LEN - 1] ^= 1;
        assert_eq!(key.verify(&URL_SAFE_NO_PAD.encode(&bytes)), None);
        assert_eq!(ShareKey::from_stored("another").verify(&token), None);
        assert_eq!(key.verify("not-a-token"), None);
        assert_eq!(key.verify(""), None);
        // A version 1 token: the interview id and a 16-byte MAC, no expiry.
        let old = URL_SAFE_NO_PAD.encode([7u8; 32]);
        assert_eq!(key.verify(&old), None);
    }

    #[test]
    fn a_configured_secret_gives_stable_tokens() {
        let c = claim();
        let a = ShareKey::from_secret(&Secret::new("s3cret"));
        let b = ShareKey::from_secret(&Secret::new("s3cret"));
        assert_eq!(a.sign(&c), b.sign(&c));
    }

    #[test]
    fn the_token_is_found_in_a_pasted_link() {
        for link in [
            "http://127.0.0.1:8000/share/abc_-9",
            "/share/abc_-9",
            " abc_-9\n",
            "https://coach.example.org/share/abc_-9?x=1#top",
        ] {
            assert_eq!(ShareKey::token_of(link), "abc_-9", "{link}");
        }
    }
}
