use tuijin_domain::{Id, Invalid};

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
    Database(#[from] sqlx::Error),
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
}

impl From<Invalid> for StoreError {
    fn from(i: Invalid) -> Self {
        StoreError::Invalid(i)
    }
}
