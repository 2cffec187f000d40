//! Who a browser is. The page sets a random secret in a cookie (`ic_key`, 32 random bytes
//! as hex, HttpOnly, SameSite=Strict) when it is first served; the browser's member id is
//! derived from it one way (SHA-256, 128 bits as hex), and a new interview's candidate is
//! `web:{that id}`, so one browser's interviews share a member and a progress chart.
//! A client without the cookie (a script speaking the seed protocol) is its own member
//! per interview: `web:{interview uuid}`.
//!
//! The member id is public (the read API lists it); the cookie is the credential that
//! binds a browser to its interviews, so the id never lets anyone act as the browser,
//! and this module never logs or returns the cookie's value. (Before, the cookie
//! `ic_member` held the member id itself; it is ignored now, so such a browser starts a
//! new member.)

use axum::http::{HeaderMap, HeaderValue, header};
use sha2::{Digest, Sha256};

const COOKIE: &str = "ic_key";
/// Hex characters of the secret a cookie holds.
const KEY_HEX: usize = 64;
/// Domain separation for the derivation.
const CONTEXT: &[u8] = b"interview-coach member v2:";
/// A year, in seconds.
const MAX_AGE: u64 = 365 * 24 * 3600;
/// The name shown for web candidates (browsers have no display name).
pub const GUEST_NAME: &str = "Web guest";

/// The member id of the browser, when it sent a well-formed cookie.
pub fn member_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|key| key.len() == KEY_HEX && key.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(|key| derive(&key.to_ascii_lowercase()))
}

/// The public member id of a cookie's secret.
fn derive(key: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(CONTEXT);
    hash.update(key.as_bytes());
    hex::encode(&hash.finalize()[..16])
}

/// A `Set-Cookie` value with a fresh secret.
pub fn new_cookie() -> HeaderValue {
    let key = hex::encode(rand::random::<[u8; 32]>());
    let value = format!("{COOKIE}={key}; Path=/; Max-Age={MAX_AGE}; HttpOnly; SameSite=Strict");
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("ic_key=; Path=/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookie_pair(set_cookie: &HeaderValue) -> String {
        set_cookie
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string()
    }

    #[test]
    fn the_member_id_is_derived_from_the_cookie_and_stable() {
        let pair = cookie_pair(&new_cookie());
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, format!("a=b; {pair}; c=d").parse().unwrap());
        let id = member_id(&h).expect("a member id");
        assert_eq!(id.len(), 32);
        assert_eq!(member_id(&h), Some(id.clone()));
        let key = pair.split_once('=').unwrap().1;
        assert!(!id.contains(&key[..32]), "the id does not reveal the key");
        let other = cookie_pair(&new_cookie());
        let mut h2 = HeaderMap::new();
        h2.insert(header::COOKIE, other.parse().unwrap());
        assert_ne!(member_id(&h2), Some(id));
    }

    #[test]
    fn malformed_or_old_cookies_give_no_member() {
        for cookie in [
            "ic_key=<script>",
            "ic_key=abc",
            "ic_member=7f1c2a4e93b74d0e8a552c7e91f0b3d4",
            "other=1",
        ] {
            let mut h = HeaderMap::new();
            h.insert(header::COOKIE, cookie.parse().unwrap());
            assert_eq!(member_id(&h), None, "{cookie}");
        }
    }
}
