//! The read API over every interview in the log, whatever its platform: the list with
//! filters, one transcript and a member's progress (share links are `sharing`'s).
//!
//! Handlers are thin: parse the query, ask the query door (which brings the read models
//! up to date first), render JSON. They never write events.

use super::transcript::{self, Transcript};
use super::views::Person;
use super::{ApiError, Web};
use crate::domain::{Event, Rubric};
use crate::queries::InterviewFilter;
use axum::Json;
use axum::extract::{Path, Query, State};
use chrono::{DateTime, Utc};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Interviews listed when no `limit` is given, and the most a request may ask for.
const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 1000;
/// Interviews of one member read for a progress chart.
const MAX_PROGRESS_INTERVIEWS: u32 = 500;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    platform: Option<String>,
    place: Option<String>,
    member: Option<String>,
    phase: Option<String>,
    limit: Option<u32>,
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// `GET /api/interviews`: newest first.
pub async fn list(
    State(web): State<Web>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let filter = InterviewFilter {
        platform: non_empty(q.platform),
        place: non_empty(q.place),
        member: non_empty(q.member),
        phase: non_empty(q.phase),
        open_only: false,
        limit: Some(q.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)),
    };
    let rows = web.queries().interviews(&filter).await?;
    // issue 16: each listed interview is read (a few at a time) for its peer summary.
    let streams: Vec<crate::domain::StreamId> = rows.iter().map(|r| r.stream()).collect();
    let peers: Vec<Option<crate::practice::peer::PeerSummary>> = futures::stream::iter(streams)
        .map(|stream| peer_summary(web.clone(), stream))
        .buffered(PEER_READS)
        .collect()
        .await;
    // issue 16: daily. Each row, marked with its day when it is a daily problem.
    let mut rows = super::daily::rows_with_days(&web, &rows).await?;
    for (row, peer) in rows.iter_mut().zip(peers) {
        if let (Some(object), Some(peer)) = (row.as_object_mut(), peer) {
            object.insert("peer".to_string(), json!(peer));
        }
    }
    // issue 16: duel: a duelist's interview says so.
    super::duels::mark_rows(&web, &mut rows).await?;
    Ok(Json(json!({ "interviews": rows })))
}

/// Streams read at once for the list's peer summaries.
const PEER_READS: usize = 8;

/// The peer summary of a listed interview; `None` for other interviews (or when its
/// stream cannot be read, which the list survives).
async fn peer_summary(
    web: Web,
    stream: crate::domain::StreamId,
) -> Option<crate::practice::peer::PeerSummary> {
    let events = web.queries().events(&stream).await.ok()?;
    let state = crate::domain::Interview::from_events(events.iter().map(|r| &r.event));
    crate::practice::peer::summary_of(&state)
}

/// `GET /api/interviews/{id}`: by interview id or stream id.
pub async fn show(
    State(web): State<Web>,
    Path(id): Path<String>,
) -> Result<Json<Transcript>, ApiError> {
    transcript_of(&web, &id).await.map(Json)
}

async fn transcript_of(web: &Web, id: &str) -> Result<Transcript, ApiError> {
    let loaded = web
        .queries()
        .find(id)
        .await?
        .ok_or(ApiError::NotFound("interview not found"))?;
    transcript::build(&loaded, web.problems()).ok_or(ApiError::NotFound("interview not found"))
}

#[derive(Debug, Serialize)]
struct Point {
    interview_id: String,
    at: DateTime<Utc>,
    problem_title: String,
    score: u8,
    rubric: Rubric,
}

/// `GET /api/members/{member_id}/progress`: every code analysis of the member's
/// interviews, oldest first, with the member's stats and a problem to try next.
pub async fn progress(
    State(web): State<Web>,
    Path(member_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let filter = InterviewFilter {
        member: Some(member_id.clone()),
        limit: Some(MAX_PROGRESS_INTERVIEWS),
        ..InterviewFilter::default()
    };
    let rows = web.queries().interviews(&filter).await?;
    let Some(latest) = rows.first() else {
        return Err(ApiError::NotFound("member not found"));
    };
    let member = Person {
        id: member_id,
        name: latest.candidate_name.clone(),
    };
    let mut points = Vec::new();
    // issue 16: peer interviews, with both rubrics side by side.
    let mut peer_interviews = Vec::new();
    for row in rows.iter().rev() {
        let events = web.queries().events(&row.stream()).await?;
        let state = crate::domain::Interview::from_events(events.iter().map(|r| &r.event));
        if let Some(summary) = crate::practice::peer::summary_of(&state) {
            peer_interviews.push(json!({
                "interview_id": row.interview_id,
                "at": row.started_at,
                "problem_title": row.problem_title,
                "summary": summary,
            }));
        }
        points.extend(events.iter().filter_map(|r| match &r.event {
            Event::CodeAnalyzed(a) => Some(Point {
                interview_id: row.interview_id.clone(),
                at: a.at,
                problem_title: row.problem_title.clone(),
                score: a.analysis.score.get(),
                rubric: a.analysis.rubric.clone(),
            }),
            _ => None,
        }));
    }
    points.sort_by_key(|p| p.at);
    let stats = web
        .queries()
        .member_stats(&member.id, None, web.problems())
        .await?;
    let next =
        crate::practice::stats::suggest(&stats, web.problems(), |n| rand::random_range(0..n));
    // issue 16: daily
    let daily = super::daily::streaks(&web, &member.id).await?;
    // issue 16: duel
    let (duels, ratings) = super::duels::progress(&web, &member.id).await?;
    // issue 16: peer; the notes about an interviewer are for them alone, never the page's.
    let as_interviewer = web
        .queries()
        .interviewer_stats(&member.id, None, false)
        .await?;
    Ok(Json(json!({
        "member": member, "points": points, "stats": stats, "next": next,
        "daily": daily, "duels": duels, "duel_ratings": ratings,
        "peer_interviews": peer_interviews,
        "as_interviewer": (!as_interviewer.is_empty()).then_some(as_interviewer),
    })))
}
