//! The checkpoint compare-and-swap shared by the read models' SQL, the multi-row
//! inserts their rows are saved with, and the `IN (...)` list a batch's rows are loaded
//! with.

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

/// Most rows one multi-row insert carries: 21 columns each keeps it far under both
/// databases' limits on parameters (SQLite 32,766, Postgres 65,535).
pub(super) const ROWS_PER_STATEMENT: usize = 400;

/// Inside a write transaction `$tx` over database `$db`: insert `$rows` with one
/// statement per [`ROWS_PER_STATEMENT`] rows instead of one per row (each statement
/// is a round trip, on SQLite a hop to the connection's thread and back). `$into` is
/// the `INSERT INTO table (columns) ` part, `$push` binds one row's values in column
/// order to `$b`, and `$tail` is the conflict clause. A statement's rows must not
/// repeat a conflict key (Postgres refuses to update one row twice in a statement): the
/// read models save one row per stream, day or position.
macro_rules! insert_rows {
    ($tx:ident, $db:ty, $into:expr, $tail:expr, $rows:expr, |$b:ident, $r:ident| $push:block) => {
        for chunk in $rows.chunks($crate::store::checkpoint::ROWS_PER_STATEMENT) {
            let mut insert = sqlx::QueryBuilder::<$db>::new($into);
            insert.push_values(chunk, |mut $b, $r| $push);
            insert.push($tail);
            // Statements of a few rows recur and stay prepared; longer ones are rare.
            insert
                .build()
                .persistent(chunk.len() <= 8)
                .execute(&mut *$tx)
                .await?;
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
