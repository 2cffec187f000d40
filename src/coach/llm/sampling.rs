//! The extra sampling controls the OpenAI-compatible client may add to the coach's text
//! turns, so a small local model ends its reply instead of repeating itself until the
//! token limit: OpenAI's standard `frequency_penalty` and `presence_penalty`, and any
//! server-specific fields (llama.cpp's `repeat_penalty`, `dry_multiplier`, ...) given
//! as one JSON object.
//!
//! Every one of them is off unless configured (`OPENAI_FREQUENCY_PENALTY`,
//! `OPENAI_PRESENCE_PENALTY`, `OPENAI_EXTRA_BODY`): some hosted endpoints refuse fields
//! they do not know, or the penalties themselves (reasoning models), so the client must
//! never send one nobody asked for. An extra field must never replace a field the client
//! writes itself (the model, the messages, the schema...): such a setting is refused at
//! start. Structured turns never get them (the grammar already bounds those answers,
//! and a penalty on repeated tokens fights JSON's repeated quotes and braces).

use serde::Serialize;

/// The fields the client writes itself, which `OPENAI_EXTRA_BODY` may not set.
pub const RESERVED: [&str; 9] = [
    "model",
    "messages",
    "max_tokens",
    "temperature",
    "tools",
    "tool_choice",
    "response_format",
    "stream",
    "stream_options",
];

/// What text turns add to their request. `Default` adds nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sampling {
    /// OpenAI's `frequency_penalty` (-2.0 to 2.0).
    pub frequency_penalty: Option<f32>,
    /// OpenAI's `presence_penalty` (-2.0 to 2.0).
    pub presence_penalty: Option<f32>,
    /// Further top-level fields, for the server's own dialect.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The standard half, serialized next to the client's own fields.
#[derive(Serialize, Default)]
pub(crate) struct Penalties {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequency_penalty: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub presence_penalty: Option<f32>,
}

impl Sampling {
    /// Whether nothing is added.
    pub fn is_empty(&self) -> bool {
        self.frequency_penalty.is_none() && self.presence_penalty.is_none() && self.extra.is_empty()
    }

    pub(crate) fn penalties(&self) -> Penalties {
        Penalties {
            frequency_penalty: self.frequency_penalty,
            presence_penalty: self.presence_penalty,
        }
    }
}

/// Why a sampling setting was refused at start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SamplingError {
    #[error("OPENAI_EXTRA_BODY must be a JSON object, e.g. {{\"repeat_penalty\": 1.3}}: {0}")]
    NotAnObject(String),
    #[error("OPENAI_EXTRA_BODY may not set `{0}`: the client writes that field itself")]
    Reserved(String),
    #[error("a penalty must be a number from -2.0 to 2.0, got {0}")]
    Penalty(String),
}

/// `OPENAI_EXTRA_BODY`: a JSON object none of whose keys is [`RESERVED`].
pub fn parse_extra_body(
    text: &str,
) -> Result<serde_json::Map<String, serde_json::Value>, SamplingError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| SamplingError::NotAnObject(e.to_string()))?;
    let serde_json::Value::Object(map) = value else {
        return Err(SamplingError::NotAnObject("not an object".into()));
    };
    if let Some(key) = map.keys().find(|k| RESERVED.contains(&k.as_str())) {
        return Err(SamplingError::Reserved(key.clone()));
    }
    Ok(map)
}

/// `OPENAI_FREQUENCY_PENALTY` / `OPENAI_PRESENCE_PENALTY`: OpenAI's range, -2.0 to 2.0.
pub fn parse_penalty(text: &str) -> Result<f32, SamplingError> {
    match text.trim().parse::<f32>() {
        Ok(p) if (-2.0..=2.0).contains(&p) => Ok(p),
        _ => Err(SamplingError::Penalty(text.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_extra_body_object_of_server_fields_is_accepted() {
        let map = parse_extra_body(r#"{"repeat_penalty": 1.3, "dry_multiplier": 0.8}"#).unwrap();
        assert_eq!(map.len(), 2);
    }

    #[test]
    fn an_extra_body_that_is_not_an_object_is_refused_clearly() {
        for text in ["[1]", "1.3", "repeat_penalty=1.3"] {
            assert!(
                parse_extra_body(text)
                    .unwrap_err()
                    .to_string()
                    .contains("must be a JSON object"),
                "{text}"
            );
        }
    }

    #[test]
    fn an_extra_body_may_not_replace_the_clients_own_fields() {
        assert_eq!(
            parse_extra_body(r#"{"max_tokens": 99999}"#),
            Err(SamplingError::Reserved("max_tokens".into()))
        );
    }

    #[test]
    fn penalties_are_kept_to_openais_range() {
        assert_eq!(parse_penalty("0.5"), Ok(0.5));
        assert_eq!(parse_penalty("-2"), Ok(-2.0));
        assert!(parse_penalty("2.5").is_err());
        assert!(parse_penalty("high").is_err());
    }

    #[test]
    fn nothing_configured_adds_nothing() {
        assert!(Sampling::default().is_empty());
        let json = serde_json::to_string(&Sampling::default().penalties()).unwrap();
        assert_eq!(json, "{}");
    }
}
