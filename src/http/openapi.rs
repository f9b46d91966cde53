//! The API's routes and its OpenAPI 3 document, built from the same
//! handler annotations so they cannot drift apart.
//!
//! Each handler's annotation declares its path parameters, its query
//! parameters, its body and the answers that depend on what it does (403,
//! 409, 422, with the types below). The answers that follow from an
//! operation's shape alone — 401 for every authenticated one, 400 for any
//! input, 404 for an id in the path, 413 for a body, 500 — are added by
//! [`add_standard_answers`] once the whole document is assembled, so a new
//! endpoint cannot forget them. `tests/api/openapi.rs` checks the served
//! document for both.

use super::error::{ErrorBody, FieldErrorBody};
use super::{
    followup, lamps, ledger, meetings, notifications, people, reference, reports, tasks, tokens, webhooks, AppState,
};
use std::collections::BTreeMap;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{IntoResponses, Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "tuijin (推进) API", description = "Key-task supervision: the ledger of key works, tasks, milestones and relations. \
        Every request needs `Authorization: Bearer <token>` (create one with `tuijin token create --user NAME`). \
        Errors are JSON with `code`, `field` and `message`; the message follows `Accept-Language` (zh-CN by default, or en)."),
    servers((url = "/api/v1")),
    components(schemas(ErrorBody, FieldErrorBody)),
    modifiers(&BearerAuth),
    security(("token" = []))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// An error answer: its description, with the [`ErrorBody`] as JSON.
fn error_answer(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build())
        .build()
        .into()
}

/// Declares answer types for `responses(...)` in handler annotations, one
/// status each, so the 40-odd annotations that give them do not repeat
/// the description.
macro_rules! answers {
    ($($(#[$doc:meta])* $name:ident = $status:literal, $description:literal;)*) => {
        $(
            $(#[$doc])*
            pub struct $name;

            impl IntoResponses for $name {
                fn responses() -> BTreeMap<String, RefOr<Response>> {
                    BTreeMap::from([($status.to_string(), error_answer($description))])
                }
            }
        )*
    };
}

answers! {
    /// The role may not do this at all, or not to these fields (`errors` names them).
    Forbidden = "403", "Forbidden: the role (or a liaison's unit) may not do this, or not to the fields named in `errors`.";
    /// The version sent is stale.
    Conflict = "409", "Version conflict: someone changed it since; `current` holds what is stored now.";
    /// The input was read but breaks the rules.
    Unprocessable = "422", "Validation failed: `errors` names each field at fault (also unknown references, duplicates, rows still in use, control characters in text).";
}

/// What an operation's shape alone says it can answer, added to every
/// operation that does not declare it itself: 401 (it needs a token), 400
/// (any path or query parameter or body can be unreadable), 404 (an id in
/// the path), 413 (a body can be too large), 422 (any request whose query
/// string or body holds a control character is refused before it reaches
/// the operation, see `text_guard`) and 500.
pub fn add_standard_answers(doc: &mut utoipa::openapi::OpenApi) {
    let secured_by_default = doc.security.as_ref().is_some_and(|s| !s.is_empty());
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        for op in operations.into_iter().flatten() {
            add_answers_by_shape(op, secured_by_default);
        }
    }
}

fn add_answers_by_shape(op: &mut Operation, secured_by_default: bool) {
    let params = op.parameters.as_deref().unwrap_or_default();
    let has_path = params.iter().any(|p| p.parameter_in == ParameterIn::Path);
    let has_input = !params.is_empty() || op.request_body.is_some();
    let secured = op.security.as_ref().map_or(secured_by_default, |s| !s.is_empty());
    let mut add = |status: &str, description: &str| {
        op.responses.responses.entry(status.to_string()).or_insert_with(|| error_answer(description));
    };
    if has_input {
        add(
            "400",
            "Unreadable input: a path or query parameter or the body cannot be read as declared (`field` names it).",
        );
    }
    if secured {
        add("401", "No token, an unknown one, or one whose account is disabled.");
    }
    if has_path {
        add("404", "Nothing has that id.");
    }
    if op.request_body.is_some() {
        add("413", "The body is larger than allowed (2 MB; 10 MB for evidence files).");
    }
    add("422", "A text in the query string or the body holds a control character (`field` names it).");
    add("500", "Internal error: logged on the server; the message says no more.");
}

/// The API's routes and their document, with the standard answers added
/// and ids written as plain integers.
pub fn api() -> (axum::Router<AppState>, serde_json::Value) {
    let (router, mut doc) = api_router().split_for_parts();
    add_standard_answers(&mut doc);
    let mut doc = serde_json::to_value(&doc).expect("the OpenAPI document is JSON");
    inline_ids(&mut doc);
    (router, doc)
}

/// utoipa writes every `Id` (an alias of `i64`) as a reference to a schema
/// named `i64`, which generated clients would turn into a type of that
/// name. An id is a plain 64-bit integer, so it is written as one.
fn inline_ids(doc: &mut serde_json::Value) {
    const ID_REF: &str = "#/components/schemas/i64";
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                if map.get("$ref").and_then(|r| r.as_str()) == Some(ID_REF) {
                    map.remove("$ref");
                    map.insert("type".into(), "integer".into());
                    map.insert("format".into(), "int64".into());
                }
                map.values_mut().for_each(walk);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(doc);
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(|s| s.as_object_mut()) {
        schemas.remove("i64");
    }
}

fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(reference::list_units, reference::create_unit))
        .routes(routes!(reference::get_unit, reference::update_unit, reference::delete_unit))
        .routes(routes!(people::list_people, people::create_person))
        .routes(routes!(people::get_person, people::update_person, people::delete_person))
        .routes(routes!(reference::list_key_works, reference::create_key_work))
        .routes(routes!(reference::get_key_work, reference::update_key_work, reference::delete_key_work))
        .routes(routes!(tasks::list_tasks, tasks::create_task))
        .routes(routes!(tasks::get_task, tasks::update_task, tasks::delete_task))
        .routes(routes!(tasks::task_history))
        .routes(routes!(ledger::list_milestones, ledger::create_milestone))
        .routes(routes!(ledger::get_milestone, ledger::update_milestone, ledger::delete_milestone))
        .routes(routes!(ledger::list_relations, ledger::create_relation))
        .routes(routes!(ledger::get_relation, ledger::update_relation, ledger::delete_relation))
        .routes(routes!(people::me))
        .routes(routes!(people::list_users, people::create_user))
        .routes(routes!(people::update_user))
        .routes(routes!(tokens::list_tokens, tokens::create_token))
        .routes(routes!(tokens::revoke_token))
        .routes(routes!(tokens::sign_out))
        .routes(routes!(notifications::inbox))
        .routes(routes!(notifications::get_notification))
        .routes(routes!(notifications::acknowledge))
        .routes(routes!(webhooks::list_webhooks, webhooks::create_webhook))
        .routes(routes!(webhooks::delete_webhook))
        .routes(routes!(reports::list_reports))
        .routes(routes!(lamps::task_lamp))
        .routes(routes!(followup::list_instructions, followup::create_instruction))
        .routes(routes!(followup::reply))
        .routes(routes!(followup::list_extensions, followup::request_extension))
        .routes(routes!(followup::decide))
        .routes(routes!(lamps::board))
        .routes(routes!(meetings::list_meetings, meetings::create_meeting))
        .routes(routes!(meetings::get_meeting, meetings::update_meeting, meetings::delete_meeting))
        .routes(routes!(meetings::save_minutes))
        .routes(routes!(meetings::meeting_history))
        .routes(routes!(meetings::generate_agenda))
        .routes(routes!(meetings::list_agenda, meetings::add_agenda_item))
        .routes(routes!(meetings::edit_agenda_item, meetings::delete_agenda_item))
        .routes(routes!(meetings::move_agenda_item))
        .routes(routes!(meetings::list_decisions, meetings::create_decision))
        .routes(routes!(meetings::edit_decision))
        .routes(routes!(reports::write_report))
        .routes(routes!(reports::review_report))
        // Evidence may be larger than the default body limit (2 MB).
        .merge(
            OpenApiRouter::new()
                .routes(routes!(reports::upload_file))
                .layer(axum::extract::DefaultBodyLimit::max(crate::supervision::evidence::MAX_BYTES + 64 * 1024)),
        )
        .routes(routes!(reports::download_file, reports::delete_file))
}
