//! The API's routes and its OpenAPI 3 document, built from the same
//! handler annotations so they cannot drift apart.

use super::{
    followup, lamps, ledger, meetings, notifications, people, reference, reports, tasks, tokens, webhooks, AppState,
};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "tuijin (推进) API", description = "Key-task supervision: the ledger of key works, tasks, milestones and relations. \
        Every request needs `Authorization: Bearer <token>` (create one with `tuijin token create --user NAME`). \
        Errors are JSON with `code`, `field` and `message`; the message follows `Accept-Language` (zh-CN by default, or en)."),
    servers((url = "/api/v1")),
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

pub fn api_router() -> OpenApiRouter<AppState> {
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
