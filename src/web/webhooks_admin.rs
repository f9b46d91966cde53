//! 群机器人: the office connects units to their DingTalk, WeCom or Feishu
//! groups; reminders to a unit are posted there too.

use super::i18n::Tr;
use super::login::csrf_refusal;
use super::session::WebUser;
use super::{render, UserChrome};
use crate::http::{ApiError, AppState};
use crate::storage::{NewWebhook, RobotKind};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;
use tuijin_domain::Id;

/// A robot as listed: its URL without the token, which stays on the server.
pub struct Row {
    pub id: Id,
    pub unit: String,
    pub kind: String,
    pub url: String,
    pub signed: bool,
    pub enabled: bool,
}

#[derive(Template)]
#[template(path = "webhooks.html")]
struct WebhooksPage {
    t: Tr,
    user: Option<UserChrome>,
    rows: Vec<Row>,
    units: Vec<(Id, String)>,
    kinds: Vec<(&'static str, String)>,
    message: Option<String>,
    errors: Vec<String>,
}

impl WebhooksPage {
    fn csrf(&self) -> &str {
        self.user.as_ref().map(|u| u.csrf.as_str()).unwrap_or("")
    }
}

fn office_only(user: &WebUser) -> Option<Response> {
    (!user.actor.may_edit_ledger_structure())
        .then(|| (StatusCode::FORBIDDEN, user.tr.get("ref.refused").to_string()).into_response())
}

fn robot_label(kind: RobotKind, t: Tr) -> String {
    t.get(&format!("robot.{}", kind.as_str())).to_string()
}

/// `https://oapi.dingtalk.com/robot/send?access_token=…`: the token is
/// the robot's password, so the page shows only where it points.
fn shown_url(url: &str) -> String {
    match url.split_once('?') {
        Some((base, _)) => format!("{base}?…"),
        None => url.to_string(),
    }
}

async fn show(
    s: &AppState,
    user: &WebUser,
    status: StatusCode,
    message: Option<String>,
    errors: Vec<String>,
) -> Response {
    let t = user.tr;
    let loaded = async { Ok::<_, ApiError>((s.store.list_units().await?, s.store.list_webhooks(None).await?)) };
    let (units, hooks) = match loaded.await {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let units: Vec<(Id, String)> = units.into_iter().map(|u| (u.id, u.fields.name)).collect();
    let unit_name = |id: Id| units.iter().find(|(u, _)| *u == id).map(|(_, n)| n.clone()).unwrap_or_default();
    let rows = hooks
        .into_iter()
        .map(|h| Row {
            id: h.id,
            unit: unit_name(h.unit_id),
            kind: robot_label(h.kind, t),
            url: shown_url(&h.url),
            signed: h.has_secret,
            enabled: h.enabled,
        })
        .collect();
    let kinds = RobotKind::ALL.iter().map(|k| (k.as_str(), robot_label(*k, t))).collect();
    let mut res = render(&WebhooksPage { t, user: Some(user.into()), rows, units, kinds, message, errors });
    *res.status_mut() = status;
    res
}

pub async fn page(State(s): State<AppState>, user: WebUser) -> Response {
    if let Some(r) = office_only(&user) {
        return r;
    }
    show(&s, &user, StatusCode::OK, None, Vec::new()).await
}

#[derive(Deserialize)]
pub struct AddForm {
    csrf: String,
    unit_id: String,
    kind: String,
    url: String,
    #[serde(default)]
    secret: String,
}

pub async fn add(State(s): State<AppState>, user: WebUser, Form(f): Form<AddForm>) -> Response {
    if let Some(r) = office_only(&user).or_else(|| csrf_refusal(&user, &f.csrf)) {
        return r;
    }
    let t = user.tr;
    let (Ok(unit), Some(kind)) = (f.unit_id.parse::<Id>(), RobotKind::parse(&f.kind)) else {
        return show(&s, &user, StatusCode::UNPROCESSABLE_ENTITY, None, vec![t.get("hooks.choose").to_string()]).await;
    };
    let new = NewWebhook { kind, url: f.url.trim().to_string(), secret: f.secret.trim().to_string(), enabled: true };
    match s.store.create_webhook(unit, &new).await.map_err(ApiError::from) {
        Ok(_) => show(&s, &user, StatusCode::OK, Some(t.get("hooks.added").to_string()), Vec::new()).await,
        Err(ApiError::Invalid(inv)) => {
            let errors = inv.messages(t.lang);
            show(&s, &user, StatusCode::UNPROCESSABLE_ENTITY, None, errors).await
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub struct DeleteForm {
    csrf: String,
}

pub async fn delete(
    State(s): State<AppState>,
    user: WebUser,
    Path(id): Path<Id>,
    Form(f): Form<DeleteForm>,
) -> Response {
    if let Some(r) = office_only(&user).or_else(|| csrf_refusal(&user, &f.csrf)) {
        return r;
    }
    match s.store.delete_webhook(id).await {
        Ok(()) => show(&s, &user, StatusCode::OK, Some(user.tr.get("hooks.deleted").to_string()), Vec::new()).await,
        Err(e) => ApiError::from(e).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_does_not_show_a_robots_token() {
        assert_eq!(
            shown_url("https://oapi.dingtalk.com/robot/send?access_token=abc"),
            "https://oapi.dingtalk.com/robot/send?…"
        );
        assert_eq!(
            shown_url("https://open.feishu.cn/open-apis/bot/v2/hook/x"),
            "https://open.feishu.cn/open-apis/bot/v2/hook/x"
        );
    }
}
