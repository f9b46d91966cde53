//! No control characters in any text that comes in: query strings, JSON
//! bodies and form bodies are checked before any handler sees them, and a
//! request carrying one is refused naming the field (the domain's text
//! rules say the same for the fields they know; this catches every other
//! field too — a search box, a username, a robot's address). U+0000 makes
//! PostgreSQL fail the statement and most others make every Word or Excel
//! file built from the ledger unreadable. Tab, newline and carriage
//! return (browsers send CRLF) are text.

use super::ApiError;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tuijin_domain::error::{Invalid, Problem};
use tuijin_domain::patch::is_forbidden_char;

/// JSON and form bodies are read whole here, so here is their limit: the
/// same as the extractors' default.
pub const TEXT_BODY_LIMIT: usize = 2 * 1024 * 1024;

fn allowed(c: char) -> bool {
    c == '\r' || !is_forbidden_char(c)
}

/// The first (field, character) of url-encoded pairs holding a forbidden character.
pub fn form_offender(encoded: &[u8]) -> Option<(String, char)> {
    form_urlencoded::parse(encoded).find_map(|(k, v)| {
        let bad = k.chars().chain(v.chars()).find(|c| !allowed(*c))?;
        Some((k.into_owned(), bad))
    })
}

/// Whether the raw JSON might hold a forbidden character: an escape
/// (`\u…`, `\b`, `\f`), DEL, a C1 control (UTF-8 C2 80–9F) or U+FFFE/U+FFFF
/// (EF BF BE/BF). Bodies without any are the rule and skip parsing.
fn json_may_hold_controls(b: &[u8]) -> bool {
    b.windows(2).any(|w| matches!(w, [b'\\', b'u' | b'b' | b'f'] | [0xC2, 0x80..=0x9F] | [0xBF, 0xBE | 0xBF]))
        || b.contains(&0x7F)
}

/// The first (field path, character) of a JSON document holding a
/// forbidden character in a string or a key: "title", "milestones[2].title".
pub fn json_offender(body: &[u8]) -> Option<(String, char)> {
    if !json_may_hold_controls(body) {
        return None;
    }
    // Unreadable JSON is the extractor's to refuse, with its own message.
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    walk(&value, String::new())
}

fn walk(v: &serde_json::Value, path: String) -> Option<(String, char)> {
    match v {
        serde_json::Value::String(s) => s.chars().find(|c| !allowed(*c)).map(|c| (path, c)),
        serde_json::Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, item)| walk(item, format!("{path}[{i}]")))
        }
        serde_json::Value::Object(map) => map.iter().find_map(|(k, item)| {
            let path = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
            match k.chars().find(|c| !allowed(*c)) {
                Some(c) => Some((path, c)),
                None => walk(item, path),
            }
        }),
        _ => None,
    }
}

fn refusal(api: bool, headers: &axum::http::HeaderMap, field: String, c: char) -> Response {
    let inv = Invalid::one(field, Problem::ControlCharacter { code_point: c as u32 });
    if api {
        ApiError::Invalid(inv).into_response()
    } else {
        let lang = crate::web::browser_lang(headers);
        crate::web::plain_message(lang, axum::http::StatusCode::UNPROCESSABLE_ENTITY, inv.messages(lang).join("；"))
    }
}

pub async fn refuse_control_characters(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    if let Some((field, c)) = req.uri().query().and_then(|q| form_offender(q.as_bytes())) {
        return refusal(api, req.headers(), field, c);
    }
    let kind = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let json = kind.starts_with("application/json");
    let form = kind.starts_with("application/x-www-form-urlencoded");
    if !(json || form) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes: Bytes = match axum::body::to_bytes(body, TEXT_BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => return ApiError::TooLarge.into_response(),
    };
    let offender = if json { json_offender(&bytes) } else { form_offender(&bytes) };
    if let Some((field, c)) = offender {
        return refusal(api, &parts.headers, field, c);
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_controls_are_found_with_their_path() {
        let j = |s: &str| json_offender(s.as_bytes());
        assert_eq!(j(r#"{"title": "\u0001标题"}"#), Some(("title".into(), '\u{1}')));
        assert_eq!(j(r#"{"m": [{"t": "ok"}, {"t": "a\u000bb"}]}"#), Some(("m[1].t".into(), '\u{b}')));
        assert_eq!(j(r#"{"q": "\u0000"}"#), Some(("q".into(), '\0')));
        assert_eq!(j(r#"{"x": "a\fb"}"#), Some(("x".into(), '\u{c}')));
        assert_eq!(j("{\"x\": \"a\u{85}b\"}"), Some(("x".into(), '\u{85}')));
        assert_eq!(j(r#"{"x": "\uffff"}"#), Some(("x".into(), '\u{ffff}')));
        assert_eq!(j(r#"{"\u0002": 1}"#), Some(("\u{2}".into(), '\u{2}')));
    }

    #[test]
    fn ordinary_json_passes_without_being_parsed() {
        assert!(!json_may_hold_controls(r#"{"title": "道路有机更新", "n": [1, 2]}"#.as_bytes()));
        assert_eq!(json_offender(r#"{"t": "line\nbreak\ttab\r\n", "u": "\u4e2d"}"#.as_bytes()), None);
        assert_eq!(json_offender(b"not json \\u0001"), None);
    }

    #[test]
    fn form_and_query_controls_are_found_by_key() {
        assert_eq!(form_offender(b"csrf=x&title=a%01b"), Some(("title".into(), '\u{1}')));
        assert_eq!(form_offender(b"q=%00"), Some(("q".into(), '\0')));
        assert_eq!(form_offender(b"minutes=a%0D%0Ab%09c"), None);
        assert_eq!(form_offender("title=道路".as_bytes()), None);
    }
}
