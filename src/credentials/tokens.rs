//! API tokens: who may make, see and revoke which, and how a request's
//! token becomes an actor.

use crate::http::ApiError;
use crate::storage::{ApiToken, NewToken, Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;
use tuijin_domain::access::Actor;
use tuijin_domain::error::{Invalid, Problem};
use tuijin_domain::patch::required_text;
use tuijin_domain::Id;

/// A token's last use is written at most this often (a busy script must
/// not turn every read into a write).
const TOUCH_EVERY_SECS: i64 = 60;
/// The longest life a token may be given, in days.
pub const MAX_DAYS: u32 = 3650;

/// What someone asks for when making a token.
#[derive(Debug, Clone, Default)]
pub struct TokenRequest {
    /// Whose token: the actor's own when absent; another account's only
    /// for an administrator.
    pub user_id: Option<Id>,
    pub name: String,
    /// Days until it stops working; none: until revoked.
    pub expires_in_days: Option<u32>,
}

/// A token made: its row, and the token itself, shown this once.
pub struct MadeToken {
    pub token: ApiToken,
    pub secret: String,
}

fn may_manage(actor: &Actor, user_id: Id) -> Result<(), ApiError> {
    if actor.user_id == user_id || actor.may_manage_accounts() {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

/// Makes a token for the actor (or, for an administrator, any account).
pub async fn create(
    store: &dyn Store,
    actor: &Actor,
    req: TokenRequest,
    now: DateTime<Utc>,
) -> Result<MadeToken, ApiError> {
    let user_id = req.user_id.unwrap_or(actor.user_id);
    may_manage(actor, user_id)?;
    let mut inv = Invalid::default();
    let mut name = req.name;
    required_text(&mut inv, "name", &mut name, 100);
    if req.expires_in_days.is_some_and(|d| d == 0 || d > MAX_DAYS) {
        inv.push("expires_in_days", Problem::OutOfRange { min: "1".into(), max: MAX_DAYS.to_string() });
    }
    inv.into_result(())?;
    let secret = crate::auth::new_token();
    let new = NewToken {
        user_id,
        token_hash: crate::auth::token_hash(&secret),
        name,
        expires_at: req.expires_in_days.map(|d| now + Duration::days(i64::from(d))),
    };
    let token = store.create_token(actor, new).await.map_err(|e| match e {
        StoreError::NotFound { .. } => ApiError::Invalid(Invalid::one(
            "user_id",
            Problem::UnknownReference { what: "user", id: user_id.to_string() },
        )),
        other => other.into(),
    })?;
    Ok(MadeToken { token, secret })
}

/// The actor's own tokens; an administrator may ask for another
/// account's, or everyone's (`all`).
pub async fn list(store: &dyn Store, actor: &Actor, user_id: Option<Id>, all: bool) -> Result<Vec<ApiToken>, ApiError> {
    if all {
        if !actor.may_manage_accounts() {
            return Err(ApiError::Forbidden);
        }
        return Ok(store.list_tokens(None).await?);
    }
    let user_id = user_id.unwrap_or(actor.user_id);
    may_manage(actor, user_id)?;
    Ok(store.list_tokens(Some(user_id)).await?)
}

/// Revokes one of the actor's tokens (an administrator: anyone's). It
/// stops working at once, on every server.
pub async fn revoke(store: &dyn Store, actor: &Actor, id: Id) -> Result<ApiToken, ApiError> {
    let token = store.get_token(id).await?;
    may_manage(actor, token.user_id)?;
    store.revoke_token(actor, id).await?;
    Ok(token)
}

/// An administrator ends every browser session of an account and revokes
/// all its tokens (a lost laptop, a colleague who left).
pub async fn sign_out_everywhere(store: &dyn Store, actor: &Actor, user_id: Id) -> Result<(u64, u64), ApiError> {
    if !actor.may_manage_accounts() {
        return Err(ApiError::Forbidden);
    }
    Ok(store.sign_out_everywhere(actor, user_id).await?)
}

/// The actor behind a bearer token, if the token is live: known, not
/// expired, its account enabled. Looked up on every request, on purpose:
/// a token revoked or an account disabled — by any server, or by the
/// command line in another process — stops working with the next request
/// (one indexed query; a cache would need every server to hear of every
/// change first). Records the token's use, at most once a minute, in the
/// background.
pub async fn authenticate(
    store: &Arc<dyn Store>,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<Actor>, StoreError> {
    let Some(t) = store.token_actor(&crate::auth::token_hash(token), now).await? else { return Ok(None) };
    if t.last_used_at.is_none_or(|at| now - at >= Duration::seconds(TOUCH_EVERY_SECS)) {
        let (store, id) = (store.clone(), t.token_id);
        tokio::spawn(async move {
            if let Err(e) = store.touch_token(id, now).await {
                tracing::warn!(error = %e, token = id, "cannot record the token's use");
            }
        });
    }
    Ok(Some(t.actor))
}
