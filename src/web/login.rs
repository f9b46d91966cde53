//! Signing in and out, and the language switch.

use super::i18n::Tr;
use super::session::{
    browser_lang, cookie, set_cookie, ClientAddr, WebUser, DEVICE_COOKIE, DEVICE_DAYS, LANG_COOKIE, LOGIN_CSRF_COOKIE,
    SESSION_COOKIE, SESSION_HOURS,
};
use super::{render, UserChrome};
use crate::credentials::signin::Attempt;
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

/// Only a path on this site, never another site: it starts with one
/// slash, holds no backslash, whitespace or control character (browsers
/// drop tabs and newlines from a `Location`, so "/\t/evil.example" would
/// become "//evil.example") and parses as a path without a host.
/// Anything else is the overview.
pub fn safe_next(next: Option<&str>) -> String {
    let Some(n) = next else { return "/".into() };
    let plain = n.starts_with('/')
        && !n.starts_with("//")
        && !n.chars().any(|c| c == '\\' || c.is_whitespace() || c.is_control());
    let local = plain
        && n.parse::<axum::http::Uri>().is_ok_and(|u| u.scheme().is_none() && u.authority().is_none())
        && axum::http::HeaderValue::from_str(n).is_ok();
    if local {
        n.to_string()
    } else {
        "/".into()
    }
}

/// The sign-in page again, with a message (a key of the strings, with
/// `{n}` replaced by `n` when given).
fn login_page(
    s: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    next: String,
    username: String,
    error: Option<(&str, Option<i64>)>,
) -> Response {
    let t = Tr::new(browser_lang(headers));
    // Double-submit token: the same random value in a cookie and the form.
    let csrf = crate::auth::new_token();
    let error = error.map(|(k, n)| match n {
        Some(n) => t.get(k).replace("{n}", &n.to_string()),
        None => t.get(k).to_string(),
    });
    let page = LoginPage { t, user: None, csrf: csrf.clone(), next, username, error };
    let mut res = render(&page);
    *res.status_mut() = status;
    add_cookie(&mut res, &set_cookie(LOGIN_CSRF_COOKIE, &csrf, 3600, s.secure_cookies));
    res
}

fn add_cookie(res: &mut Response, cookie: &str) {
    if let Ok(v) = cookie.parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

pub async fn form(State(s): State<AppState>, headers: HeaderMap, Query(p): Query<NextParam>) -> Response {
    login_page(&s, &headers, StatusCode::OK, safe_next(p.next.as_deref()), String::new(), None)
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
        return login_page(&s, &headers, StatusCode::FORBIDDEN, next, username, Some(("login.csrf", None)));
    }
    let store = s.store.as_ref();
    let device = match cookie(&headers, DEVICE_COOKIE) {
        Some(c) => s.signin.device_of(store, c, &username).await,
        None => None,
    };
    let now = chrono::Utc::now();
    let user = match s.signin.attempt(store, &username, f.password, &addr, device.as_deref(), now).await {
        Ok(Attempt::SignedIn(user)) => user,
        Ok(Attempt::Wait(secs)) => {
            let mut res = login_page(
                &s,
                &headers,
                StatusCode::TOO_MANY_REQUESTS,
                next,
                username,
                Some(("login.throttled", Some(secs))),
            );
            if let Ok(v) = secs.to_string().parse() {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return res;
        }
        Ok(Attempt::Failed) => {
            return login_page(&s, &headers, StatusCode::UNAUTHORIZED, next, username, Some(("login.failed", None)))
        }
        Ok(Attempt::Disabled) => {
            return login_page(&s, &headers, StatusCode::FORBIDDEN, next, username, Some(("login.disabled", None)))
        }
        Err(e) => return e.into_response(),
    };
    let token = crate::auth::new_token();
    let expires = now + chrono::Duration::hours(SESSION_HOURS);
    if let Err(e) =
        s.store.create_session(user.id, &crate::auth::token_hash(&token), &crate::auth::new_token(), expires).await
    {
        return crate::http::ApiError::from(e).into_response();
    }
    let mut res = Redirect::to(&next).into_response();
    let secure = s.secure_cookies;
    add_cookie(&mut res, &set_cookie(SESSION_COOKIE, &token, SESSION_HOURS * 3600, secure));
    add_cookie(&mut res, &set_cookie(LOGIN_CSRF_COOKIE, "", 0, secure));
    add_cookie(&mut res, &set_cookie(LANG_COOKIE, &user.language, 365 * 86400, secure));
    // This browser now knows the account: a guesser elsewhere cannot slow it down.
    if device.is_none() {
        match s.signin.device_cookie(store, &user.username).await {
            Ok(d) => add_cookie(&mut res, &set_cookie(DEVICE_COOKIE, &d, DEVICE_DAYS * 86400, secure)),
            Err(e) => tracing::warn!(error = ?e, "no device cookie"),
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
    add_cookie(&mut res, &set_cookie(SESSION_COOKIE, "", 0, s.secure_cookies));
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
    add_cookie(&mut res, &set_cookie(LANG_COOKIE, lang, 365 * 86400, s.secure_cookies));
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
        // Browsers drop tabs and newlines: "/\t/evil.example" would be "//evil.example".
        for bad in ["/\t/evil.example", "/\n/evil.example", "/\r\n/x", "/x\ny", "/ /evil", "/\u{7f}x", "/\u{0}"] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(Some("/ledger?key_work=1&status=done")), "/ledger?key_work=1&status=done");
        assert_eq!(safe_next(Some("/tasks/3#history")), "/tasks/3#history");
        assert_eq!(safe_next(Some("/%09/evil.example")), "/%09/evil.example");
    }
}
