//! 消息提醒: the signed-in account's reminders, newest first, the
//! unacknowledged in bold, each with its link and a 已知悉 button.

use super::format::short_date;
use super::i18n::Tr;
use super::login::csrf_refusal;
use super::session::WebUser;
use super::{render, UserChrome};
use crate::http::{ApiError, AppState};
use crate::storage::Notification;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tuijin_domain::Id;

/// One reminder as the page shows it.
pub struct Item {
    pub id: Id,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub when: String,
    pub acknowledged: Option<String>,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct InboxPage {
    t: Tr,
    user: Option<UserChrome>,
    items: Vec<Item>,
    unread_only: bool,
}

impl InboxPage {
    fn csrf(&self) -> &str {
        self.user.as_ref().map(|u| u.csrf.as_str()).unwrap_or("")
    }
}

/// "3月2日 09:30" in the server's time zone (the office's).
fn moment(at: chrono::DateTime<chrono::Utc>, t: Tr) -> String {
    let local = at.with_timezone(&chrono::Local);
    let today = chrono::Local::now().date_naive();
    format!("{} {}", short_date(local.date_naive(), today, t.lang), local.format("%H:%M"))
}

/// The kind in words when it is one the rules are known to use.
fn kind_label(kind: &str, t: Tr) -> String {
    let key = format!("notify.kind.{kind}");
    match t.get(&key) {
        label if label == key => kind.to_string(),
        label => label.to_string(),
    }
}

fn item(n: Notification, t: Tr) -> Item {
    Item {
        id: n.id,
        kind: kind_label(&n.kind, t),
        when: moment(n.created_at, t),
        acknowledged: n.acknowledged_at.map(|at| moment(at, t)),
        title: n.title,
        body: n.body,
        link: n.link,
    }
}

#[derive(Deserialize)]
pub struct InboxQuery {
    #[serde(default)]
    unread: Option<String>,
}

pub async fn page(State(s): State<AppState>, user: WebUser, Query(q): Query<InboxQuery>) -> Response {
    let unread_only = q.unread.is_some_and(|u| u == "1" || u == "true");
    let items = match s.store.inbox(user.actor.user_id, unread_only, 200).await {
        Ok(items) => items,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let t = user.tr;
    render(&InboxPage {
        t,
        user: Some((&user).into()),
        items: items.into_iter().map(|n| item(n, t)).collect(),
        unread_only,
    })
}

#[derive(Deserialize)]
pub struct AckForm {
    csrf: String,
}

/// 已知悉, then back to the inbox (the header's count drops with it).
pub async fn acknowledge(
    State(s): State<AppState>,
    user: WebUser,
    Path(id): Path<Id>,
    Form(f): Form<AckForm>,
) -> Response {
    if let Some(refusal) = csrf_refusal(&user, &f.csrf) {
        return refusal;
    }
    match s.store.acknowledge(id, user.actor.user_id, chrono::Utc::now()).await {
        Ok(Some(_)) => Redirect::to("/notifications").into_response(),
        Ok(None) => (StatusCode::FORBIDDEN, user.tr.get("notify.refused").to_string()).into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}
