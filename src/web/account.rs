//! My account (我的账号): changing one's password (which signs out the
//! other browsers), ending the other sessions, and one's API tokens —
//! made (shown once), listed with their last use, revoked.

use super::format;
use super::i18n::Tr;
use super::login::csrf_refusal;
use super::session::WebUser;
use super::{render, UserChrome};
use crate::credentials::{passwords, tokens};
use crate::http::{ApiError, AppState};
use crate::storage::ApiToken;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tuijin_domain::Id;

/// A token as a row of the page's table.
pub struct TokenLine {
    pub id: Id,
    pub name: String,
    pub owner: String,
    pub created: String,
    pub expires: String,
    pub last_used: String,
}

impl TokenLine {
    pub fn of(t: &ApiToken, tr: Tr) -> TokenLine {
        TokenLine {
            id: t.id,
            name: t.name.clone(),
            owner: t.username.clone(),
            created: format::date_time(t.created_at, tr.lang),
            expires: t
                .expires_at
                .map(|x| format::date_time(x, tr.lang))
                .unwrap_or_else(|| tr.get("tokens.never").into()),
            last_used: t
                .last_used_at
                .map(|x| format::date_time(x, tr.lang))
                .unwrap_or_else(|| tr.get("tokens.unused").into()),
        }
    }
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    t: Tr,
    user: Option<UserChrome>,
    message: Option<String>,
    errors: Vec<String>,
    /// A token just made: shown this once.
    new_token: Option<String>,
    tokens: Vec<TokenLine>,
    /// Live sessions of this account besides this one.
    other_sessions: i64,
}

/// The page with a message or errors, as `status`.
async fn respond(
    s: &AppState,
    user: &WebUser,
    status: StatusCode,
    message: Option<String>,
    errors: Vec<String>,
    new_token: Option<String>,
) -> Response {
    let me = user.actor.user_id;
    let now = chrono::Utc::now();
    let (tokens, sessions) = match (s.store.list_tokens(Some(me)).await, s.store.count_sessions(me, now).await) {
        (Ok(t), Ok(n)) => (t, n),
        (Err(e), _) | (_, Err(e)) => return ApiError::from(e).into_response(),
    };
    let page = AccountPage {
        t: user.tr,
        user: Some(user.into()),
        message,
        errors,
        new_token,
        tokens: tokens.iter().map(|t| TokenLine::of(t, user.tr)).collect(),
        other_sessions: (sessions - 1).max(0),
    };
    let mut res = render(&page);
    *res.status_mut() = status;
    res
}

/// A refusal of the services as the page's errors (field errors as
/// sentences), anything else as its own answer.
async fn refused(s: &AppState, user: &WebUser, e: ApiError) -> Response {
    match e {
        ApiError::Invalid(inv) => {
            respond(s, user, StatusCode::UNPROCESSABLE_ENTITY, None, inv.messages(user.tr.lang), None).await
        }
        other => other.into_response(),
    }
}

pub async fn page(State(s): State<AppState>, user: WebUser) -> Response {
    respond(&s, &user, StatusCode::OK, None, Vec::new(), None).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    csrf: String,
    current: String,
    new: String,
    repeat: String,
}

/// Changes one's own password; every other browser signed in to the
/// account is signed out (this one stays).
pub async fn change_password(State(s): State<AppState>, user: WebUser, Form(f): Form<PasswordForm>) -> Response {
    if let Some(refusal) = csrf_refusal(&user, &f.csrf) {
        return refusal;
    }
    let t = user.tr;
    let stored = match s.store.find_user(&user.actor.username).await {
        Ok(u) => u.and_then(|u| u.password_hash),
        Err(e) => return ApiError::from(e).into_response(),
    };
    let error = if !passwords::verify(f.current, stored).await {
        Some("account.wrong")
    } else if f.new != f.repeat {
        Some("account.mismatch")
    } else {
        None
    };
    if let Some(key) = error {
        return respond(&s, &user, StatusCode::UNPROCESSABLE_ENTITY, None, vec![t.get(key).to_string()], None).await;
    }
    let (me, name) = (user.actor.user_id, user.actor.username.clone());
    match passwords::set(s.store.as_ref(), &user.actor, me, &name, f.new, Some(&user.token_hash)).await {
        Ok(()) => respond(&s, &user, StatusCode::OK, Some(t.get("account.done").to_string()), Vec::new(), None).await,
        Err(e) => refused(&s, &user, e).await,
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

/// Signs the account out of every other browser.
pub async fn end_other_sessions(State(s): State<AppState>, user: WebUser, Form(f): Form<CsrfOnly>) -> Response {
    if let Some(refusal) = csrf_refusal(&user, &f.csrf) {
        return refusal;
    }
    match s.store.end_sessions(&user.actor, user.actor.user_id, Some(&user.token_hash)).await {
        Ok(n) => {
            let message = user.tr.get("account.sessions_ended").replace("{n}", &n.to_string());
            respond(&s, &user, StatusCode::OK, Some(message), Vec::new(), None).await
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

#[derive(Deserialize)]
pub struct NewTokenForm {
    csrf: String,
    name: String,
    /// Days, or "" for no expiry.
    #[serde(default)]
    expires_in_days: String,
}

/// Makes an API token and shows it once.
pub async fn create_token(State(s): State<AppState>, user: WebUser, Form(f): Form<NewTokenForm>) -> Response {
    if let Some(refusal) = csrf_refusal(&user, &f.csrf) {
        return refusal;
    }
    let days = match f.expires_in_days.trim() {
        "" => None,
        d => match d.parse() {
            Ok(d) => Some(d),
            Err(_) => Some(0), // refused by the service, naming the field
        },
    };
    let req = tokens::TokenRequest { user_id: None, name: f.name, expires_in_days: days };
    match tokens::create(s.store.as_ref(), &user.actor, req, chrono::Utc::now()).await {
        Ok(made) => {
            let message = user.tr.get("tokens.made").to_string();
            respond(&s, &user, StatusCode::CREATED, Some(message), Vec::new(), Some(made.secret)).await
        }
        Err(e) => refused(&s, &user, e).await,
    }
}

/// Revokes a token: one's own, or — for an administrator, from the
/// accounts page — anyone's. Back to the page it was revoked from.
pub async fn revoke_token(
    State(s): State<AppState>,
    user: WebUser,
    Path(id): Path<Id>,
    Form(f): Form<CsrfOnly>,
) -> Response {
    if let Some(refusal) = csrf_refusal(&user, &f.csrf) {
        return refusal;
    }
    match tokens::revoke(s.store.as_ref(), &user.actor, id).await {
        Ok(t) if t.user_id == user.actor.user_id => Redirect::to("/account").into_response(),
        Ok(_) => Redirect::to("/admin/users").into_response(),
        Err(e) => e.into_response(),
    }
}
