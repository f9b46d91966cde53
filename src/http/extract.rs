//! Extractors: the path parameters, JSON body and query string read with
//! the field at fault named (always as the JSON error body, never axum's
//! plain-text rejections), and the authenticated actor.

use super::error::ApiError;
use super::AppState;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use tuijin_domain::access::Actor;

/// A JSON body whose errors name the field (`due_date: premature end…`).
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let Raw(bytes) = Raw::from_request(req, state).await?;
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(de).map(Body).map_err(|e| {
            let path = e.path().to_string();
            let field = (path != ".").then_some(path);
            ApiError::BadRequest { field, detail: e.into_inner().to_string() }
        })
    }
}

/// A body as bytes (an uploaded file); one over the route's limit is 413
/// with the JSON error body, like every other refusal.
pub struct Raw(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for Raw {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        axum::body::Bytes::from_request(req, state).await.map(Raw).map_err(|e| match e.status() {
            axum::http::StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge,
            _ => ApiError::BadRequest { field: None, detail: e.body_text() },
        })
    }
}

/// A query string whose errors name the parameter.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded_parse(query));
        serde_path_to_error::deserialize(de).map(Query).map_err(|e| {
            let path = e.path().to_string();
            let field = (path != ".").then_some(path);
            ApiError::BadRequest { field, detail: e.into_inner().to_string() }
        })
    }
}

/// Path parameters whose errors name the parameter (`id: cannot parse "x"
/// as i64`), as JSON like every other error of the API.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        use axum::extract::path::ErrorKind;
        use axum::extract::rejection::PathRejection;
        let rejection = match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => return Ok(Path(value)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => e.into_kind(),
            Err(other) => {
                tracing::error!(error = %other, "path parameters missing: a route and its handler disagree");
                return Err(ApiError::Internal);
            }
        };
        // Tuples report the position of the bad value; the route knows its name.
        let raw = axum::extract::RawPathParams::from_request_parts(parts, state).await.ok();
        let name_at = |index: usize| raw.as_ref().and_then(|r| r.iter().nth(index).map(|(k, _)| k.to_string()));
        let (field, detail) = match rejection {
            ErrorKind::ParseErrorAtKey { key, value, expected_type } => {
                (Some(key), format!("cannot parse {value:?} as {expected_type}"))
            }
            ErrorKind::ParseErrorAtIndex { index, value, expected_type } => {
                (name_at(index), format!("cannot parse {value:?} as {expected_type}"))
            }
            ErrorKind::ParseError { value, expected_type } => {
                (name_at(0), format!("cannot parse {value:?} as {expected_type}"))
            }
            ErrorKind::DeserializeError { key, value, message } => (Some(key), format!("{value:?}: {message}")),
            ErrorKind::InvalidUtf8InPathParam { key } => (Some(key), "not UTF-8".to_string()),
            ErrorKind::Message(message) => (None, message),
            other => {
                tracing::error!(error = %other, "path parameters of an unsupported shape");
                return Err(ApiError::Internal);
            }
        };
        Err(ApiError::BadRequest { field, detail })
    }
}

fn form_urlencoded_parse(q: &str) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(q.as_bytes())
}

/// The actor behind a request, from its `Authorization: Bearer` token.
/// Every API route but `/healthz` and the OpenAPI document takes it, so no
/// request reaches a handler unauthenticated.
impl FromRequestParts<AppState> for Actor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(ApiError::Unauthorized)?;
        crate::credentials::tokens::authenticate(&state.store, token, chrono::Utc::now())
            .await?
            .ok_or(ApiError::Unauthorized)
    }
}
