//! The checkpoint compare-and-swap shared by the read models' SQL, and the `IN (...)`
//! list a batch's rows are loaded with.

/// Inside a read model's write transaction `$tx`: move checkpoint `$name` from
/// `$from` to `$to` by compare-and-swap (a first checkpoint is inserted), so two
/// instances catching up at once never fold the same events twice. When another
/// instance moved it first, roll back and return `Ok(false)` from the enclosing
/// function. Both backends and both read models use it.
macro_rules! take_checkpoint {
    ($tx:ident, $name:expr, $from:expr, $to:expr) => {
        let moved = if $from == 0 {
            sqlx::query(
                "INSERT INTO projection_checkpoints (name, position) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            )
            .bind($name)
            .bind($to)
            .execute(&mut *$tx)
            .await?
            .rows_affected()
        } else {
            sqlx::query(
                "UPDATE projection_checkpoints SET position = $3 WHERE name = $1 AND position = $2",
            )
            .bind($name)
            .bind($from)
            .bind($to)
            .execute(&mut *$tx)
            .await?
            .rows_affected()
        };
        if moved != 1 {
            $tx.rollback().await?;
            return Ok(false);
        }
    };
}

/// The distinct stream ids of a batch, and `$1, $2, ...` for an `IN (...)` list of
/// them: a projection loads the rows a batch touches in one query.
pub(super) fn distinct_ids(stream_ids: &[String]) -> (Vec<&String>, String) {
    let mut seen = std::collections::HashSet::new();
    let ids: Vec<&String> = stream_ids.iter().filter(|id| seen.insert(*id)).collect();
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    (ids, marks.join(", "))
}
