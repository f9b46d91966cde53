//! The accounts page of administrators (账号管理): add an account, change
//! its name, role, unit or disabling, reset its password (which signs it
//! out everywhere), sign it out of every browser and revoke its tokens,
//! and see every API token.

use super::account::TokenLine;
use super::i18n::Tr;
use super::login::csrf_refusal;
use super::names::Names;
use super::session::WebUser;
use super::{render, UserChrome};
use crate::credentials::{passwords, tokens};
use crate::http::{parse_new_user, ApiError, AppState, NewUserBody};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;
use tuijin_domain::access::Role;
use tuijin_domain::Id;

pub struct UserRow {
    pub id: Id,
    pub username: String,
    pub name: String,
    pub role: &'static str,
    pub unit: String,
    pub disabled: bool,
    pub email: String,
    /// The linked person's id, or "".
    pub person: String,
    /// The administrator's own row: no disabling or demoting it.
    pub me: bool,
}

pub struct Choice {
    pub value: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    t: Tr,
    user: Option<UserChrome>,
    users: Vec<UserRow>,
    roles: Vec<Choice>,
    units: Vec<Choice>,
    people: Vec<Choice>,
    /// Every API token, with its account.
    tokens: Vec<TokenLine>,
    message: Option<String>,
    errors: Vec<String>,
}

fn role_label(role: Role, t: Tr) -> String {
    t.get(&format!("role.{}", role.as_str())).to_string()
}

async fn users_page(
    s: &AppState,
    user: &WebUser,
    message: Option<String>,
    errors: Vec<String>,
) -> Result<UsersPage, ApiError> {
    let t = user.tr;
    let names = Names::load(s.store.as_ref()).await?;
    let users = s
        .store
        .list_users()
        .await?
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            username: u.username,
            name: u.display_name,
            role: u.role.as_str(),
            unit: u.unit_id.map(|id| id.to_string()).unwrap_or_default(),
            disabled: u.disabled,
            email: u.email.unwrap_or_default(),
            person: u.person_id.map(|id| id.to_string()).unwrap_or_default(),
            me: u.id == user.actor.user_id,
        })
        .collect();
    Ok(UsersPage {
        t,
        user: Some(user.into()),
        users,
        roles: Role::ALL.iter().map(|r| Choice { value: r.as_str().into(), label: role_label(*r, t) }).collect(),
        units: names.unit_list.iter().map(|(i, n)| Choice { value: i.to_string(), label: n.clone() }).collect(),
        people: names.person_list.iter().map(|(i, n)| Choice { value: i.to_string(), label: n.clone() }).collect(),
        tokens: tokens::list(s.store.as_ref(), &user.actor, None, true)
            .await?
            .iter()
            .map(|tk| TokenLine::of(tk, t))
            .collect(),
        message,
        errors,
    })
}

fn admins_only(user: &WebUser) -> Option<Response> {
    (!user.actor.may_manage_accounts())
        .then(|| (StatusCode::FORBIDDEN, user.tr.get("edit.refused").to_string()).into_response())
}

async fn respond(
    s: &AppState,
    user: &WebUser,
    status: StatusCode,
    message: Option<String>,
    errors: Vec<String>,
) -> Response {
    match users_page(s, user, message, errors).await {
        Ok(p) => {
            let mut res = render(&p);
            *res.status_mut() = status;
            res
        }
        Err(e) => e.into_response(),
    }
}

/// The page after a write: its message (the key `done`), the field errors
/// of a refusal, or any other refusal as itself.
async fn outcome(s: &AppState, user: &WebUser, result: Result<(), ApiError>, done: &str) -> Response {
    match result {
        Ok(()) => respond(s, user, StatusCode::OK, Some(user.tr.get(done).to_string()), Vec::new()).await,
        Err(ApiError::Invalid(inv)) => {
            respond(s, user, StatusCode::UNPROCESSABLE_ENTITY, None, inv.messages(user.tr.lang)).await
        }
        Err(e) => e.into_response(),
    }
}

pub async fn users(State(s): State<AppState>, user: WebUser) -> Response {
    if let Some(r) = admins_only(&user) {
        return r;
    }
    respond(&s, &user, StatusCode::OK, None, Vec::new()).await
}

#[derive(Deserialize)]
pub struct NewUserForm {
    csrf: String,
    username: String,
    display_name: String,
    role: String,
    unit_id: String,
    password: String,
}

pub async fn add_user(State(s): State<AppState>, user: WebUser, Form(f): Form<NewUserForm>) -> Response {
    if let Some(r) = admins_only(&user).or_else(|| csrf_refusal(&user, &f.csrf)) {
        return r;
    }
    let Some(role) = Role::parse(&f.role) else {
        return respond(&s, &user, StatusCode::UNPROCESSABLE_ENTITY, None, vec![f.role]).await;
    };
    let body = NewUserBody {
        username: f.username,
        display_name: f.display_name,
        role,
        unit_id: f.unit_id.parse().ok(),
        password: Some(f.password),
    };
    let created = match tokio::task::spawn_blocking(move || parse_new_user(body)).await {
        Ok(Ok(new)) => s.store.create_user(new).await.map_err(ApiError::from),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(ApiError::Internal),
    };
    outcome(&s, &user, created.map(|_| ()), "users.created").await
}

#[derive(Deserialize)]
pub struct ResetForm {
    csrf: String,
    password: String,
}

pub async fn reset_password(
    State(s): State<AppState>,
    user: WebUser,
    Path(id): Path<Id>,
    Form(f): Form<ResetForm>,
) -> Response {
    if let Some(r) = admins_only(&user).or_else(|| csrf_refusal(&user, &f.csrf)) {
        return r;
    }
    let account = match s.store.list_users().await {
        Ok(users) => users.into_iter().find(|u| u.id == id),
        Err(e) => return ApiError::from(e).into_response(),
    };
    let Some(account) = account else { return ApiError::NotFound { entity: "user" }.into_response() };
    // The account is signed out everywhere: whoever knew the old password is out.
    let done = passwords::set(s.store.as_ref(), &user.actor, id, &account.username, f.password, None).await;
    outcome(&s, &user, done, "users.reset_done").await
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

/// Ends every session of an account and revokes all its API tokens.
pub async fn sign_out(
    State(s): State<AppState>,
    user: WebUser,
    Path(id): Path<Id>,
    Form(f): Form<CsrfOnly>,
) -> Response {
    if let Some(r) = admins_only(&user).or_else(|| csrf_refusal(&user, &f.csrf)) {
        return r;
    }
    match tokens::sign_out_everywhere(s.store.as_ref(), &user.actor, id).await {
        Ok((sessions, tokens)) => {
            let message = user
                .tr
                .get("users.signed_out")
                .replace("{sessions}", &sessions.to_string())
                .replace("{tokens}", &tokens.to_string());
            respond(&s, &user, StatusCode::OK, Some(message), Vec::new()).await
        }
        Err(e) => e.into_response(),
    }
}

/// An administrator changes an account's name, role, unit or disabling.
pub async fn change_user(
    State(s): State<AppState>,
    user: WebUser,
    Path(id): Path<Id>,
    body: axum::body::Bytes,
) -> Response {
    let f = super::form::FormData::parse(&body);
    if let Some(r) = admins_only(&user).or_else(|| csrf_refusal(&user, &f.text("csrf").unwrap_or_default())) {
        return r;
    }
    let role = f.text("role").unwrap_or_default();
    let Some(role) = Role::parse(&role) else {
        return respond(&s, &user, StatusCode::UNPROCESSABLE_ENTITY, None, vec![role]).await;
    };
    let patch = crate::http::UserPatch {
        display_name: f.text("display_name"),
        role: Some(role),
        unit_id: Some(f.text("unit_id").and_then(|u| u.parse().ok())),
        // A hidden "false" precedes the checkbox; the last value is the answer.
        disabled: Some(f.all("disabled").last().is_some_and(|d| d == "true")),
        // Absent (an older form) keeps the stored value; empty clears it.
        email: f.text("email").map(|e| Some(e).filter(|e| !e.is_empty())),
        person_id: f.text("person_id").map(|p| p.parse().ok()),
    };
    let done = crate::http::change_user(&s, &user.actor, id, patch).await.map(|_| ());
    outcome(&s, &user, done, "ref.saved").await
}
