//! The daily problem on the web page (issue 16): which rows of the interview list are
//! a community's daily problem (`daily`: the day), and a member's streaks for their
//! progress page. Read through the query door only; it never writes.

use super::views::RowView;
use super::{ApiError, Web};
use crate::queries::InterviewRow;
use serde_json::{Value, json};

/// The list's rows as JSON, each daily interview with `"daily": "<day>"`.
pub async fn rows_with_days(web: &Web, rows: &[InterviewRow]) -> Result<Vec<Value>, ApiError> {
    let days: Vec<Option<String>> = web
        .queries()
        .daily_board(|board| {
            rows.iter()
                .map(|r| board.daily_day(&r.stream()).map(|d| d.to_string()))
                .collect()
        })
        .await?;
    Ok(rows
        .iter()
        .zip(days)
        .map(|(row, day)| {
            let mut value = serde_json::to_value(RowView::from(row)).unwrap_or(Value::Null);
            if let (Some(day), Some(object)) = (day, value.as_object_mut()) {
                object.insert("daily".to_string(), json!(day));
            }
            value
        })
        .collect())
}

/// `member_id`'s daily streaks, one per community where they solved a day.
pub async fn streaks(web: &Web, member_id: &str) -> Result<Value, ApiError> {
    let now = web.engine().now();
    let streaks = web
        .queries()
        .daily_board(|board| board.member_streaks(member_id, now))
        .await?;
    Ok(Value::Array(
        streaks
            .into_iter()
            .map(|(community, s)| {
                json!({
                    "community": community,
                    "current": s.current,
                    "longest": s.longest,
                    "solved": s.solved,
                    "solved_today": s.solved_today,
                })
            })
            .collect(),
    ))
}
