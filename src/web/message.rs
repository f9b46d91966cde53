//! A page with one message and a way back: the answer to a small form
//! (add a milestone, delete a row) that could not be carried out.

use super::i18n::Tr;
use super::session::WebUser;
use super::{render, UserChrome};
use crate::http::ApiError;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    t: Tr,
    user: Option<UserChrome>,
    message: String,
    back: String,
}

pub fn message(user: &WebUser, status: StatusCode, message: String, back: &str) -> Response {
    let page = MessagePage { t: user.tr, user: Some(user.into()), message, back: back.to_string() };
    let mut res = render(&page);
    *res.status_mut() = status;
    res
}

/// A message page for someone who may not be signed in (the refusal of a
/// request before any page handler ran): no header of the signed-in user,
/// back to the overview.
pub fn plain_message(lang: tuijin_domain::Lang, status: StatusCode, message: String) -> Response {
    let page = MessagePage { t: Tr::new(lang), user: None, message, back: "/".to_string() };
    let mut res = render(&page);
    *res.status_mut() = status;
    res
}

/// A refused write in words: validation errors (e.g. "still referenced")
/// and stale versions as a message page; anything else as the API error.
pub fn refusal(user: &WebUser, e: ApiError, back: &str) -> Response {
    let t = user.tr;
    match e {
        ApiError::Invalid(inv) => {
            let text = inv.messages(t.lang).join(t.lang.pick("；", "; "));
            message(user, StatusCode::UNPROCESSABLE_ENTITY, text, back)
        }
        ApiError::Conflict { .. } => message(user, StatusCode::CONFLICT, t.get("ref.conflict").to_string(), back),
        other => other.into_response(),
    }
}

/// The refusal of a write this role may not make.
pub fn forbidden(user: &WebUser, key: &str) -> Response {
    (StatusCode::FORBIDDEN, user.tr.get(key).to_string()).into_response()
}
