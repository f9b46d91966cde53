//! Browser sessions: the cookie, the signed-in user of a page request, the
//! CSRF token of its forms, and the client's address.

use super::i18n::Tr;
use crate::http::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use std::net::SocketAddr;
use tuijin_domain::access::Actor;
use tuijin_domain::Lang;

pub const SESSION_COOKIE: &str = "tuijin_session";
pub const LOGIN_CSRF_COOKIE: &str = "tuijin_login_csrf";
/// The language last chosen in this browser, for pages before sign-in.
pub const LANG_COOKIE: &str = "tuijin_lang";
/// A working day and then some; after that, sign in again.
pub const SESSION_HOURS: i64 = 12;
/// Marks a browser that has signed in to an account before (see
/// `credentials::signin`): a guesser elsewhere cannot slow it down.
pub const DEVICE_COOKIE: &str = "tuijin_device";
pub const DEVICE_DAYS: i64 = 365;

/// The signed-in user behind a page request.
pub struct WebUser {
    pub actor: Actor,
    pub csrf: String,
    pub tr: Tr,
    pub token_hash: String,
    /// Unacknowledged reminders, for the link in the page header.
    pub unread: i64,
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// `Set-Cookie` for a cookie only the server reads; `secure` when the
/// site is served over HTTPS, so the browser never sends it in clear.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
}

/// The language for pages without a user: the one last chosen in this
/// browser, else the browser's own.
pub fn browser_lang(headers: &HeaderMap) -> Lang {
    match cookie(headers, LANG_COOKIE) {
        Some("en") => return Lang::En,
        Some("zh-CN") => return Lang::Zh,
        _ => {}
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

impl FromRequestParts<AppState> for WebUser {
    /// Not signed in: to the sign-in page, coming back here afterwards.
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let to_login = || {
            let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
            let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
            Redirect::to(&format!("/login?next={next}")).into_response()
        };
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else { return Err(to_login()) };
        let token_hash = crate::auth::token_hash(token);
        let session = match state.store.session(&token_hash, Utc::now()).await {
            Ok(Some(s)) => s,
            Ok(None) => return Err(to_login()),
            Err(e) => return Err(crate::http::ApiError::from(e).into_response()),
        };
        let u = session.user;
        let lang = if u.language == "en" { Lang::En } else { Lang::Zh };
        let actor = Actor {
            user_id: u.id,
            display_name: if u.display_name.is_empty() { u.username.clone() } else { u.display_name },
            username: u.username,
            role: u.role,
            unit_id: u.unit_id,
        };
        Ok(WebUser { actor, csrf: session.csrf, tr: Tr::new(lang), token_hash, unread: session.unread })
    }
}

/// The client's address, for throttling: the peer's, or the forwarded
/// one when the peer is a trusted proxy; "unknown" when not served with
/// connection info.
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        let forwarded: Vec<&str> =
            parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
        Ok(ClientAddr(state.signin.client_address(peer, &forwarded)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_by_name() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "a=1; tuijin_session=abc; b=2".parse().unwrap());
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
    }

    #[test]
    fn session_cookies_are_http_only_and_same_site() {
        let c = set_cookie(SESSION_COOKIE, "x", 60, false);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Path=/"));
        assert!(!c.contains("Secure"));
        assert!(set_cookie(SESSION_COOKIE, "x", 60, true).ends_with("; Secure"));
    }
}
