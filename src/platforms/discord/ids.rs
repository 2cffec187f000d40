//! The Discord ids every handler shares, turned into the domain's: the member a user
//! is, the interview stream a thread holds (and back), and the idempotency key of an
//! invocation. A leaf: it imports nothing else of the Discord adapter.

use super::Context;
use crate::domain::{Actor, Platform, StreamId};
use poise::serenity_prelude as serenity;

/// The member as the domain knows them.
pub fn actor_of(user: &serenity::User) -> Actor {
    Actor::new(Platform::Discord, user.id.to_string(), user.display_name())
}

/// The stream of the interview living in `thread` of `guild`.
pub fn stream_of(guild: serenity::GuildId, thread: serenity::ChannelId) -> StreamId {
    StreamId::new(format!("discord:{guild}:{thread}"))
}

/// The thread of a Discord stream id, for typing indicators.
pub fn thread_of_stream(stream: &StreamId) -> Option<serenity::ChannelId> {
    let rest = stream.as_str().strip_prefix("discord:")?;
    let (_, thread) = rest.split_once(':')?;
    thread
        .parse::<u64>()
        .ok()
        .filter(|id| *id != 0)
        .map(serenity::ChannelId::new)
}

/// The interaction id of a command invocation: the idempotency key of what it appends.
pub fn invocation_id(ctx: Context<'_>) -> u64 {
    match ctx {
        poise::Context::Application(a) => a.interaction.id.get(),
        poise::Context::Prefix(p) => p.msg.id.get(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_id_names_its_thread() {
        let stream = stream_of(serenity::GuildId::new(11), serenity::ChannelId::new(22));
        assert_eq!(stream.as_str(), "discord:11:22");
        assert_eq!(
            thread_of_stream(&stream),
            Some(serenity::ChannelId::new(22))
        );
        assert_eq!(thread_of_stream(&StreamId::new("slack:T:C:1.2")), None);
    }
}
