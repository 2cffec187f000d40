//! The slash-command definitions as Discord receives them, for review and manual
//! registration (`interview-coach discord manifest`).

use poise::serenity_prelude as serenity;

/// The JSON array that registration sends to Discord.
pub fn manifest() -> serde_json::Value {
    let commands: Vec<serenity::CreateCommand> =
        poise::builtins::create_application_commands(&super::commands::all());
    serde_json::to_value(commands).unwrap_or_default()
}
