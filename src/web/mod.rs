//! The web interface: server-rendered pages (askama escapes by default),
//! every asset embedded, forms that work without JavaScript and carry a
//! CSRF token.

mod account;
mod chart;
mod dashboard;
mod deletion;
mod documents;
mod followup_forms;
mod form;
mod format;
mod history;
mod i18n;
mod import_pages;
mod ledger;
mod login;
mod meeting_forms;
mod meeting_page;
mod meetings;
mod message;
mod milestone_edit;
mod names;
mod notifications;
mod reference_admin;
mod relations;
mod report_form;
mod reports_list;
mod reports_load;
mod session;
mod task_edit;
mod task_new;
mod task_page;
mod users;
mod webhooks_admin;

pub use message::plain_message;
pub use names::Names;
pub use session::browser_lang;

use crate::http::AppState;
use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::page))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/language", post(login::language))
        .route("/ledger", get(ledger::page))
        .route("/ledger/export", get(ledger::export))
        .route(
            "/ledger/import",
            get(import_pages::upload_form)
                .post(import_pages::upload)
                .layer(axum::extract::DefaultBodyLimit::max(import_pages::MAX_UPLOAD)),
        )
        .route("/imports/{id}", get(import_pages::page))
        .route("/imports/{id}/options", post(import_pages::options))
        .route("/imports/{id}/commit", post(import_pages::commit))
        .route("/imports/{id}/cancel", post(import_pages::cancel))
        .route("/reports", get(reports_list::page))
        .route("/reports/load", get(reports_load::page))
        .route("/documents", get(documents::chooser))
        .route("/documents/{kind}", get(documents::document))
        .route("/tasks/{id}/report", get(report_form::form_page).post(report_form::submit))
        .route("/reports/{id}/review", post(report_form::review))
        .route(
            "/reports/{id}/files",
            post(report_form::upload)
                .layer(axum::extract::DefaultBodyLimit::max(crate::supervision::evidence::MAX_BYTES + 64 * 1024)),
        )
        .route("/files/{id}", get(report_form::download))
        .route("/files/{id}/delete", post(report_form::remove_file))
        .route("/tasks/new", get(task_new::form_page).post(task_new::create))
        .route("/tasks/{id}", get(task_page::page))
        .route("/tasks/{id}/relations", post(relations::add))
        .route("/tasks/{id}/instructions", post(followup_forms::instruct))
        .route("/instructions/{id}/replies", post(followup_forms::reply))
        .route("/tasks/{id}/extensions", post(followup_forms::request_extension))
        .route("/extensions/{id}/decision", post(followup_forms::decide))
        .route("/meetings", get(meetings::list).post(meetings::create))
        .route("/meetings/new", get(meetings::form_page))
        .route("/meetings/{id}", get(meeting_page::page).post(meeting_forms::save))
        .route("/meetings/{id}/minutes", post(meeting_forms::save_minutes))
        .route("/meetings/{id}/delete", post(meeting_forms::delete))
        .route("/meetings/{id}/agenda", post(meeting_forms::add_item))
        .route("/meetings/{id}/agenda/generate", post(meeting_forms::generate))
        .route("/agenda-items/{id}", post(meeting_forms::item))
        .route("/meetings/{id}/decisions", post(meeting_forms::add_decision))
        .route("/decisions/{id}", post(meeting_forms::edit_decision))
        .route("/delete/{kind}/{id}", get(deletion::confirm).post(deletion::delete))
        .route("/tasks/{id}/edit", get(task_edit::form_page).post(task_edit::submit))
        .route("/milestones/{id}/edit", get(milestone_edit::form_page).post(milestone_edit::submit))
        .route("/tasks/{id}/milestones", post(milestone_edit::add))
        .route("/admin/units", get(reference_admin::units).post(reference_admin::add_unit))
        .route("/admin/units/{id}", post(reference_admin::save_unit))
        .route("/admin/people", get(reference_admin::people).post(reference_admin::add_person))
        .route("/admin/people/{id}", post(reference_admin::save_person))
        .route("/admin/key-works", get(reference_admin::key_works).post(reference_admin::add_key_work))
        .route("/admin/key-works/{id}", post(reference_admin::save_key_work))
        .route("/account", get(account::page))
        .route("/account/password", post(account::change_password))
        .route("/account/sessions/end", post(account::end_other_sessions))
        .route("/account/tokens", post(account::create_token))
        .route("/tokens/{id}/revoke", post(account::revoke_token))
        .route("/admin/users", get(users::users).post(users::add_user))
        .route("/admin/users/{id}", post(users::change_user))
        .route("/admin/users/{id}/password", post(users::reset_password))
        .route("/admin/users/{id}/sign-out", post(users::sign_out))
        .route("/notifications", get(notifications::page))
        .route("/notifications/{id}/ack", post(notifications::acknowledge))
        .route("/admin/webhooks", get(webhooks_admin::page).post(webhooks_admin::add))
        .route("/admin/webhooks/{id}/delete", post(webhooks_admin::delete))
        .route("/static/app.css", get(css))
}

async fn css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../static/app.css"),
    )
}

/// What the page frame shows of the signed-in user.
pub struct UserChrome {
    pub name: String,
    pub csrf: String,
    pub admin: bool,
    pub office: bool,
    /// Unacknowledged reminders (消息提醒).
    pub unread: i64,
}

impl From<&session::WebUser> for UserChrome {
    fn from(u: &session::WebUser) -> Self {
        UserChrome {
            name: u.actor.display_name.clone(),
            csrf: u.csrf.clone(),
            admin: u.actor.may_manage_accounts(),
            office: u.actor.may_edit_ledger_structure(),
            unread: u.unread,
        }
    }
}

/// Renders a page; a template error is logged and shown as a plain 500.
pub fn render<T: Template>(page: &T) -> Response {
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}
