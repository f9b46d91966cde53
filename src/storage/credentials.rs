//! Credentials that can be taken back: API tokens (named, listed, expiring,
//! revoked), passwords that end the other sessions, an administrator
//! signing an account out everywhere, the sign-in throttle's counts and the
//! secrets the servers of one database share.

use super::StoreError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tuijin_domain::access::Actor;
use tuijin_domain::signin::Failures;
use tuijin_domain::Id;
use utoipa::ToSchema;

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An API token as its owner and administrators see it: never the token
/// itself, which is shown once when made and stored only as a hash.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ApiToken {
    pub id: Id,
    pub user_id: Id,
    pub username: String,
    /// What it is for, e.g. "市平台对接" or "weekly import script".
    pub name: String,
    pub created_at: DateTime<Utc>,
    /// After this it is refused; none: until revoked.
    pub expires_at: Option<DateTime<Utc>>,
    /// Its last use, to the minute; none: never used.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A token to store.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub user_id: Id,
    pub token_hash: String,
    pub name: String,
    pub expires_at: Option<DateTime<Utc>>,
}

/// The account behind a live token, with what the server needs to keep
/// the token's last use.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenActor {
    pub actor: Actor,
    pub token_id: Id,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait CredentialStore: Send + Sync {
    /// Stores a new token's hash and records it in the account's history.
    async fn create_token(&self, by: &Actor, new: NewToken) -> Result<ApiToken>;
    /// The tokens of one account, or of every account, newest first.
    async fn list_tokens(&self, user_id: Option<Id>) -> Result<Vec<ApiToken>>;
    async fn get_token(&self, id: Id) -> Result<ApiToken>;
    /// Revokes a token: it stops working at once on every server; the
    /// history keeps that it existed.
    async fn revoke_token(&self, by: &Actor, id: Id) -> Result<()>;
    /// The account of a token that is live now: known, not expired, its
    /// account not disabled.
    async fn token_actor(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<TokenActor>>;
    /// Records a token's use.
    async fn touch_token(&self, id: Id, at: DateTime<Utc>) -> Result<()>;
    /// Sets an account's password and ends its browser sessions but
    /// `keep_session` (the one that changed it), in one transaction.
    async fn set_password(&self, by: &Actor, user_id: Id, hash: &str, keep_session: Option<&str>) -> Result<()>;
    /// Ends an account's browser sessions but `keep_session`; returns how many.
    async fn end_sessions(&self, by: &Actor, user_id: Id, keep_session: Option<&str>) -> Result<u64>;
    /// The number of live browser sessions of an account.
    async fn count_sessions(&self, user_id: Id, now: DateTime<Utc>) -> Result<i64>;
    /// Ends every session and revokes every token of an account; returns
    /// (sessions, tokens) ended.
    async fn sign_out_everywhere(&self, by: &Actor, user_id: Id) -> Result<(u64, u64)>;
    /// The failure records of these sign-in keys (absent keys have none).
    async fn sign_in_failures(&self, keys: &[String]) -> Result<Vec<(String, Failures)>>;
    /// Counts one failed sign-in under each key (a count an hour stale
    /// starts again) and forgets records older than that.
    async fn record_sign_in_failure(&self, keys: &[String], now: DateTime<Utc>) -> Result<()>;
    async fn clear_sign_in_failures(&self, keys: &[String]) -> Result<()>;
    /// What happened to an account's credentials (tokens made and
    /// revoked, passwords set, sessions ended), newest first.
    async fn account_history(&self, user_id: Id, limit: i64) -> Result<Vec<super::HistoryEntry>>;
    /// A random secret shared by every server on this database, made on
    /// first use (whoever makes it first wins; the others read it).
    async fn shared_secret(&self, name: &str) -> Result<String>;
}
