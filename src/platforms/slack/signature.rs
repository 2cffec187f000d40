//! Slack request signatures (v0): `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`
//! under the app's signing secret, with the timestamp inside a five-minute window of
//! the injected clock. Checked before anything else reads the request; the comparison
//! is constant-time. Pure: the caller supplies the clock reading.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use thiserror::Error;

/// How far a request's timestamp may be from now, either way.
pub const MAX_SKEW_SECONDS: i64 = 5 * 60;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignatureError {
    #[error("the X-Slack-Request-Timestamp header is missing or not a number")]
    BadTimestamp,
    #[error("the request timestamp is more than five minutes from now")]
    Stale,
    #[error("the X-Slack-Signature header is missing or not a v0 signature")]
    Malformed,
    #[error("the signature does not match the body")]
    Mismatch,
}

/// The `v0=...` signature Slack sends for `body` at `timestamp`.
pub fn sign(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let digest = mac(secret, timestamp, body).finalize().into_bytes();
    format!("v0={}", hex::encode(digest))
}

/// Check a request's `timestamp` and `signature` headers against its raw `body`.
pub fn verify(
    secret: &str,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), SignatureError> {
    let timestamp = timestamp.ok_or(SignatureError::BadTimestamp)?;
    let seconds: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| SignatureError::BadTimestamp)?;
    // `abs_diff`: a subtraction would overflow for timestamps near `i64::MIN`/`MAX`.
    if now.timestamp().abs_diff(seconds) > MAX_SKEW_SECONDS.unsigned_abs() {
        return Err(SignatureError::Stale);
    }
    let given = signature
        .and_then(|s| s.trim().strip_prefix("v0="))
        .and_then(|h| hex::decode(h).ok())
        .ok_or(SignatureError::Malformed)?;
    // `verify_slice` compares in constant time.
    mac(secret, timestamp, body)
        .verify_slice(&given)
        .map_err(|_| SignatureError::Mismatch)
}

fn mac(secret: &str, timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    // The example from Slack's "Verifying requests from Slack" page.
    const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    const TS: &str = "1531420618";
    const BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const SIG: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(seconds, 0).unwrap()
    }

    #[test]
    fn slacks_documented_example_signs_and_verifies() {
        assert_eq!(sign(SECRET, TS, BODY.as_bytes()), SIG);
        let now = at(1531420618 + 10);
        assert_eq!(
            verify(SECRET, Some(TS), Some(SIG), BODY.as_bytes(), now),
            Ok(())
        );
    }

    #[test]
    fn a_changed_body_or_secret_is_a_mismatch() {
        let now = at(1531420618);
        let changed = BODY.replace("roadrunner", "coyote");
        assert_eq!(
            verify(SECRET, Some(TS), Some(SIG), changed.as_bytes(), now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("other", Some(TS), Some(SIG), BODY.as_bytes(), now),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_timestamp_more_than_five_minutes_away_is_stale() {
        let body = BODY.as_bytes();
        let ok = at(1531420618 + MAX_SKEW_SECONDS);
        assert_eq!(verify(SECRET, Some(TS), Some(SIG), body, ok), Ok(()));
        let late = at(1531420618 + MAX_SKEW_SECONDS + 1);
        assert_eq!(
            verify(SECRET, Some(TS), Some(SIG), body, late),
            Err(SignatureError::Stale)
        );
        let early = at(1531420618 - MAX_SKEW_SECONDS - 1);
        assert_eq!(
            verify(SECRET, Some(TS), Some(SIG), body, early),
            Err(SignatureError::Stale)
        );
    }

    #[test]
    fn a_timestamp_at_either_end_of_the_range_is_stale_not_an_overflow() {
        let now = at(1531420618);
        for ts in [i64::MIN, i64::MIN + 1531420618, i64::MAX, -1531420618] {
            let ts = ts.to_string();
            let sig = sign(SECRET, &ts, BODY.as_bytes());
            assert_eq!(
                verify(SECRET, Some(&ts), Some(&sig), BODY.as_bytes(), now),
                Err(SignatureError::Stale),
                "{ts}"
            );
        }
    }

    #[test]
    fn missing_or_malformed_headers_are_refused() {
        let now = at(1531420618);
        let body = BODY.as_bytes();
        assert_eq!(
            verify(SECRET, None, Some(SIG), body, now),
            Err(SignatureError::BadTimestamp)
        );
        assert_eq!(
            verify(SECRET, Some("soon"), Some(SIG), body, now),
            Err(SignatureError::BadTimestamp)
        );
        assert_eq!(
            verify(SECRET, Some(TS), None, body, now),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify(SECRET, Some(TS), Some("v1=abcd"), body, now),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify(SECRET, Some(TS), Some("v0=zz"), body, now),
            Err(SignatureError::Malformed)
        );
    }
}
