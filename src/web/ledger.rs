//! 台账: the ledger as a table like the offices' spreadsheets, grouped by
//! key work, with the API's filters kept in the URL.

use super::format::{number, short_date};
use super::i18n::Tr;
use super::names::Names;
use super::session::WebUser;
use super::{render, UserChrome};
use crate::http::{today, ApiError, AppState, TaskListParams};
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use tuijin_domain::task::{Priority, Status};
use tuijin_domain::Id;

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct MilestoneCell {
    pub label: String,
    pub class: &'static str,
}

/// A column heading that sorts the ledger by it: the first click sorts
/// ascending, the next descending; the mark shows the current order.
pub struct SortHead {
    pub href: String,
    pub mark: &'static str,
}

/// The columns that sort, by their heading key and the API's sort name.
const SORTABLE: &[(&str, &str)] =
    &[("col.code", "code"), ("col.task", "title"), ("col.due", "due_date"), ("col.progress", "percent_complete")];

fn sort_heads(pairs: &[(String, String)]) -> std::collections::HashMap<&'static str, SortHead> {
    let current = pairs.iter().find(|(k, _)| k == "sort").map(|(_, v)| v.as_str()).unwrap_or("");
    let others: Vec<(String, String)> = pairs.iter().filter(|(k, _)| k != "sort").cloned().collect();
    SORTABLE
        .iter()
        .map(|&(key, name)| {
            let desc = format!("-{name}");
            let (next, mark) = if current == name {
                (desc.as_str(), "▲")
            } else if current == desc {
                (name, "▼")
            } else {
                (name, "")
            };
            let mut with_sort = others.clone();
            with_sort.push(("sort".into(), next.into()));
            (key, SortHead { href: link(&with_sort, 1), mark })
        })
        .collect()
}

pub struct Row {
    /// Set on the first row of each key work.
    pub group: Option<String>,
    pub id: Id,
    pub sub: bool,
    pub code: String,
    pub title: String,
    pub leaders: String,
    pub lead_unit: String,
    pub supporting: String,
    pub milestones: Vec<MilestoneCell>,
    pub due: String,
    pub late: bool,
    pub status: &'static str,
    pub status_label: &'static str,
    pub percent: String,
    pub lamp: &'static str,
    pub lamp_label: &'static str,
    /// Why, in words (shown on hover and read by screen readers).
    pub lamp_reasons: String,
}

#[derive(Template)]
#[template(path = "ledger.html")]
struct LedgerPage {
    t: Tr,
    user: Option<UserChrome>,
    rows: Vec<Row>,
    total: String,
    key_works: Vec<Opt>,
    units: Vec<Opt>,
    statuses: Vec<Opt>,
    priorities: Vec<Opt>,
    q: String,
    overdue: bool,
    prev: Option<String>,
    next: Option<String>,
    sorts: std::collections::HashMap<&'static str, SortHead>,
    export: String,
}

impl LedgerPage {
    /// A heading, as a sorting link when its column sorts.
    fn head(&self, key: &str) -> Option<&SortHead> {
        self.sorts.get(key)
    }

    /// The export link: the same filters, without sort or page.
    fn export_link(&self) -> &str {
        &self.export
    }

    /// The one key work filtered on, for a new task to start in.
    fn chosen_key_work(&self) -> Option<&str> {
        let mut chosen = self.key_works.iter().filter(|o| o.selected);
        match (chosen.next(), chosen.next()) {
            (Some(one), None) => Some(&one.value),
            _ => None,
        }
    }
}

/// The query without empty values (an unset filter in a GET form sends
/// `key_work=`) and without `page`, for building page links.
fn clean_pairs(raw: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.as_bytes())
        .filter(|(k, v)| !v.is_empty() && k != "page")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn link(pairs: &[(String, String)], page: u32) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.append_pair("page", &page.to_string());
    format!("/ledger?{}", s.finish())
}

fn options(items: impl IntoIterator<Item = (String, String)>, selected: &[String]) -> Vec<Opt> {
    items.into_iter().map(|(value, label)| Opt { selected: selected.contains(&value), value, label }).collect()
}

/// The ledger's filters from the page's query string (empty values and
/// the page number dropped).
fn params_of(raw: &str) -> Result<TaskListParams, ApiError> {
    let encoded = serde_urlencoded::to_string(clean_pairs(raw)).unwrap_or_default();
    serde_urlencoded::from_str(&encoded).map_err(|e| ApiError::BadRequest { field: None, detail: e.to_string() })
}

/// 导出Excel: every task the filters match, in the offices' layout.
pub async fn export(State(s): State<AppState>, _user: WebUser, RawQuery(raw): RawQuery) -> Response {
    let result = async {
        let today = today();
        let query = params_of(raw.as_deref().unwrap_or(""))?.into_query(today)?;
        let bytes = crate::sheets::ledger::export(&s, query, today).await?;
        Ok::<_, ApiError>((today, bytes))
    };
    match result.await {
        Ok((today, bytes)) => {
            let name = format!("台账_{today}.xlsx");
            let disposition = format!(
                "attachment; filename=\"ledger.xlsx\"; filename*=UTF-8''{}",
                form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>()
            );
            (
                [
                    (
                        axum::http::header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
                    ),
                    (axum::http::header::CONTENT_DISPOSITION, disposition),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => e.into_response(),
    }
}

pub async fn page(State(s): State<AppState>, user: WebUser, RawQuery(raw): RawQuery) -> Response {
    match build(&s, &user, raw.as_deref().unwrap_or("")).await {
        Ok(page) => render(&page),
        Err(e) => e.into_response(),
    }
}

async fn build(s: &AppState, user: &WebUser, raw: &str) -> Result<LedgerPage, ApiError> {
    let t = user.tr;
    let pairs = clean_pairs(raw);
    let page_no: u32 = form_urlencoded::parse(raw.as_bytes())
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(1);
    let mut all = pairs.clone();
    all.push(("page".into(), page_no.to_string()));
    let encoded = serde_urlencoded::to_string(&all).unwrap_or_default();
    let params: TaskListParams = serde_urlencoded::from_str(&encoded)
        .map_err(|e| ApiError::BadRequest { field: None, detail: e.to_string() })?;
    let chosen = |key: &str| -> Vec<String> {
        pairs.iter().filter(|(k, _)| k == key).flat_map(|(_, v)| v.split(',').map(String::from)).collect()
    };
    let q = params.q.clone().unwrap_or_default();
    let overdue = params.overdue.unwrap_or(false);
    let query = params.into_query(today())?;
    // Group headings only make sense in ledger order.
    let grouped = query.sort == crate::storage::TaskSort::Ledger;
    let names = Names::load(s.store.as_ref()).await?;
    let page = s.store.list_tasks(&query).await?;
    let ids: Vec<Id> = page.items.iter().map(|t| t.id).collect();
    let milestones = s.store.milestones_of_tasks(&ids).await?;
    let today = today();
    let lamps = crate::supervision::lamps::lamps_of(s.store.as_ref(), &page.items, &s.lamp_config, today).await?;

    let mut rows = Vec::with_capacity(page.items.len());
    let mut last_kw = None;
    for task in &page.items {
        let f = &task.fields;
        let group = (grouped && last_kw != Some(f.key_work_id)).then(|| names.key_work(f.key_work_id));
        last_kw = Some(f.key_work_id);
        let ms = milestones
            .iter()
            .filter(|m| m.task_id == task.id)
            .map(|m| MilestoneCell {
                label: format!("{} {}", short_date(m.fields.planned_date, today, t.lang), m.fields.title),
                class: if m.fields.done {
                    "done"
                } else if m.fields.is_overdue(today) {
                    "late"
                } else {
                    ""
                },
            })
            .collect();
        rows.push(Row {
            group,
            id: task.id,
            sub: f.parent_id.is_some(),
            code: f.code.clone(),
            title: f.title.clone(),
            leaders: Names::join(f.leader_ids.iter().map(|p| names.person(*p))),
            lead_unit: names.unit(f.lead_unit_id),
            supporting: Names::join(f.supporting_unit_ids.iter().map(|u| names.unit(*u))),
            milestones: ms,
            due: f.due_date.map(|d| short_date(d, today, t.lang)).unwrap_or_default(),
            late: f.is_overdue(today),
            status: f.status.as_str(),
            status_label: f.status.label(t.lang),
            percent: number(f.percent_complete),
            lamp: lamps.get(&task.id).map_or("green", |l| l.color.as_str()),
            lamp_label: lamps.get(&task.id).map_or("", |l| l.color.label(t.lang)),
            lamp_reasons: lamps
                .get(&task.id)
                .map(|l| l.reasons.iter().map(|r| r.text(t.lang)).collect::<Vec<_>>().join(t.lang.pick("；", "; ")))
                .unwrap_or_default(),
        });
    }
    let pages = (page.total as u32).div_ceil(query.per_page.max(1));
    Ok(LedgerPage {
        t,
        user: Some(user.into()),
        rows,
        total: t.fill("ledger.total", &[("n", &page.total.to_string())]),
        key_works: options(names.key_work_list.iter().map(|(i, n)| (i.to_string(), n.clone())), &chosen("key_work")),
        units: options(names.unit_list.iter().map(|(i, n)| (i.to_string(), n.clone())), &chosen("lead_unit")),
        statuses: options(Status::ALL.iter().map(|s| (s.as_str().into(), s.label(t.lang).into())), &chosen("status")),
        priorities: options(
            Priority::ALL.iter().map(|p| (p.as_str().into(), p.label(t.lang).into())),
            &chosen("priority"),
        ),
        q,
        overdue,
        prev: (query.page > 1).then(|| link(&pairs, query.page - 1)),
        next: (query.page < pages).then(|| link(&pairs, query.page + 1)),
        sorts: sort_heads(&pairs),
        export: {
            let keep: Vec<&(String, String)> = pairs.iter().filter(|(k, _)| k != "sort").collect();
            let mut ser = form_urlencoded::Serializer::new(String::new());
            for (k, v) in keep {
                ser.append_pair(k, v);
            }
            format!("/ledger/export?{}", ser.finish())
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_filters_and_the_page_are_dropped_from_links() {
        let pairs = clean_pairs("key_work=&status=in_progress&page=3&q=%E6%96%AD");
        assert_eq!(pairs, vec![("status".into(), "in_progress".into()), ("q".into(), "断".into())]);
        assert_eq!(link(&pairs, 4), "/ledger?status=in_progress&q=%E6%96%AD&page=4");
    }

    #[test]
    fn a_sorted_column_links_to_the_reverse_order_and_keeps_the_filters() {
        let heads = sort_heads(&clean_pairs("status=late&sort=due_date&page=2"));
        let due = &heads["col.due"];
        assert_eq!((due.href.as_str(), due.mark), ("/ledger?status=late&sort=-due_date&page=1", "▲"));
        let code = &heads["col.code"];
        assert_eq!((code.href.as_str(), code.mark), ("/ledger?status=late&sort=code&page=1", ""));
        let heads = sort_heads(&clean_pairs("sort=-due_date"));
        assert_eq!((heads["col.due"].href.as_str(), heads["col.due"].mark), ("/ledger?sort=due_date&page=1", "▼"));
    }
}
