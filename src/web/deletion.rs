//! Deleting from the browser: one confirmation page for every kind of row
//! (GET shows what will go and what goes with it, POST deletes). Only the
//! office deletes; the store keeps every deleted row in the history, and
//! refuses rows still referenced (a unit that leads tasks, a task with
//! sub-tasks) with a message naming why.

use super::format::date;
use super::i18n::Tr;
use super::login::{csrf_refusal, safe_next};
use super::message::{forbidden, refusal};
use super::session::WebUser;
use super::{render, UserChrome};
use crate::http::{ApiError, AppState};
use crate::storage::TaskQuery;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tuijin_domain::Id;

/// What can be deleted, as named in the URL.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Task,
    Milestone,
    Relation,
    Unit,
    Person,
    KeyWork,
}

impl Kind {
    fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "task" => Kind::Task,
            "milestone" => Kind::Milestone,
            "relation" => Kind::Relation,
            "unit" => Kind::Unit,
            "person" => Kind::Person,
            "key-work" => Kind::KeyWork,
            _ => return None,
        })
    }

    fn label_key(self) -> &'static str {
        match self {
            Kind::Task => "del.task",
            Kind::Milestone => "del.milestone",
            Kind::Relation => "del.relation",
            Kind::Unit => "del.unit",
            Kind::Person => "del.person",
            Kind::KeyWork => "del.key_work",
        }
    }
}

#[derive(Template)]
#[template(path = "confirm_delete.html")]
struct ConfirmPage {
    t: Tr,
    user: Option<UserChrome>,
    heading: String,
    what: String,
    consequences: Vec<String>,
    /// Set when the deletion would be refused anyway; no button then.
    blocked: Option<String>,
    action: String,
    back: String,
}

/// What the confirmation says about a row, and where to go afterwards.
struct Described {
    what: String,
    consequences: Vec<String>,
    blocked: Option<String>,
    /// Where the user returns after deleting (the row's page is gone).
    after: String,
    /// Where "cancel" leads.
    back: String,
}

async fn describe(s: &AppState, t: Tr, kind: Kind, id: Id, from: Option<&str>) -> Result<Described, ApiError> {
    let plain = |what: String, after: &str| Described {
        what,
        consequences: Vec::new(),
        blocked: None,
        after: after.to_string(),
        back: after.to_string(),
    };
    let task_text = |code: &str, title: &str| format!("{code} {title}");
    Ok(match kind {
        Kind::Task => {
            let task = s.store.get_task(id).await?;
            let milestones = s.store.list_milestones(id).await?.len();
            let relations = s.store.list_relations(Some(id)).await?.len();
            let mut q = TaskQuery::new(crate::http::today());
            q.parent_id = Some(id);
            q.per_page = 1;
            let children = s.store.list_tasks(&q).await?.total;
            let n = |v: usize| v.to_string();
            Described {
                what: task_text(&task.fields.code, &task.fields.title),
                consequences: vec![
                    t.fill("del.with_items", &[("m", &n(milestones)), ("r", &n(relations))]),
                    t.get("del.kept").to_string(),
                ],
                blocked: (children > 0).then(|| t.fill("del.has_children", &[("n", &children.to_string())])),
                after: format!("/ledger?key_work={}", task.fields.key_work_id),
                back: format!("/tasks/{id}"),
            }
        }
        Kind::Milestone => {
            let m = s.store.get_milestone(id).await?;
            let mut d = plain(
                format!("{}（{}）", m.fields.title, date(m.fields.planned_date, t.lang)),
                &format!("/tasks/{}", m.task_id),
            );
            d.consequences.push(t.get("del.kept").to_string());
            d
        }
        Kind::Relation => {
            let r = s.store.get_relation(id).await?;
            let a = s.store.get_task(r.fields.predecessor_id).await?;
            let b = s.store.get_task(r.fields.successor_id).await?;
            let back = from.map(|f| safe_next(Some(f))).unwrap_or_else(|| format!("/tasks/{}", a.id));
            let mut d = plain(
                format!(
                    "{} {} {}",
                    task_text(&a.fields.code, &a.fields.title),
                    t.get("task.precedes"),
                    task_text(&b.fields.code, &b.fields.title)
                ),
                &back,
            );
            d.consequences.push(t.get("del.kept").to_string());
            d
        }
        Kind::Unit => plain(s.store.get_unit(id).await?.fields.name, "/admin/units"),
        Kind::Person => plain(s.store.get_person(id).await?.fields.name, "/admin/people"),
        Kind::KeyWork => plain(s.store.get_key_work(id).await?.fields.name, "/admin/key-works"),
    })
}

#[derive(Deserialize)]
pub struct From {
    from: Option<String>,
}

fn not_found() -> Response {
    ApiError::NotFound { entity: "page" }.into_response()
}

pub async fn confirm(
    State(s): State<AppState>,
    user: WebUser,
    Path((kind, id)): Path<(String, Id)>,
    Query(q): Query<From>,
) -> Response {
    let kind_name = kind.clone();
    let Some(kind) = Kind::parse(&kind) else {
        return not_found();
    };
    if !user.actor.may_edit_ledger_structure() {
        return forbidden(&user, "del.refused");
    }
    let t = user.tr;
    let d = match describe(&s, t, kind, id, q.from.as_deref()).await {
        Ok(d) => d,
        Err(e) => return e.into_response(),
    };
    let mut action = format!("/delete/{kind_name}/{id}");
    if let Some(from) = q.from.as_deref() {
        action.push_str("?from=");
        action.push_str(&form_urlencoded::byte_serialize(safe_next(Some(from)).as_bytes()).collect::<String>());
    }
    render(&ConfirmPage {
        t,
        user: Some((&user).into()),
        heading: t.get(kind.label_key()).to_string(),
        what: d.what,
        consequences: d.consequences,
        blocked: d.blocked,
        action,
        back: d.back,
    })
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

pub async fn delete(
    State(s): State<AppState>,
    user: WebUser,
    Path((kind, id)): Path<(String, Id)>,
    Query(q): Query<From>,
    Form(f): Form<CsrfOnly>,
) -> Response {
    if let Some(r) = csrf_refusal(&user, &f.csrf) {
        return r;
    }
    let Some(kind) = Kind::parse(&kind) else {
        return not_found();
    };
    if !user.actor.may_edit_ledger_structure() {
        return forbidden(&user, "del.refused");
    }
    let d = match describe(&s, user.tr, kind, id, q.from.as_deref()).await {
        Ok(d) => d,
        Err(e) => return e.into_response(),
    };
    let a = &user.actor;
    let result = match kind {
        Kind::Task => s.store.delete_task(a, id).await,
        Kind::Milestone => s.store.delete_milestone(a, id).await,
        Kind::Relation => s.store.delete_relation(a, id).await,
        Kind::Unit => s.store.delete_unit(a, id).await,
        Kind::Person => s.store.delete_person(a, id).await,
        Kind::KeyWork => s.store.delete_key_work(a, id).await,
    };
    match result {
        Ok(()) => Redirect::to(&d.after).into_response(),
        Err(e) => refusal(&user, e.into(), &d.back),
    }
}
