//! The HTTP layer's one error type. Handlers return it; the
//! `localize` middleware renders it as JSON in the caller's language, with
//! a machine code, the field at fault and a message.

use crate::storage::StoreError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use tuijin_domain::error::field_label;
use tuijin_domain::{Invalid, Lang};
use utoipa::ToSchema;

#[derive(Debug, Clone)]
pub enum ApiError {
    /// No or unknown credentials.
    Unauthorized,
    /// The role or unit may not do this at all.
    Forbidden,
    /// The role may edit the row but not these fields of it.
    ForbiddenFields(Vec<String>),
    NotFound {
        entity: &'static str,
    },
    /// Unreadable input: bad JSON, a wrong type, an unknown query parameter.
    BadRequest {
        field: Option<String>,
        detail: String,
    },
    /// A body larger than the route accepts.
    TooLarge,
    /// Input that was read but breaks the rules.
    Invalid(Invalid),
    /// The version sent is stale; `current` is what is stored now.
    Conflict {
        current: serde_json::Value,
    },
    /// The database backend cannot do this.
    Unsupported(&'static str),
    /// Logged, never shown.
    Internal,
}

/// The JSON body of every error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Machine code: unauthorized, forbidden, not_found, bad_request,
    /// payload_too_large, validation_failed, version_conflict, unsupported, internal.
    pub code: &'static str,
    /// The first field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
    /// Every field error, when there are several.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldErrorBody>,
    /// On a version conflict: the state now stored, to show what changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub current: Option<serde_json::Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldErrorBody {
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::ForbiddenFields(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::Unsupported(_) => StatusCode::NOT_IMPLEMENTED,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn body(&self, lang: Lang) -> ErrorBody {
        let plain = |code, message: &str| ErrorBody {
            code,
            field: None,
            message: message.to_string(),
            errors: Vec::new(),
            current: None,
        };
        match self {
            ApiError::Unauthorized => {
                plain("unauthorized", lang.pick("未登录或令牌无效", "not signed in, or the token is not valid"))
            }
            ApiError::Forbidden => plain("forbidden", lang.pick("您无权执行此操作", "you may not do this")),
            ApiError::ForbiddenFields(fields) => {
                let names: Vec<String> = fields.iter().map(|f| field_label(f, lang)).collect();
                let message = match lang {
                    Lang::Zh => format!("您的角色不能修改：{}", names.join("、")),
                    Lang::En => format!("your role may not change: {}", names.join(", ")),
                };
                ErrorBody {
                    code: "forbidden",
                    field: fields.first().cloned(),
                    message,
                    errors: fields
                        .iter()
                        .map(|f| FieldErrorBody {
                            field: f.clone(),
                            code: "not_allowed",
                            message: tuijin_domain::FieldError::new(f, tuijin_domain::Problem::NotAllowed)
                                .message(lang),
                        })
                        .collect(),
                    current: None,
                }
            }
            ApiError::NotFound { entity } => {
                let what = field_label(entity, lang);
                let message = match lang {
                    Lang::Zh => format!("找不到该{what}"),
                    Lang::En => format!("no such {what}"),
                };
                plain("not_found", &message)
            }
            ApiError::BadRequest { field, detail } => {
                let message = match (field, lang) {
                    (Some(f), Lang::Zh) => format!("{}格式不正确：{detail}", field_label(f, lang)),
                    (Some(f), Lang::En) => format!("{} is not valid: {detail}", field_label(f, lang)),
                    (None, Lang::Zh) => format!("请求格式不正确：{detail}"),
                    (None, Lang::En) => format!("the request is not valid: {detail}"),
                };
                ErrorBody { field: field.clone(), ..plain("bad_request", &message) }
            }
            ApiError::TooLarge => plain(
                "payload_too_large",
                lang.pick(
                    "请求内容过大，超出了此接口接受的上限",
                    "the request body is larger than this endpoint accepts",
                ),
            ),
            ApiError::Invalid(inv) => {
                let errors: Vec<FieldErrorBody> = inv
                    .0
                    .iter()
                    .map(|e| FieldErrorBody {
                        field: e.field.clone(),
                        code: e.problem.code(),
                        message: e.message(lang),
                    })
                    .collect();
                ErrorBody {
                    code: "validation_failed",
                    field: errors.first().map(|e| e.field.clone()),
                    message: errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(lang.pick("；", "; ")),
                    errors,
                    current: None,
                }
            }
            ApiError::Conflict { current } => ErrorBody {
                current: Some(current.clone()),
                ..plain(
                    "version_conflict",
                    lang.pick(
                        "该记录已被他人修改，请查看最新内容后重新提交",
                        "someone else changed this record; review the current state and apply your change again",
                    ),
                )
            },
            ApiError::Unsupported(what) => plain("unsupported", what),
            ApiError::Internal => plain("internal", lang.pick("服务器内部错误", "internal server error")),
        }
    }
}

impl From<Invalid> for ApiError {
    fn from(i: Invalid) -> Self {
        ApiError::Invalid(i)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { entity, .. } => ApiError::NotFound { entity },
            StoreError::Conflict { current } => ApiError::Conflict { current },
            StoreError::Invalid(i) => ApiError::Invalid(i),
            StoreError::Unsupported(w) => ApiError::Unsupported(w),
            other => {
                tracing::error!(error = %other, "storage error");
                ApiError::Internal
            }
        }
    }
}

/// The error travels in the response extensions until `localize` renders
/// it, because only the request knows the caller's language.
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = self.status().into_response();
        res.extensions_mut().insert(self);
        res
    }
}

/// Renders an error in `lang` (used by the middleware).
pub fn render(err: &ApiError, lang: Lang) -> Response {
    (err.status(), Json(err.body(lang))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tuijin_domain::Problem;

    #[test]
    fn statuses_follow_the_kind_of_error() {
        assert_eq!(ApiError::Unauthorized.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(ApiError::ForbiddenFields(vec!["x".into()]).status(), StatusCode::FORBIDDEN);
        assert_eq!(ApiError::Invalid(Invalid::default()).status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(ApiError::Conflict { current: serde_json::Value::Null }.status(), StatusCode::CONFLICT);
        assert_eq!(ApiError::BadRequest { field: None, detail: String::new() }.status(), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn invalid_bodies_list_every_field_and_lead_with_the_first() {
        let mut inv = Invalid::default();
        inv.push("title", Problem::Required);
        inv.push("due_date", Problem::DueBeforeStart);
        let b = ApiError::Invalid(inv).body(Lang::Zh);
        assert_eq!(b.field.as_deref(), Some("title"));
        assert_eq!(b.errors.len(), 2);
        assert_eq!(b.message, "标题不能为空；完成时限不能早于开始日期");
    }

    #[test]
    fn internal_errors_say_little() {
        let b = ApiError::Internal.body(Lang::En);
        assert_eq!((b.code, b.message.as_str()), ("internal", "internal server error"));
    }

    #[test]
    fn storage_errors_map_to_api_errors() {
        let e: ApiError = StoreError::NotFound { entity: "task", id: 3 }.into();
        assert_eq!(e.body(Lang::Zh).message, "找不到该任务");
        let e: ApiError = StoreError::Corrupt("x".into()).into();
        assert!(matches!(e, ApiError::Internal));
    }
}
