//! Peer interviews on Slack (issue 16): starting one (`/interview start @member`), the
//! note in the thread and the interviewer's private brief and panel, the interviewer's
//! presses (reveal the next hint, ask the next question, ask the coach privately or
//! aloud, end, leave), the forms (question to the coach, rubric, rating) and Swap roles.
//!
//! Thin, like every handler: one `PeerCommand` through the engine keyed by the action
//! ts or view id; a refusal (a stranger pressing the interviewer's buttons, a bad band)
//! is an ephemeral message to that person and appends nothing. It never shows the brief
//! or a private coach answer to anyone but the interviewer.

use super::{Handler, ReplyTo, capitalise};
use crate::domain::{
    Actor, Band, Command, EndBy, Event, Interview, Mode, PeerCommand, PeerRubric, Place, Platform,
    Problem, StartInterview, StreamId,
};
use crate::engine::EngineError;
use crate::platforms::slack::blocks::{Rendered, mrkdwn};
use crate::platforms::slack::peer::{
    self as view, BAND_FIELDS, FIELD_NOTES, FIELD_QUESTION, FIELD_STARS, FormKind, PeerAction,
    PeerForm, PeerPress,
};
use crate::practice::peer as brief;
use std::time::Duration;

/// How long a private question to the coach is waited for.
const COACH_ANSWER_WAIT: Duration = Duration::from_secs(120);

/// The start command: a peer start when an interviewer is named.
pub(super) fn start(start: StartInterview, interviewer: Option<(Actor, bool)>) -> Command {
    match interviewer {
        Some((interviewer, interviewer_is_bot)) => Command::Peer(PeerCommand::Start {
            start: Box::new(start),
            interviewer,
            interviewer_is_bot,
        }),
        None => Command::StartInterview(start),
    }
}

impl Handler {
    /// The member a mention names, and whether Slack says it is a bot.
    pub(super) async fn peer_interviewer(&self, id: &str) -> (Actor, bool) {
        let name = self
            .api
            .user_name(id)
            .await
            .unwrap_or_else(|| id.to_string());
        let bot = self.api.user_is_bot(id).await;
        (Actor::new(Platform::Slack, id, name), bot)
    }

    /// After a peer start: the note in the thread, and the brief to the interviewer.
    pub(super) async fn peer_announce(&self, place: &Place) {
        let Some(state) = self.load(place).await else {
            return;
        };
        let (Some(started), Some(peer)) = (state.started.as_ref(), state.peer.as_ref()) else {
            return;
        };
        let Place::Slack {
            channel, thread_ts, ..
        } = place
        else {
            return;
        };
        let note = view::intro(&started.candidate.user_id, &peer.interviewer.user_id);
        let key = format!("{}#peer", place.stream_id());
        if let Err(e) = self
            .api
            .post(channel, Some(thread_ts), &note, Some(&key))
            .await
        {
            tracing::warn!(error = %e, "could not post a peer interview's note");
        }
        self.send_brief(&state, channel, thread_ts, &peer.interviewer.user_id)
            .await;
    }

    async fn send_brief(&self, state: &Interview, channel: &str, thread_ts: &str, to: &str) {
        let Some(problem) = bank_problem(self, state) else {
            return;
        };
        let message = view::brief_message(&brief::brief(problem), channel, thread_ts);
        if let Err(e) = self
            .api
            .post_ephemeral_rendered(channel, to, &message)
            .await
        {
            tracing::warn!(error = %e, "could not send the interviewer's brief");
        }
    }

    pub(super) async fn peer_press(&self, p: PeerPress) {
        let place = Place::Slack {
            team: p.team.clone(),
            channel: p.channel.clone(),
            thread_ts: p.thread_ts.clone(),
        };
        let to = ReplyTo {
            channel: &p.channel,
            user: &p.user.id,
            thread_ts: Some(&p.thread_ts),
        };
        let Some(state) = self.load(&place).await else {
            return self
                .tell(&to, "This interview is not in my log any more.")
                .await;
        };
        let by = Actor::new(Platform::Slack, &p.user.id, &p.user.name);
        let at = self.engine.now();
        let command = match p.action {
            PeerAction::AskCoach | PeerAction::AskAloud => {
                let aloud = p.action == PeerAction::AskAloud;
                let probe = PeerCommand::AskCoach {
                    by,
                    question: "?".into(),
                    aloud,
                    at,
                };
                let form = view::ask_view(aloud, &p.channel, &p.thread_ts);
                return self.open_form(&p, &state, probe, form, &to).await;
            }
            PeerAction::Rubric => {
                let band = Band::new(1).ok();
                let Some(band) = band else { return };
                let probe = PeerCommand::FillRubric {
                    by,
                    rubric: PeerRubric {
                        communication: band,
                        problem_solving: band,
                        technical_competency: band,
                        testing: band,
                    },
                    notes: String::new(),
                    at,
                };
                let form = view::rubric_view(&p.channel, &p.thread_ts);
                return self.open_form(&p, &state, probe, form, &to).await;
            }
            PeerAction::Rate => {
                let probe = PeerCommand::RateInterviewer {
                    by,
                    stars: 5,
                    note: String::new(),
                    at,
                };
                let form = view::rate_view(&p.channel, &p.thread_ts);
                return self.open_form(&p, &state, probe, form, &to).await;
            }
            PeerAction::Swap => return self.peer_swap(&p, &state, by, &to).await,
            PeerAction::Hint => Command::Peer(PeerCommand::RevealHint {
                by,
                max_hints: bank_problem(self, &state).map(|b| b.hints.len() as u32),
                at,
            }),
            PeerAction::Question => {
                let asked = state.peer.as_ref().map_or(0, |p| p.questions_asked);
                let follow_ups =
                    bank_problem(self, &state).map_or_else(Vec::new, brief::follow_ups);
                let question = brief::next_question(&follow_ups, asked)
                    .unwrap_or("How would you test your solution?")
                    .to_string();
                Command::Peer(PeerCommand::AskQuestion { by, question, at })
            }
            PeerAction::Leave => Command::Peer(PeerCommand::Leave { by, at }),
            PeerAction::End => Command::EndInterview {
                by: EndBy::Member(by),
                at,
            },
        };
        let key = format!("slack:action:{}:{}", p.team, p.action_ts);
        self.peer_run(&place, command, &key, &to).await;
    }

    /// Runs a move and tells the thread what it did.
    async fn peer_run(&self, place: &Place, command: Command, key: &str, to: &ReplyTo<'_>) {
        let executed = match self
            .engine
            .execute(&place.stream_id(), command, Some(key))
            .await
        {
            Ok(executed) if !executed.duplicate => executed,
            Ok(_) => return,
            Err(EngineError::Refused(e)) => {
                return self.tell(to, &capitalise(&e.to_string())).await;
            }
            Err(e) => {
                tracing::error!(error = %e, "a peer move failed on Slack");
                return self
                    .tell(to, "Something went wrong saving that; please try again.")
                    .await;
            }
        };
        let state = &executed.state;
        let ladder = bank_problem(self, state).map_or_else(Vec::new, |p| p.hints.clone());
        let Some(line) = executed
            .events
            .iter()
            .find_map(|r| brief::thread_line(&ladder, state, &r.event))
        else {
            return;
        };
        let text = mrkdwn(&line);
        let message = if state.ended.is_some() {
            view::with_after(&text, to.channel, to.thread_ts.unwrap_or_default())
        } else {
            Rendered { text, blocks: None }
        };
        let thread = to.thread_ts;
        if let Err(e) = self.api.post(to.channel, thread, &message, Some(key)).await {
            tracing::warn!(error = %e, "could not post a peer move in its thread");
        }
    }

    /// Checks `probe` (a refusal is told at once), then opens `form`.
    async fn open_form(
        &self,
        p: &PeerPress,
        state: &Interview,
        probe: PeerCommand,
        form: serde_json::Value,
        to: &ReplyTo<'_>,
    ) {
        if let Err(e) = self.engine.check(state, Command::Peer(probe)) {
            return self.tell(to, &capitalise(&e.to_string())).await;
        }
        if let Err(e) = self.api.open_view(&p.trigger_id, form).await {
            tracing::warn!(error = %e, "could not open a peer form");
            self.tell(to, "I could not open the form; please try again.")
                .await;
        }
    }

    pub(super) async fn peer_form(&self, f: PeerForm) {
        let place = Place::Slack {
            team: f.team.clone(),
            channel: f.channel.clone(),
            thread_ts: f.thread_ts.clone(),
        };
        let to = ReplyTo {
            channel: &f.channel,
            user: &f.user.id,
            thread_ts: Some(&f.thread_ts),
        };
        let by = Actor::new(Platform::Slack, &f.user.id, &f.user.name);
        let at = self.engine.now();
        let key = format!("slack:view:{}", f.view_id);
        match f.kind {
            FormKind::Ask { aloud } => {
                let question = f.field(FIELD_QUESTION).to_string();
                let command = PeerCommand::AskCoach {
                    by,
                    question,
                    aloud,
                    at,
                };
                self.ask_coach(&place, command, aloud, &key, &to).await
            }
            FormKind::Rubric => {
                let rubric = match read_rubric(&f) {
                    Ok(r) => r,
                    Err(why) => return self.tell(&to, &why).await,
                };
                let name = by.name.clone();
                let command = PeerCommand::FillRubric {
                    by,
                    rubric,
                    notes: f.field(FIELD_NOTES).to_string(),
                    at,
                };
                match self
                    .engine
                    .execute(&place.stream_id(), Command::Peer(command), Some(&key))
                    .await
                {
                    Ok(executed) if !executed.duplicate => {
                        let coach = executed
                            .state
                            .peer
                            .as_ref()
                            .and_then(|p| p.coach_rubric.clone());
                        let text = mrkdwn(&brief::rubric_reply(&name, &rubric, coach.as_ref()));
                        let message = Rendered { text, blocks: None };
                        if let Err(e) = self
                            .api
                            .post(&f.channel, Some(&f.thread_ts), &message, Some(&key))
                            .await
                        {
                            tracing::warn!(error = %e, "could not post the rubric in its thread");
                        }
                    }
                    Ok(_) => {}
                    Err(EngineError::Refused(e)) => {
                        self.tell(&to, &capitalise(&e.to_string())).await
                    }
                    Err(e) => tracing::error!(error = %e, "a rubric failed on Slack"),
                }
            }
            FormKind::Rate => {
                let typed = f.field(FIELD_STARS).trim().to_string();
                let Some(stars) = typed.parse::<u8>().ok().filter(|s| (1..=5).contains(s)) else {
                    let why = format!(
                        "Stars must be a whole number from 1 to 5; you wrote {typed:?}. Nothing was saved: press *Rate interviewer* again."
                    );
                    return self.tell(&to, &why).await;
                };
                let command = PeerCommand::RateInterviewer {
                    by,
                    stars,
                    note: f.field(FIELD_NOTES).to_string(),
                    at,
                };
                if self
                    .run(&place, Command::Peer(command), &key, &to, |_| false)
                    .await
                {
                    let thanks =
                        format!("Thanks! Your {stars}/5 goes into your interviewer's stats.");
                    self.tell(&to, &thanks).await;
                }
            }
        }
    }

    /// Asks the coach; a private answer is awaited on the feed and shown to the asker.
    async fn ask_coach(
        &self,
        place: &Place,
        command: PeerCommand,
        aloud: bool,
        key: &str,
        to: &ReplyTo<'_>,
    ) {
        let stream = place.stream_id();
        let mut feed = self.engine.listen();
        let version = match self
            .engine
            .execute(&stream, Command::Peer(command), Some(key))
            .await
        {
            Ok(executed) => executed.events.last().map(|r| r.version),
            Err(EngineError::Refused(e)) => {
                return self.tell(to, &capitalise(&e.to_string())).await;
            }
            Err(e) => {
                tracing::error!(error = %e, "a question to the coach failed on Slack");
                return;
            }
        };
        if aloud {
            return self
                .tell(to, "Asked: the coach answers in the thread.")
                .await;
        }
        let Some(version) = version else { return };
        let answer = wait_answer(&mut feed, &stream, version).await;
        let text = match answer {
            Some(Event::CoachReplied(e)) => {
                format!("🤫 The coach (only you see this):\n{}", mrkdwn(&e.text))
            }
            Some(Event::CoachFailed(e)) => format!("The coach could not answer: {}", e.message),
            _ => "The coach is still thinking; ask again in a minute.".to_string(),
        };
        self.tell(to, &text).await;
    }

    /// Swap roles: record it, post the new problem's root message, start the mirror.
    async fn peer_swap(&self, p: &PeerPress, state: &Interview, by: Actor, to: &ReplyTo<'_>) {
        let (Some(started), Some(peer)) = (state.started.as_ref(), state.peer.as_ref()) else {
            return;
        };
        let mut done = self
            .queries
            .problems_done(&started.candidate.member_id())
            .await
            .unwrap_or_default();
        done.extend(
            self.queries
                .problems_done(&peer.interviewer.member_id())
                .await
                .unwrap_or_default(),
        );
        if let Problem::Bank { id, .. } = &started.problem {
            done.insert(id.clone());
        }
        let selection = crate::problems::Selection {
            difficulty: started.difficulty.map(|d| d.as_str().to_string()),
            topic: None,
        };
        let Some(problem) = self
            .problems
            .select_random(&selection, &done)
            .filter(|p| !done.contains(&p.id))
            .cloned()
        else {
            return self.tell(to, "There is no bank problem left that neither of you has done at this difficulty.").await;
        };
        let place = Place::Slack {
            team: p.team.clone(),
            channel: p.channel.clone(),
            thread_ts: p.thread_ts.clone(),
        };
        let mark = Command::Peer(PeerCommand::Swap {
            by,
            at: self.engine.now(),
        });
        let key = format!("slack:action:{}:{}", p.team, p.action_ts);
        if !self.run(&place, mark, &key, to, |_| false).await {
            return;
        }
        let command = StartInterview {
            interview_id: uuid::Uuid::new_v4(),
            place: place.clone(),
            candidate: peer.interviewer.clone(),
            problem: Problem::Bank {
                id: problem.id.clone(),
                version: problem.version,
                title: problem.title.clone(),
            },
            language: started.language.clone(),
            difficulty: started.difficulty,
            time_limit_minutes: started.time_limit_minutes,
            mode: Mode::Solo,
            coach: self.coach.clone(),
            at: self.engine.now(),
        };
        let to_new = ReplyTo {
            channel: &p.channel,
            user: &p.user.id,
            thread_ts: None,
        };
        let Some(root) = self
            .post_root(
                &p.channel,
                &peer.interviewer.user_id,
                &problem,
                &command,
                &to_new,
            )
            .await
        else {
            return;
        };
        let new_place = Place::Slack {
            team: p.team.clone(),
            channel: p.channel.clone(),
            thread_ts: root,
        };
        let mirrored = StartInterview {
            place: new_place.clone(),
            ..command
        };
        let start = start(mirrored, Some((started.candidate.clone(), false)));
        let key = format!("slack:swap:{}:{}", p.team, p.action_ts);
        if self.run(&new_place, start, &key, &to_new, |_| false).await {
            self.peer_announce(&new_place).await;
        }
    }
}

/// The bank problem of the interview, when it is one.
fn bank_problem<'a>(h: &'a Handler, state: &Interview) -> Option<&'a crate::problems::BankProblem> {
    match &state.started.as_ref()?.problem {
        Problem::Bank { id, version, .. } => h
            .problems
            .get_version(id, *version)
            .or_else(|| h.problems.get(id)),
        Problem::Custom { .. } => None,
    }
}

/// The four bands typed into the form, or the message naming the first bad one.
fn read_rubric(f: &PeerForm) -> Result<PeerRubric, String> {
    let mut bands = Vec::with_capacity(4);
    for name in BAND_FIELDS {
        let typed = f.field(name);
        let band = brief::parse_band(typed).ok_or_else(|| {
            format!(
                "{} must be a band from 1 to 4 (or not yet, developing, solid, strong); you wrote {:?}. Nothing was saved: press *Fill rubric* again.",
                name.replace('_', " "),
                typed.trim()
            )
        })?;
        bands.push(band);
    }
    Ok(PeerRubric {
        communication: bands[0],
        problem_solving: bands[1],
        technical_competency: bands[2],
        testing: bands[3],
    })
}

/// The coach's answer to `version` of `stream`, from the feed, within the wait.
async fn wait_answer(
    feed: &mut crate::engine::FeedReceiver,
    stream: &StreamId,
    version: u64,
) -> Option<Event> {
    tokio::time::timeout(COACH_ANSWER_WAIT, async {
        loop {
            match feed.recv().await {
                Ok(r) if &r.stream_id == stream && r.event.reply_to() == Some(version) => {
                    return Some(r.event.clone());
                }
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(_) => return None,
            }
        }
    })
    .await
    .ok()
    .flatten()
}
