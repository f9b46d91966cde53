//! Signing in and out, and the language switch.

use super::i18n::Tr;
use super::session::{
    browser_lang, cookie, set_cookie, ClientAddr, WebUser, LANG_COOKIE, LOGIN_CSRF_COOKIE, SESSION_COOKIE,
    SESSION_HOURS,
};
use super::{render, UserChrome};
use crate::http::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: Tr,
    user: Option<UserChrome>,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextParam {
    next: Option<String>,
}

/// Only paths on this server, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".into(),
    }
}

fn login_page(
    headers: &HeaderMap,
    status: StatusCode,
    next: String,
    username: String,
    error: Option<&str>,
) -> Response {
    let t = Tr::new(browser_lang(headers));
    // Double-submit token: the same random value in a cookie and the form.
    let csrf = crate::auth::new_token();
    let page =
        LoginPage { t, user: None, csrf: csrf.clone(), next, username, error: error.map(|k| t.get(k).to_string()) };
    let mut res = render(&page);
    *res.status_mut() = status;
    if let Ok(v) = set_cookie(LOGIN_CSRF_COOKIE, &csrf, 3600).parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

pub async fn form(headers: HeaderMap, Query(p): Query<NextParam>) -> Response {
    login_page(&headers, StatusCode::OK, safe_next(p.next.as_deref()), String::new(), None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    csrf: String,
    next: Option<String>,
}

pub async fn submit(
    State(s): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let next = safe_next(f.next.as_deref());
    let username = f.username.trim().to_string();
    if cookie(&headers, LOGIN_CSRF_COOKIE) != Some(f.csrf.as_str()) {
        return login_page(&headers, StatusCode::FORBIDDEN, next, username, Some("login.csrf"));
    }
    if !s.throttle.allowed(&username, &addr) {
        return login_page(&headers, StatusCode::TOO_MANY_REQUESTS, next, username, Some("login.throttled"));
    }
    let user = match s.store.find_user(&username).await {
        Ok(u) => u,
        Err(e) => return crate::http::ApiError::from(e).into_response(),
    };
    let hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let password = f.password;
    // argon2 takes tens of milliseconds: off the async workers.
    let ok = tokio::task::spawn_blocking(move || hash.is_some_and(|h| crate::auth::verify_password(&password, &h)))
        .await
        .unwrap_or(false);
    let Some(user) = user.filter(|_| ok) else {
        s.throttle.failed(&username, &addr);
        return login_page(&headers, StatusCode::UNAUTHORIZED, next, username, Some("login.failed"));
    };
    // Said only to someone who knows the password: no hint to a guesser.
    if user.disabled {
        return login_page(&headers, StatusCode::FORBIDDEN, next, username, Some("login.disabled"));
    }
    s.throttle.succeeded(&username);
    let token = crate::auth::new_token();
    let expires = chrono::Utc::now() + chrono::Duration::hours(SESSION_HOURS);
    if let Err(e) =
        s.store.create_session(user.id, &crate::auth::token_hash(&token), &crate::auth::new_token(), expires).await
    {
        return crate::http::ApiError::from(e).into_response();
    }
    let mut res = Redirect::to(&next).into_response();
    for c in [
        set_cookie(SESSION_COOKIE, &token, SESSION_HOURS * 3600),
        set_cookie(LOGIN_CSRF_COOKIE, "", 0),
        set_cookie(LANG_COOKIE, &user.language, 365 * 86400),
    ] {
        if let Ok(v) = c.parse() {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
    #[serde(default)]
    lang: Option<String>,
}

/// The refusal of a form whose CSRF token is not the session's.
pub fn csrf_refusal(user: &WebUser, sent: &str) -> Option<Response> {
    (sent != user.csrf).then(|| (StatusCode::FORBIDDEN, user.tr.get("login.csrf").to_string()).into_response())
}

pub async fn logout(State(s): State<AppState>, user: WebUser, Form(f): Form<CsrfForm>) -> Response {
    if let Some(refusal) = csrf_refusal(&user, &f.csrf) {
        return refusal;
    }
    if let Err(e) = s.store.delete_session(&user.token_hash).await {
        return crate::http::ApiError::from(e).into_response();
    }
    let mut res = Redirect::to("/login").into_response();
    if let Ok(v) = set_cookie(SESSION_COOKIE, "", 0).parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// Switches the account's language; it is remembered with the account.
pub async fn language(
    State(s): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Some(refusal) = csrf_refusal(&user, &f.csrf) {
        return refusal;
    }
    let lang = if f.lang.as_deref() == Some("en") { "en" } else { "zh-CN" };
    if let Err(e) = s.store.set_language(user.actor.user_id, lang).await {
        return crate::http::ApiError::from(e).into_response();
    }
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.find("://").and_then(|i| r[i + 3..].find('/').map(|j| r[i + 3 + j..].to_string())));
    let mut res = Redirect::to(&safe_next(back.as_deref())).into_response();
    if let Ok(v) = set_cookie(LANG_COOKIE, lang, 365 * 86400).parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_server() {
        assert_eq!(safe_next(Some("/tasks/3?x=1")), "/tasks/3?x=1");
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
