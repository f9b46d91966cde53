//! 填报情况: the reporting load per unit in one period — due, on time,
//! late, returned — for the office and leaders, with the previous and next
//! periods a click away.

use super::i18n::Tr;
use super::message::forbidden;
use super::names::Names;
use super::reports_list::period_text;
use super::session::WebUser;
use super::{render, UserChrome};
use crate::http::{today, ApiError, AppState};
use crate::supervision::load::{tally, Owed, UnitLoad};
use crate::supervision::{local_now, schedule_of};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{Days, NaiveDate};
use serde::Deserialize;
use std::collections::HashMap;
use tuijin_domain::period::Period;
use tuijin_domain::Id;

pub struct LoadLine {
    pub unit_id: Id,
    pub unit: String,
    pub load: UnitLoad,
    pub percent: String,
}

#[derive(Template)]
#[template(path = "reports_load.html")]
struct LoadPage {
    t: Tr,
    user: Option<UserChrome>,
    periods: Vec<String>,
    lines: Vec<LoadLine>,
    total: UnitLoad,
    prev: String,
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct Params {
    date: Option<NaiveDate>,
}

pub async fn page(State(s): State<AppState>, user: WebUser, Query(p): Query<Params>) -> Response {
    if !(user.actor.is_office() || user.actor.role == tuijin_domain::access::Role::Leader) {
        return forbidden(&user, "load.refused");
    }
    match build(&s, &user, p.date.unwrap_or_else(today)).await {
        Ok(page) => render(&page),
        Err(e) => e.into_response(),
    }
}

async fn build(s: &AppState, user: &WebUser, date: NaiveDate) -> Result<LoadPage, ApiError> {
    let t = user.tr;
    let today = today();
    let names = Names::load(s.store.as_ref()).await?;
    let key_works = s.store.list_key_works().await?;
    let periods: HashMap<Id, Period> =
        key_works.iter().map(|k| (k.id, schedule_of(k).period_containing(date))).collect();
    let mut starts: Vec<NaiveDate> = periods.values().map(|p| p.start).collect();
    starts.sort();
    starts.dedup();
    let owed: Vec<Owed> = s
        .store
        .open_tasks()
        .await?
        .into_iter()
        .filter_map(|task| {
            let period = *periods.get(&task.fields.key_work_id)?;
            Some(Owed { task_id: task.id, unit_id: task.fields.lead_unit_id, period })
        })
        .collect();
    let rows: Vec<_> = s
        .store
        .report_load_rows(&starts)
        .await?
        .into_iter()
        .map(|r| {
            let at = r.submitted_at.map(|x| x.with_timezone(&chrono::Local).naive_local());
            (r, at)
        })
        .collect();
    let counts = tally(&owed, &rows, &periods, local_now());
    let mut total = UnitLoad::default();
    let mut lines: Vec<LoadLine> = counts
        .into_iter()
        .map(|(unit_id, load)| {
            total.due += load.due;
            total.on_time += load.on_time;
            total.late += load.late;
            total.returned += load.returned;
            LoadLine {
                unit_id,
                unit: names.unit(unit_id),
                percent: load.on_time_percent().map(|p| format!("{p}%")).unwrap_or_default(),
                load,
            }
        })
        .collect();
    lines.sort_by(|a, b| b.load.late.cmp(&a.load.late).then(a.unit.cmp(&b.unit)));
    let mut shown: Vec<Period> = periods.values().copied().collect();
    shown.sort_by_key(|p| p.start);
    shown.dedup();
    let first = shown.first().map(|p| p.start).unwrap_or(date);
    let last = shown.last().map(|p| p.end).unwrap_or(date);
    Ok(LoadPage {
        t,
        user: Some(user.into()),
        periods: shown.iter().map(|p| period_text(p, t, today)).collect(),
        lines,
        total,
        prev: format!("/reports/load?date={}", first - Days::new(1)),
        next: (last < today).then(|| format!("/reports/load?date={}", last + Days::new(1))),
    })
}
