use tuijin_domain::{Id, Invalid, Problem};

/// What can go wrong in storage. Constraint violations become
/// [`StoreError::Invalid`] naming the field, so callers never see raw
/// database messages.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{entity} {id} not found")]
    NotFound { entity: &'static str, id: Id },
    /// The caller's version is stale; `current` is the state now stored.
    #[error("version conflict")]
    Conflict { current: serde_json::Value },
    #[error("invalid: {0}")]
    Invalid(Invalid),
    #[error("operation not supported by this backend: {0}")]
    Unsupported(&'static str),
    #[error(transparent)]
    Database(sqlx::Error),
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
}

impl From<Invalid> for StoreError {
    fn from(i: Invalid) -> Self {
        StoreError::Invalid(i)
    }
}

/// A unique index refusing a row is the user's error, whichever write hit
/// it. The writes check uniqueness first and name the value, but two
/// writers at once on PostgreSQL can both pass that check; the index then
/// stops the second, and it must read the same as the check would have.
impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match unique_field(&e) {
            Some((field, value)) => Invalid::one(field, Problem::Duplicate { value }).into(),
            None => StoreError::Database(e),
        }
    }
}

/// The unique keys users meet: (table, the column whose field is named).
const UNIQUE_KEYS: [(&str, &str); 5] = [
    ("units", "name"),
    ("key_works", "name"),
    ("tasks", "code"),
    ("users", "username"),
    ("task_relations", "successor_id"),
];

/// The field (and, where the database says it, the value) of a unique
/// violation on one of [`UNIQUE_KEYS`].
fn unique_field(e: &sqlx::Error) -> Option<(&'static str, String)> {
    let sqlx::Error::Database(d) = e else { return None };
    if d.kind() != sqlx::error::ErrorKind::UniqueViolation {
        return None;
    }
    // PostgreSQL names the constraint ("tasks_key_work_id_code_key") and
    // the value ("Key (key_work_id, code)=(1, 3-2) already exists.");
    // SQLite the columns ("UNIQUE constraint failed: tasks.key_work_id, tasks.code").
    let pg = d.try_downcast_ref::<sqlx::postgres::PgDatabaseError>();
    let (table, columns) = match pg {
        Some(p) => (p.table()?.to_string(), p.constraint().unwrap_or_default().to_string()),
        None => {
            let cols = d.message().strip_prefix("UNIQUE constraint failed: ")?;
            (cols.split('.').next()?.to_string(), cols.to_string())
        }
    };
    let (_, column) = UNIQUE_KEYS.iter().find(|(t, c)| *t == table && columns.contains(c))?;
    let value = pg.and_then(|p| p.detail()).and_then(|d| key_value(d, column)).unwrap_or_default();
    Some((column, value))
}

/// The value of `column` in PostgreSQL's "Key (a, b)=(x, y) already exists.".
fn key_value(detail: &str, column: &str) -> Option<String> {
    let rest = detail.strip_prefix("Key (")?;
    let (cols, rest) = rest.split_once(")=(")?;
    let values = rest.strip_suffix(") already exists.")?;
    let cols: Vec<&str> = cols.split(", ").collect();
    let at = cols.iter().position(|c| *c == column)?;
    // Only the last column may hold ", " inside its value: split from the left.
    let parts: Vec<&str> = values.splitn(cols.len(), ", ").collect();
    parts.get(at).map(|v| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_duplicate_value_is_read_from_postgres_detail() {
        assert_eq!(key_value("Key (key_work_id, code)=(1, 3-2) already exists.", "code").as_deref(), Some("3-2"));
        assert_eq!(key_value("Key (name)=(区住建局, 二科) already exists.", "name").as_deref(), Some("区住建局, 二科"));
        assert_eq!(key_value("Key (username)=(admin) already exists.", "username").as_deref(), Some("admin"));
        assert_eq!(key_value("something else", "name"), None);
    }
}
