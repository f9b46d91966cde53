//! Passwords: the policy, hashing off the async workers, and checking a
//! sign-in with the same work whether or not the account exists.

use crate::http::ApiError;
use crate::storage::Store;
use std::sync::OnceLock;
use tuijin_domain::access::Actor;
use tuijin_domain::error::Invalid;
use tuijin_domain::Id;

/// Refuses a password that may not be set for `username`, naming `field`.
pub fn check(field: &str, password: &str, username: &str) -> Result<(), Invalid> {
    tuijin_domain::password::check(password, username).map_err(|p| Invalid::one(field, p))
}

/// argon2 takes tens of milliseconds of CPU: off the async workers.
pub async fn hash(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || crate::auth::hash_password(&password))
        .await
        .map_err(|_| ApiError::Internal)?
        .map_err(|e| {
            tracing::error!(error = %e, "cannot hash a password");
            ApiError::Internal
        })
}

/// A hash of nothing anyone types, to verify against when the account has
/// no password or does not exist: a sign-in for an unknown username then
/// takes as long as one for a real account, so timing tells no names.
fn stand_in_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| crate::auth::hash_password(&crate::auth::new_token()).unwrap_or_default())
}

/// Whether `password` matches the stored hash. Always does one argon2
/// verification, off the async workers.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || match stored {
        Some(h) => crate::auth::verify_password(&password, &h),
        None => {
            crate::auth::verify_password(&password, stand_in_hash());
            false
        }
    })
    .await
    .unwrap_or(false)
}

/// Sets an account's password after the policy, ending its other browser
/// sessions (all of them when an administrator resets it; all but the
/// current one when the account's owner changes it).
pub async fn set(
    store: &dyn Store,
    by: &Actor,
    user_id: Id,
    username: &str,
    password: String,
    keep_session: Option<&str>,
) -> Result<(), ApiError> {
    check("password", &password, username)?;
    let hash = hash(password).await?;
    Ok(store.set_password(by, user_id, &hash, keep_session).await?)
}
