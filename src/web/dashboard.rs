//! 首页/总览: per key work, task counts by status with a small SVG bar,
//! overdue and due-soon counts linking into the ledger, targets and
//! investment; then the overdue list. A liaison sees their unit's tasks first.

use super::format::{money_wan, number, short_date};
use super::i18n::Tr;
use super::names::Names;
use super::session::WebUser;
use super::{render, UserChrome};
use crate::http::{today, ApiError, AppState};
use crate::storage::{Task, TaskQuery, TaskSort};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use rust_decimal::prelude::ToPrimitive;
use tuijin_domain::lamp::LampCounts;
use tuijin_domain::task::Status;
use tuijin_domain::Id;

/// Width of the bars in SVG units.
const BAR: f64 = 300.0;

pub struct Segment {
    pub x: String,
    pub width: String,
    pub class: &'static str,
    pub label: String,
}

pub struct Card {
    pub id: Id,
    pub name: String,
    pub lead_body: String,
    pub tasks: String,
    pub segments: Vec<Segment>,
    pub overdue: i64,
    pub overdue_text: String,
    pub due_soon_text: String,
    pub due_soon_link: String,
    pub targets: String,
    pub investment: String,
    /// Completed share of planned investment, as a bar width.
    pub invest_width: String,
    pub has_investment: bool,
    pub lamps: LampCounts,
    /// The last 12 periods' lamps, oldest first (empty where none were recorded).
    pub trend: Vec<TrendBar>,
}

/// One period's stacked bar: heights of red, yellow and green in SVG units.
pub struct TrendBar {
    pub x: String,
    pub red: (String, String),
    pub yellow: (String, String),
    pub green: (String, String),
    pub label: String,
}

/// Height of the trend chart in SVG units; 12 bars of 10 units with a gap of 2.
const TREND_H: f64 = 30.0;

fn trend_bar(i: usize, c: Option<LampCounts>, label: String) -> TrendBar {
    let total = c.map_or(0, |c| c.total()) as f64;
    let h = |n: usize| if total > 0.0 { TREND_H * n as f64 / total } else { 0.0 };
    let (r, y, g) = c.map_or((0.0, 0.0, 0.0), |c| (h(c.red), h(c.yellow), h(c.green)));
    // Stacked from the bottom: green, then yellow, then red on top.
    let seg = |y0: f64, height: f64| (format!("{:.1}", TREND_H - y0 - height), format!("{height:.1}"));
    TrendBar { x: format!("{}", i * 12), green: seg(0.0, g), yellow: seg(g, y), red: seg(g + y, r), label }
}

/// A red task with why.
pub struct RedLine {
    pub id: Id,
    pub code: String,
    pub title: String,
    pub unit: String,
    pub leaders: String,
    pub reasons: String,
}

/// A unit's lamps.
pub struct UnitLamps {
    pub name: String,
    pub lamps: LampCounts,
}

pub struct Line {
    pub id: Id,
    pub code: String,
    pub title: String,
    pub unit: String,
    pub leaders: String,
    pub due: String,
    pub late: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    t: Tr,
    user: Option<UserChrome>,
    cards: Vec<Card>,
    overdue: Vec<Line>,
    mine: Vec<Line>,
    red: Vec<RedLine>,
    red_total: usize,
    units: Vec<UnitLamps>,
    computed_at: String,
    /// The next work meeting: (id, "title, date time, place").
    next_meeting: Option<(Id, String)>,
}

pub async fn page(State(s): State<AppState>, user: WebUser) -> Response {
    match build(&s, &user).await {
        Ok(p) => render(&p),
        Err(e) => e.into_response(),
    }
}

fn status_class(code: &str) -> &'static str {
    match code {
        "done" => "seg-done",
        "in_progress" => "seg-progress",
        "paused" => "seg-paused",
        "cancelled" => "seg-cancelled",
        _ => "seg-waiting",
    }
}

fn lines(tasks: &[Task], names: &Names, t: Tr, today: chrono::NaiveDate) -> Vec<Line> {
    tasks
        .iter()
        .map(|task| {
            let f = &task.fields;
            let late = f.due_date.filter(|d| *d < today).map(|d| (today - d).num_days()).unwrap_or(0);
            Line {
                id: task.id,
                code: f.code.clone(),
                title: f.title.clone(),
                unit: names.unit(f.lead_unit_id),
                leaders: Names::join(f.leader_ids.iter().map(|p| names.person(*p))),
                due: f.due_date.map(|d| short_date(d, today, t.lang)).unwrap_or_default(),
                late: if late > 0 { t.fill("dash.days_late", &[("n", &late.to_string())]) } else { String::new() },
            }
        })
        .collect()
}

async fn build(s: &AppState, user: &WebUser) -> Result<Dashboard, ApiError> {
    let t = user.tr;
    let today = today();
    let names = Names::load(s.store.as_ref()).await?;
    let key_works = s.store.list_key_works().await?;
    let board = s.board.get(s.store.clone(), s.lamp_config.clone(), today).await?;
    let summaries = &board.summaries;
    let soon = today + chrono::Days::new(7);
    let since = today - chrono::Days::new(400);
    let history = s.store.lamp_history(since).await?;
    let cards = key_works
        .iter()
        .map(|kw| {
            let periods = crate::supervision::schedule_of(kw).last_periods(12, today);
            let trend = periods
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let c = history.iter().find(|(k, start, _)| *k == kw.id && *start == p.start).map(|(_, _, c)| *c);
                    let label = match c {
                        Some(c) => format!(
                            "{}：{} {} {} {} {} {}",
                            short_date(p.start, today, t.lang),
                            t.get("lamp.red"),
                            c.red,
                            t.get("lamp.yellow"),
                            c.yellow,
                            t.get("lamp.green"),
                            c.green
                        ),
                        None => format!("{}：{}", short_date(p.start, today, t.lang), t.get("lamp.no_record")),
                    };
                    trend_bar(i, c, label)
                })
                .collect();
            let sum = summaries.iter().find(|x| x.key_work_id == kw.id).cloned().unwrap_or_default();
            let mut x = 0.0;
            let segments = Status::ALL
                .iter()
                .filter_map(|st| {
                    let n = sum.by_status.iter().find(|(c, _)| c == st.as_str()).map(|(_, n)| *n).unwrap_or(0);
                    (n > 0 && sum.total > 0).then(|| {
                        let w = BAR * n as f64 / sum.total as f64;
                        let seg = Segment {
                            x: format!("{x:.1}"),
                            width: format!("{w:.1}"),
                            class: status_class(st.as_str()),
                            label: format!("{} {n}", st.label(t.lang)),
                        };
                        x += w;
                        seg
                    })
                })
                .collect();
            let share = if sum.planned_investment.is_zero() {
                0.0
            } else {
                (sum.completed_investment / sum.planned_investment).to_f64().unwrap_or(0.0).clamp(0.0, 1.0)
            };
            Card {
                id: kw.id,
                name: kw.fields.name.clone(),
                lead_body: names.unit(kw.fields.lead_body_unit_id),
                tasks: t.fill("dash.tasks", &[("n", &sum.total.to_string())]),
                segments,
                overdue: sum.overdue,
                overdue_text: t.fill("dash.overdue", &[("n", &sum.overdue.to_string())]),
                due_soon_text: t.fill("dash.due_soon", &[("n", &sum.due_soon.to_string())]),
                due_soon_link: format!(
                    "/ledger?key_work={}&due_from={today}&due_to={soon}&status=in_progress,not_started&sort=due_date",
                    kw.id
                ),
                targets: if sum.with_target > 0 {
                    t.fill("dash.targets", &[("n", &sum.with_target.to_string()), ("p", &number(sum.target_percent))])
                } else {
                    t.get("dash.no_targets").to_string()
                },
                investment: t.fill(
                    "dash.investment",
                    &[
                        ("planned", &money_wan(sum.planned_investment, t.lang)),
                        ("done", &money_wan(sum.completed_investment, t.lang)),
                    ],
                ),
                invest_width: format!("{:.1}", BAR * share),
                has_investment: !sum.planned_investment.is_zero(),
                lamps: board.by_key_work.get(&kw.id).copied().unwrap_or_default(),
                trend,
            }
        })
        .collect();
    // Overdue tasks are red: take them from the board, earliest due first,
    // instead of counting through the whole ledger on every request.
    let overdue: Vec<Line> = board
        .red
        .iter()
        .filter(|r| r.due_date.is_some_and(|d| d < today))
        .take(30)
        .map(|r| {
            let late = r.due_date.map(|d| (today - d).num_days()).unwrap_or(0);
            Line {
                id: r.id,
                code: r.code.clone(),
                title: r.title.clone(),
                unit: names.unit(r.lead_unit_id),
                leaders: Names::join(r.leader_ids.iter().map(|p| names.person(*p))),
                due: r.due_date.map(|d| short_date(d, today, t.lang)).unwrap_or_default(),
                late: t.fill("dash.days_late", &[("n", &late.to_string())]),
            }
        })
        .collect();
    let mine = match user.actor.unit_id {
        Some(unit) => {
            let mut q = TaskQuery::new(today);
            q.lead_unit_id = Some(unit);
            q.statuses = vec![Status::NotStarted, Status::InProgress];
            q.sort = TaskSort::DueDate;
            q.per_page = 20;
            lines(&s.store.list_tasks(&q).await?.items, &names, t, today)
        }
        None => Vec::new(),
    };
    let sep = t.lang.pick("；", "; ");
    let red = board
        .red
        .iter()
        .take(30)
        .map(|r| RedLine {
            id: r.id,
            code: r.code.clone(),
            title: r.title.clone(),
            unit: names.unit(r.lead_unit_id),
            leaders: Names::join(r.leader_ids.iter().map(|p| names.person(*p))),
            reasons: r.reasons.iter().map(|x| x.text(t.lang)).collect::<Vec<_>>().join(sep),
        })
        .collect();
    let mut units: Vec<UnitLamps> =
        board.by_unit.iter().map(|(id, lamps)| UnitLamps { name: names.unit(*id), lamps: *lamps }).collect();
    units.sort_by(|a, b| (b.lamps.red, b.lamps.yellow).cmp(&(a.lamps.red, a.lamps.yellow)).then(a.name.cmp(&b.name)));
    Ok(Dashboard {
        t,
        user: Some(user.into()),
        cards,
        overdue,
        mine,
        red,
        red_total: board.red.len(),
        units,
        computed_at: board.computed_at.format("%H:%M:%S").to_string(),
        next_meeting: crate::supervision::meetings::next_meeting(s.store.as_ref(), today, t.lang).await?,
    })
}
