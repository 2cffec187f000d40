//! Who a browser is. The page sets a random member id in a cookie (`ic_member`, a uuid,
//! HttpOnly, SameSite=Strict) when it is first served; a new interview's candidate is
//! `web:{that id}`, so one browser's interviews share a member and a progress chart.
//! A client without the cookie (a script speaking the seed protocol) is its own member
//! per interview: `web:{interview uuid}`.
//!
//! The id is an opaque label, not a credential: access control is the access token.

use axum::http::{HeaderMap, HeaderValue, header};
use uuid::Uuid;

const COOKIE: &str = "ic_member";
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
        .and_then(|(_, value)| Uuid::parse_str(value.trim()).ok())
        .map(|id| id.simple().to_string())
}

/// A `Set-Cookie` value with a fresh member id.
pub fn new_cookie() -> HeaderValue {
    let id = Uuid::new_v4().simple();
    let value = format!("{COOKIE}={id}; Path=/; Max-Age={MAX_AGE}; HttpOnly; SameSite=Strict");
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("ic_member=; Path=/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_member_cookie_is_read_and_validated() {
        let mut h = HeaderMap::new();
        let id = Uuid::new_v4();
        h.insert(
            header::COOKIE,
            format!("a=b; ic_member={id}; c=d").parse().unwrap(),
        );
        assert_eq!(member_id(&h), Some(id.simple().to_string()));
        h.insert(header::COOKIE, "ic_member=<script>".parse().unwrap());
        assert_eq!(member_id(&h), None);
        let cookie = new_cookie();
        let mut h = HeaderMap::new();
        let pair = cookie
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        h.insert(header::COOKIE, pair.parse().unwrap());
        assert!(member_id(&h).is_some());
    }
}
