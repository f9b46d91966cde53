//! People, and the accounts behind the API.

use super::extract::{Body, Path};
use super::openapi::{Conflict, Forbidden, Unprocessable};
use super::reference::{check_version, require_office};
use super::{ApiError, AppState};
use crate::storage::{NewUser, Person, User, UserChanges};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use tuijin_domain::access::{Actor, Role};
use tuijin_domain::error::{Invalid, Problem};
use tuijin_domain::person::{PersonFields, PersonPatch};
use tuijin_domain::Id;
use utoipa::ToSchema;

#[utoipa::path(get, path = "/people", tag = "people", responses((status = 200, body = Vec<Person>)))]
pub async fn list_people(State(s): State<AppState>, _: Actor) -> Result<Json<Vec<Person>>, ApiError> {
    Ok(Json(s.store.list_people().await?))
}

#[utoipa::path(get, path = "/people/{id}", tag = "people", params(("id" = i64, Path, description = "The person")),
    responses((status = 200, body = Person)))]
pub async fn get_person(State(s): State<AppState>, _: Actor, Path(id): Path<Id>) -> Result<Json<Person>, ApiError> {
    Ok(Json(s.store.get_person(id).await?))
}

#[utoipa::path(post, path = "/people", tag = "people", request_body = PersonFields,
    responses((status = 201, body = Person), Forbidden, Unprocessable))]
pub async fn create_person(
    State(s): State<AppState>,
    actor: Actor,
    Body(f): Body<PersonFields>,
) -> Result<(StatusCode, Json<Person>), ApiError> {
    require_office(&actor)?;
    Ok((StatusCode::CREATED, Json(s.store.create_person(&actor, f.validate()?).await?)))
}

#[utoipa::path(patch, path = "/people/{id}", tag = "people", params(("id" = i64, Path, description = "The person")),
    request_body = PersonPatch, responses((status = 200, body = Person), Forbidden, Conflict, Unprocessable))]
pub async fn update_person(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
    Body(p): Body<PersonPatch>,
) -> Result<Json<Person>, ApiError> {
    require_office(&actor)?;
    let current = s.store.get_person(id).await?;
    check_version(p.version, &current, current.version)?;
    let f = current.fields.apply(&p).validate()?;
    Ok(Json(s.store.update_person(&actor, &current, f).await?))
}

/// Refused (422) while other rows still refer to the person.
#[utoipa::path(delete, path = "/people/{id}", tag = "people", params(("id" = i64, Path, description = "The person")),
    responses((status = 204, description = "Deleted; its history stays"), Forbidden, Unprocessable))]
pub async fn delete_person(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
) -> Result<StatusCode, ApiError> {
    require_office(&actor)?;
    s.store.delete_person(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in account.
#[utoipa::path(get, path = "/me", tag = "accounts", responses((status = 200, body = Actor)))]
pub async fn me(actor: Actor) -> Json<Actor> {
    Json(actor)
}

/// Every account (administrators only).
#[utoipa::path(get, path = "/users", tag = "accounts", responses((status = 200, body = Vec<User>), Forbidden))]
pub async fn list_users(State(s): State<AppState>, actor: Actor) -> Result<Json<Vec<User>>, ApiError> {
    if !actor.may_manage_accounts() {
        return Err(ApiError::Forbidden);
    }
    Ok(Json(s.store.list_users().await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    /// The sign-in name: no spaces, at most 64 characters.
    #[schema(pattern = r"^\s*\S{1,64}\s*$", example = "zhangsan")]
    pub username: String,
    #[serde(default)]
    #[schema(max_length = 64)]
    pub display_name: String,
    pub role: Role,
    /// Required for a liaison: the unit whose tasks they report on.
    #[serde(default)]
    pub unit_id: Option<Id>,
    /// Optional (8 to 128 characters); an account without one signs in only with API tokens.
    #[serde(default)]
    #[schema(min_length = 8, max_length = 128)]
    pub password: Option<String>,
}

/// Checks a new account and hashes its password.
pub fn parse_new_user(b: NewUserBody) -> Result<NewUser, ApiError> {
    let mut inv = Invalid::default();
    let username = b.username.trim().to_string();
    if username.is_empty() {
        inv.push("username", Problem::Required);
    } else if username.chars().count() > 64 || username.chars().any(char::is_whitespace) {
        inv.push("username", Problem::Malformed { expected: "code" });
    }
    if b.role == Role::Liaison && b.unit_id.is_none() {
        inv.push("unit_id", Problem::Conflicting { detail: "liaison_needs_unit" });
    }
    if b.display_name.trim().chars().count() > 64 {
        inv.push("display_name", Problem::TooLong { max: 64 });
    }
    if let Some(p) = &b.password {
        if let Err(e) = tuijin_domain::password::check(p, &username) {
            inv.push("password", e);
        }
    }
    for (field, text) in [("username", &username), ("display_name", &b.display_name)] {
        if let Some(c) = tuijin_domain::patch::first_control(text) {
            inv.push(field, Problem::ControlCharacter { code_point: c as u32 });
        }
    }
    inv.into_result(())?;
    let password_hash = match b.password {
        Some(p) => Some(crate::auth::hash_password(&p).map_err(|_| ApiError::Internal)?),
        None => None,
    };
    Ok(NewUser {
        display_name: b.display_name.trim().to_string(),
        username,
        role: b.role,
        unit_id: b.unit_id,
        password_hash,
    })
}

/// A new account (administrators only).
#[utoipa::path(post, path = "/users", tag = "accounts", request_body = NewUserBody,
    responses((status = 201, body = User), Forbidden, Unprocessable))]
pub async fn create_user(
    State(s): State<AppState>,
    actor: Actor,
    Body(b): Body<NewUserBody>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    if !actor.may_manage_accounts() {
        return Err(ApiError::Forbidden);
    }
    let new = parse_new_user(b)?;
    Ok((StatusCode::CREATED, Json(s.store.create_user(new).await?)))
}

/// An administrator's change to an account; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    #[schema(max_length = 64)]
    pub display_name: Option<String>,
    pub role: Option<Role>,
    /// `null` unbinds the account from its unit.
    #[serde(default, deserialize_with = "tuijin_domain::patch::nullable")]
    #[schema(value_type = Option<i64>)]
    pub unit_id: Option<Option<Id>>,
    pub disabled: Option<bool>,
    /// Where reminders are mailed; `null` or "" for nowhere.
    #[serde(default, deserialize_with = "tuijin_domain::patch::nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    /// The person of the ledger this account is (a leader), so reminders
    /// addressed to that person reach it; `null` unlinks.
    #[serde(default, deserialize_with = "tuijin_domain::patch::nullable")]
    #[schema(value_type = Option<i64>)]
    pub person_id: Option<Option<Id>>,
}

/// Applies a change to an account and saves it. An administrator cannot
/// disable or demote their own account (nobody would be left to undo it).
pub async fn change_user(s: &AppState, actor: &Actor, id: Id, p: UserPatch) -> Result<User, ApiError> {
    if !actor.may_manage_accounts() {
        return Err(ApiError::Forbidden);
    }
    let user =
        s.store.list_users().await?.into_iter().find(|u| u.id == id).ok_or(ApiError::NotFound { entity: "user" })?;
    let c = UserChanges {
        display_name: p.display_name.map(|n| n.trim().to_string()).unwrap_or(user.display_name),
        role: p.role.unwrap_or(user.role),
        unit_id: p.unit_id.unwrap_or(user.unit_id),
        disabled: p.disabled.unwrap_or(user.disabled),
        email: match p.email {
            Some(e) => e.map(|e| e.trim().to_string()).filter(|e| !e.is_empty()),
            None => user.email,
        },
        person_id: p.person_id.unwrap_or(user.person_id),
    };
    let mut inv = Invalid::default();
    if c.role == Role::Liaison && c.unit_id.is_none() {
        inv.push("unit_id", Problem::Conflicting { detail: "liaison_needs_unit" });
    }
    if id == actor.user_id && (c.disabled || c.role != Role::Admin) {
        inv.push(if c.disabled { "disabled" } else { "role" }, Problem::Conflicting { detail: "own_account" });
    }
    if c.display_name.chars().count() > 64 {
        inv.push("display_name", Problem::TooLong { max: 64 });
    }
    if c.email.as_deref().is_some_and(|e| !crate::notify::is_email_address(e)) {
        inv.push("email", Problem::Malformed { expected: "email" });
    }
    inv.into_result(())?;
    let saved = s.store.update_user(id, c).await?;
    Ok(saved)
}

/// Changes an account (administrators only); disabling it ends its sessions and stops its tokens.
#[utoipa::path(patch, path = "/users/{id}", tag = "accounts", params(("id" = i64, Path, description = "The account")),
    request_body = UserPatch, responses((status = 200, body = User), Forbidden, Unprocessable))]
pub async fn update_user(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
    Body(p): Body<UserPatch>,
) -> Result<Json<User>, ApiError> {
    Ok(Json(change_user(&s, &actor, id, p).await?))
}
