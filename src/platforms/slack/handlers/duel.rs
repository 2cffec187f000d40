//! `/duel` and the duel offer's buttons on Slack (issue 16). The offer is checked by the
//! engine before it is posted; Accept is checked (a dry run) before anything is
//! posted, then each duelist gets a root message of their own in their direct messages
//! with the bot (their interview's thread, which the rival cannot see) on the same bank
//! problem, both interviews start at the same
//! clock reading, and `DuelStarted` links them to the duel. Refusals are ephemeral and
//! append nothing. It must never decide a duel's rules itself.

use super::{Handler, ReplyTo, capitalise};
use crate::domain::{
    Actor, DEFAULT_DUEL_MINUTES, Duel, DuelCommand, OfferDuel, Place, Platform, StreamId,
};
use crate::engine::{DuelError, duel_stream};
use crate::platforms::slack::blocks::{self, RootInfo};
use crate::platforms::slack::duel::{self as parse, DuelArgs};
use crate::platforms::slack::inbound::{DuelPress, SlashCommand};
use crate::practice::duel as say;
use crate::problems::{BankProblem, Selection};
use crate::queries::QueryError;

impl Handler {
    /// `/duel ratings` or `/duel @member [difficulty] [topic] [minutes]`.
    pub(super) async fn duel(
        &self,
        c: &SlashCommand,
        server: &str,
        to: &ReplyTo<'_>,
    ) -> Result<(), QueryError> {
        let topics = say::bank_topics(&self.problems);
        let (opponent, difficulty, topic, minutes) = match parse::parse(&c.text, &topics) {
            Err(usage) => {
                self.tell(to, &usage).await;
                return Ok(());
            }
            Ok(DuelArgs::Ratings) => {
                let standings = self.queries.duel_ratings(server).await?;
                self.tell(to, &say::ratings_text(&standings, 20)).await;
                return Ok(());
            }
            Ok(DuelArgs::Challenge {
                opponent,
                difficulty,
                topic,
                minutes,
            }) => (opponent, difficulty, topic, minutes),
        };
        // Socket Mode's slash commands carry no name: ask Slack.
        let name = if c.user.name == c.user.id {
            self.api
                .user_name(&c.user.id)
                .await
                .unwrap_or(c.user.id.clone())
        } else {
            c.user.name.clone()
        };
        let challenger = Actor::new(Platform::Slack, &c.user.id, name);
        let (name, is_bot) = match self.api.user_info(&opponent).await {
            Some(info) => info,
            None => (opponent.clone(), false),
        };
        let opponent = Actor::new(Platform::Slack, &opponent, name);
        let stream = duel_stream(Platform::Slack, uuid::Uuid::new_v4());
        let command = DuelCommand::Offer(OfferDuel {
            duel_id: uuid::Uuid::new_v4(),
            community: server.to_string(),
            channel: c.channel.clone(),
            challenger_busy: self.queries.in_duel(&challenger, None).await?,
            opponent_busy: self.queries.in_duel(&opponent, None).await?,
            challenger,
            opponent,
            opponent_is_bot: is_bot,
            difficulty,
            topic,
            minutes: if minutes == 0 {
                DEFAULT_DUEL_MINUTES
            } else {
                minutes
            },
            at: self.engine.now(),
        });
        let key = format!("slack:duel:offer:{}", c.trigger_id);
        match self.engine.execute_duel(&stream, command, Some(&key)).await {
            Ok(done) if !done.duplicate => {
                let offer = parse::offer_message(&say::offer_text(&done.state), stream.as_str());
                if let Err(e) = self.api.post(&c.channel, None, &offer, None).await {
                    tracing::warn!(error = %e, "could not post a duel offer");
                    self.tell(to, "I could not post the offer in this channel; invite me with `/invite @interview-coach`.").await;
                }
            }
            Ok(_) => {}
            Err(DuelError::Refused(why)) => self.tell(to, &capitalise(&why.to_string())).await,
            Err(e) => {
                tracing::error!(error = %e, "Slack /duel failed");
                self.tell(to, "Something went wrong saving that; please try again.")
                    .await;
            }
        }
        Ok(())
    }

    /// A press on an offer's Accept or Decline.
    pub(super) async fn duel_press(&self, d: DuelPress) {
        let to = ReplyTo {
            channel: &d.channel,
            user: &d.user.id,
            thread_ts: None,
        };
        let stream = StreamId::new(&d.stream);
        let by = Actor::new(Platform::Slack, &d.user.id, &d.user.name);
        let duel = match self.queries.duel(&stream).await {
            Ok(Some(duel)) => duel,
            Ok(None) => return self.tell(&to, "This duel no longer exists.").await,
            Err(e) => {
                tracing::error!(error = %e, "cannot read a duel");
                return self
                    .tell(&to, "Something went wrong; please try again.")
                    .await;
            }
        };
        let now = self.engine.now();
        let text = if d.accept {
            self.accept(&d, &stream, &duel, by).await
        } else {
            let key = format!("slack:duel:decline:{}:{}", d.team, d.action_ts);
            let decline = DuelCommand::Decline { by, at: now };
            match self.engine.execute_duel(&stream, decline, Some(&key)).await {
                Ok(_) => "You declined the duel.".to_string(),
                Err(DuelError::Refused(why)) => capitalise(&why.to_string()),
                Err(e) => {
                    tracing::error!(error = %e, "Slack duel decline failed");
                    "Something went wrong; please try again.".to_string()
                }
            }
        };
        self.tell(&to, &text).await;
    }

    /// Checks the accept, then opens both interviews and starts the duel; what to
    /// tell the member who pressed.
    async fn accept(&self, d: &DuelPress, stream: &StreamId, duel: &Duel, by: Actor) -> String {
        let busy = self
            .queries
            .in_duel(&by, Some(stream))
            .await
            .unwrap_or(false);
        let check = DuelCommand::Accept {
            by: by.clone(),
            busy,
            at: self.engine.now(),
        };
        if let Err(why) = self.engine.check_duel(duel, check) {
            return capitalise(&why.to_string());
        }
        let Some(offer) = &duel.offer else {
            return "This duel no longer exists.".to_string();
        };
        let Some(problem) = self.duel_problem(duel).await else {
            return "No bank problem fits this duel's difficulty and topic.".to_string();
        };
        let at = self.engine.now();
        let mut interviews = vec![];
        for member in [&offer.challenger, &offer.opponent] {
            let root = blocks::root_message(&RootInfo {
                title: &format!("{} (duel)", problem.title),
                statement: &problem.full_statement(),
                candidate_id: &member.user_id,
                difficulty: Some(problem.difficulty.as_str()),
                language: None,
                deadline: Some(at + chrono::Duration::minutes(i64::from(offer.minutes))),
            });
            // Slack has no private threads: each duelist's interview is a thread in
            // their direct messages with the bot, where the rival cannot read it.
            let posted = match self.api.open_dm(&member.user_id).await {
                Ok(dm) => self
                    .api
                    .post(&dm, None, &root, None)
                    .await
                    .map(|ts| (dm, ts)),
                Err(e) => Err(e),
            };
            let (channel, thread_ts) = match posted {
                Ok(posted) => posted,
                Err(e) => {
                    tracing::warn!(error = %e, "could not post a duelist's root message");
                    return "I could not write to a duelist in direct messages, so the duel did not start.".into();
                }
            };
            let place = Place::Slack {
                team: d.team.clone(),
                channel,
                thread_ts,
            };
            let key = format!("slack:duel:interview:{stream}:{}", member.member_id());
            let start = say::duelist_start(
                place.clone(),
                member,
                problem,
                offer.minutes,
                self.coach.clone(),
                at,
            );
            if let Err(e) = self
                .engine
                .execute(&place.stream_id(), start, Some(&key))
                .await
            {
                tracing::error!(error = %e, "could not start a duelist's interview");
                return "Something went wrong starting the duel; please try again.".into();
            }
            interviews.push(place.stream_id());
        }
        let command = DuelCommand::Start {
            by,
            busy,
            problem_id: problem.id.clone(),
            challenger_interview: interviews[0].clone(),
            opponent_interview: interviews[1].clone(),
            at,
        };
        let key = format!("slack:duel:start:{stream}");
        match self.engine.execute_duel(stream, command, Some(&key)).await {
            Ok(_) => "The duel is on! Your problem is in your direct messages with me; reply in its thread. The first to pass every hidden test wins.".into(),
            Err(DuelError::Refused(why)) => capitalise(&why.to_string()),
            Err(e) => {
                tracing::error!(error = %e, "could not start a duel");
                "Something went wrong starting the duel; please try again.".into()
            }
        }
    }

    /// The same bank problem for both, preferring one neither has done.
    async fn duel_problem(&self, duel: &Duel) -> Option<&BankProblem> {
        let offer = duel.offer.as_ref()?;
        let mut done = std::collections::HashSet::new();
        for member in [&offer.challenger, &offer.opponent] {
            done.extend(self.queries.problems_done(&member.member_id()).await.ok()?);
        }
        let selection = Selection {
            difficulty: offer.difficulty.map(|d| d.as_str().to_string()),
            topic: offer.topic.clone(),
        };
        let roll = rand::random_range(0..10_000usize);
        self.problems.select(&selection, &done, |n| roll % n)
    }
}
