//! The HTTP layer: the REST API under `/api/v1`, its OpenAPI document, and
//! `/healthz`. Handlers parse input into domain types, ask the access
//! rules, and call storage; nothing else.

mod error;
mod extract;
mod followup;
mod lamps;
mod ledger;
mod meetings;
mod notifications;
mod openapi;
mod people;
mod reference;
mod reports;
mod security_headers;
mod tasks;
mod text_guard;
mod tokens;
mod webhooks;

pub use error::{ApiError, ErrorBody};
pub use people::{change_user, parse_new_user, NewUserBody, UserPatch};
pub use reference::check_version as check_version_of;
pub use reports::file_response;
pub use tasks::{check_fields, today, TaskListParams};

use crate::storage::Store;
use axum::extract::Request;
use axum::http::header;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use tower_http::catch_panic::CatchPanicLayer;
use tuijin_domain::Lang;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    /// Sign-in: the throttle, device cookies, trusted proxies.
    pub signin: Arc<crate::credentials::signin::SignIn>,
    /// Cookies only over HTTPS (the public address is https://).
    pub secure_cookies: bool,
    /// The lamp thresholds of this deployment.
    pub lamp_config: Arc<tuijin_domain::lamp::LampConfig>,
    /// Lamps of the whole ledger, kept fresh in the background for the overview.
    pub board: Arc<crate::supervision::board::Board>,
    /// Excel imports between upload and commit.
    pub imports: Arc<crate::sheets::import::jobs::Imports>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>) -> AppState {
        AppState {
            store,
            signin: Arc::default(),
            secure_cookies: false,
            lamp_config: Arc::default(),
            board: Arc::default(),
            imports: Arc::default(),
        }
    }
}

/// The whole application as a router, ready to serve.
pub fn router(state: AppState) -> Router {
    let (api, doc) = openapi::api();
    // Serialized once: the document does not change while the server runs.
    let doc = axum::body::Bytes::from(serde_json::to_vec(&doc).expect("the OpenAPI document is JSON"));
    Router::new()
        .nest("/api/v1", api)
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], doc) }
            }),
        )
        .route("/healthz", get(healthz))
        .merge(crate::web::routes())
        .fallback(|| async { ApiError::NotFound { entity: "route" } })
        .layer(middleware::from_fn(text_guard::refuse_control_characters))
        .layer(middleware::from_fn(localize))
        // A bug that panics answers 500 like any internal error, not a dropped connection.
        .layer(CatchPanicLayer::custom(|_| ApiError::Internal.into_response()))
        .layer(middleware::from_fn_with_state(state.clone(), security_headers::add))
        .with_state(state)
}

async fn healthz() -> &'static str {
    "ok"
}

/// Renders any [`ApiError`] a handler returned in the language the request
/// asked for (`Accept-Language`), zh-CN by default.
async fn localize(req: Request, next: Next) -> Response {
    let lang = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default();
    let mut res = next.run(req).await;
    match res.extensions_mut().remove::<ApiError>() {
        Some(err) => error::render(&err, lang),
        None => res,
    }
}

/// Serves until ctrl-c or SIGTERM.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown()).await
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
