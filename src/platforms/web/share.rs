//! Share links: an unguessable token that names one interview and is signed with
//! HMAC-SHA256, so it opens that transcript without the access token and cannot be
//! forged or pointed at another interview.
//!
//! The key comes from `WEB_SHARE_SECRET` or, when unset, from a random secret created once
//! and kept in the database (the wiring asks the store for it), so links survive
//! restarts and work on every instance. The key is never logged and never leaves the
//! process.

use crate::config::{Secret, ServeArgs};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use uuid::Uuid;

type HmacSha256 = Hmac<Sha256>;

/// Bytes of the MAC kept in a token (128 bits).
const MAC_LEN: usize = 16;
/// Domain separation: a share token signs nothing else.
const CONTEXT: &[u8] = b"interview-coach share v1:";
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_token_names_its_interview() {
        let key = ShareKey::from_stored(&ShareKey::new_stored_secret());
        let id = Uuid::new_v4();
        assert_eq!(key.verify(&key.sign(id)), Some(id));
    }

    #[test]
    fn a_tampered_or_foreign_token_is_refused() {
        let key = ShareKey::from_stored(&ShareKey::new_stored_secret());
        let id = Uuid::new_v4();
        let token = key.sign(id);
        let mut bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
        bytes[3] ^= 1;
        assert_eq!(key.verify(&URL_SAFE_NO_PAD.encode(&bytes)), None);
        assert_eq!(
            ShareKey::from_stored(&ShareKey::new_stored_secret()).verify(&token),
            None
        );
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
