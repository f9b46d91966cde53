//! 导入Excel: upload an office's ledger, see what it would create and
//! change with every problem by sheet, row and column, correct the column
//! mapping and decide on unknown units, leaders and key works, then write
//! it all at once — in the background, with a progress bar.

use super::form::FormData;
use super::i18n::Tr;
use super::login::csrf_refusal;
use super::message::{forbidden, message};
use super::names::Names;
use super::session::WebUser;
use super::{render, UserChrome};
use crate::http::{today, ApiError, AppState};
use crate::sheets::import::jobs::{commit as start, Pending, Stage};
use crate::sheets::import::{preview, Preview, SheetChoice};
use crate::storage::ImportOutcome;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tuijin_domain::extraction::grid::column_letter;
use tuijin_domain::extraction::{Field, Issue};
use tuijin_domain::{Id, Lang};

/// The largest workbook accepted.
pub const MAX_UPLOAD: usize = 30 * 1024 * 1024;

#[derive(Template)]
#[template(path = "import_upload.html")]
struct UploadPage {
    t: Tr,
    user: Option<UserChrome>,
    error: Option<String>,
}

pub struct ColumnView {
    pub index: usize,
    pub letter: String,
    pub header: String,
    pub field: &'static str,
}

pub struct SheetView {
    pub index: usize,
    pub name: String,
    pub skipped: bool,
    pub header_row: String,
    pub rows: usize,
    pub columns: Vec<ColumnView>,
}

pub struct NameChoice {
    pub name: String,
    pub rows: usize,
    pub checked: bool,
}

/// (id, name, selected)
type KeyWorkOption = (Id, String, bool);

pub struct ChangeView {
    pub kind: &'static str,
    pub place: String,
    pub code: String,
    pub title: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    t: Tr,
    user: Option<UserChrome>,
    id: String,
    file_name: String,
    stage: &'static str,
    written: usize,
    total: usize,
    outcome: Option<ImportOutcome>,
    failure: String,
    year: i32,
    sheets: Vec<SheetView>,
    fields: Vec<(&'static str, &'static str)>,
    /// Key works to choose from, the chosen one marked.
    key_works: Vec<KeyWorkOption>,
    /// Headings naming no key work, with the key works to map them to.
    unknown_headings: Vec<(String, Vec<KeyWorkOption>)>,
    units: Vec<NameChoice>,
    leaders: Vec<NameChoice>,
    created: usize,
    updated: usize,
    unchanged: usize,
    records: usize,
    errors: usize,
    warnings: usize,
    problems: Vec<(bool, String)>,
    more_problems: usize,
    changes: Vec<ChangeView>,
    more_changes: usize,
    can_commit: bool,
}

fn office_only(user: &WebUser) -> Option<Response> {
    (!user.actor.may_edit_ledger_structure()).then(|| forbidden(user, "import.refused"))
}

pub async fn upload_form(user: WebUser) -> Response {
    if let Some(r) = office_only(&user) {
        return r;
    }
    render(&UploadPage { t: user.tr, user: Some((&user).into()), error: None })
}

fn upload_error(user: &WebUser, text: String) -> Response {
    let mut res = render(&UploadPage { t: user.tr, user: Some(user.into()), error: Some(text) });
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    res
}

/// The workbook from the form: read at once (a broken file is refused
/// here), kept for the preview.
pub async fn upload(State(s): State<AppState>, user: WebUser, mut mp: Multipart) -> Response {
    if let Some(r) = office_only(&user) {
        return r;
    }
    let mut csrf = String::new();
    let mut file: Option<(String, Bytes)> = None;
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("csrf") => csrf = field.text().await.unwrap_or_default(),
                Some("file") => {
                    let name = field.file_name().unwrap_or("ledger.xlsx").to_string();
                    match field.bytes().await {
                        Ok(b) => file = Some((name, b)),
                        Err(_) => return upload_error(&user, user.tr.get("import.too_large").to_string()),
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(_) => return upload_error(&user, user.tr.get("import.too_large").to_string()),
        }
    }
    if let Some(r) = csrf_refusal(&user, &csrf) {
        return r;
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return upload_error(&user, user.tr.get("import.no_file").to_string());
    };
    // This user's previous preview goes; the file is read within what the
    // server's budget for previews leaves.
    let (imports, user_id) = (s.imports.clone(), user.actor.user_id);
    match tokio::task::spawn_blocking(move || imports.read(user_id, &name, &bytes)).await {
        Ok(Ok(pending)) => Redirect::to(&format!("/imports/{}", pending.id)).into_response(),
        Ok(Err(refused)) => upload_error(&user, refused.message(user.tr.lang)),
        Err(_) => ApiError::Internal.into_response(),
    }
}

fn gone(user: &WebUser) -> Box<Response> {
    Box::new(message(user, StatusCode::NOT_FOUND, user.tr.get("import.gone").to_string(), "/ledger/import"))
}

fn pending_of(s: &AppState, user: &WebUser, id: &str) -> Result<Arc<Pending>, Box<Response>> {
    if let Some(r) = office_only(user) {
        return Err(Box::new(r));
    }
    s.imports.get(id, user.actor.user_id).ok_or_else(|| gone(user))
}

pub async fn page(State(s): State<AppState>, user: WebUser, Path(id): Path<String>) -> Response {
    let pending = match pending_of(&s, &user, &id) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let stage = pending.stage();
    let pv = match stage {
        Stage::Previewing => {
            let Some(grid) = pending.grid() else { return *gone(&user) };
            match preview(s.store.as_ref(), &grid.sheets, &pending.options(), today()).await {
                Ok(pv) => Some(pv),
                Err(e) => return e.into_response(),
            }
        }
        _ => None,
    };
    match build(&s, &user, &pending, stage, pv.as_ref()).await {
        Ok(page) => render(&page),
        Err(e) => e.into_response(),
    }
}

fn change_detail(t: Tr, task: &tuijin_domain::extraction::plan::PlannedTask, names: &Names) -> String {
    let lang = t.lang;
    let mut parts: Vec<String> = task
        .changes
        .iter()
        .filter(|c| c.field != "parent_id")
        .map(|c| {
            let label = tuijin_domain::error::field_label(&c.field, lang);
            let value = |v: Option<&str>| v.map_or("—".into(), |v| super::history::value(&c.field, v, names, lang));
            let (old, new) = (value(c.old.as_deref()), value(c.new.as_deref()));
            format!("{label}：{old} → {new}")
        })
        .collect();
    let m = &task.milestones;
    if !m.is_empty() {
        parts.push(t.fill(
            "import.milestone_changes",
            &[
                ("c", &m.create.len().to_string()),
                ("u", &m.update.len().to_string()),
                ("d", &m.delete.len().to_string()),
            ],
        ));
    }
    if let Some(p) = &task.progress {
        parts.push(format!("{}：{p}", t.get("col.progress")));
    }
    parts.join(lang.pick("；", "; "))
}

async fn build(
    s: &AppState,
    user: &WebUser,
    pending: &Pending,
    stage: Stage,
    pv: Option<&Preview>,
) -> Result<ImportPage, ApiError> {
    let t = user.tr;
    let lang = t.lang;
    let options = pending.options();
    let key_works: Vec<(Id, String)> =
        s.store.list_key_works().await?.into_iter().map(|k| (k.id, k.fields.name)).collect();
    let mut page = ImportPage {
        t,
        user: Some(user.into()),
        id: pending.id.clone(),
        file_name: pending.file_name.clone(),
        stage: "preview",
        written: pending.written.load(Ordering::Relaxed),
        total: pending.total.load(Ordering::Relaxed),
        outcome: None,
        failure: String::new(),
        year: 0,
        sheets: Vec::new(),
        fields: Field::ALL.iter().map(|f| (f.as_str(), f.label(lang))).collect(),
        key_works: key_works
            .iter()
            .map(|(id, n)| (*id, n.clone(), options.choices.default_key_work == Some(*id)))
            .collect(),
        unknown_headings: Vec::new(),
        units: Vec::new(),
        leaders: Vec::new(),
        created: 0,
        updated: 0,
        unchanged: 0,
        records: 0,
        errors: 0,
        warnings: 0,
        problems: Vec::new(),
        more_problems: 0,
        changes: Vec::new(),
        more_changes: 0,
        can_commit: false,
    };
    match stage {
        Stage::Writing => page.stage = "writing",
        Stage::Done(out) => {
            page.stage = "done";
            page.outcome = Some(out);
        }
        Stage::Failed(msgs) => {
            // The grid went when writing started: the file is uploaded again.
            page.stage = "failed";
            page.failure = msgs.get(if lang == Lang::Zh { 0 } else { 1 }).cloned().unwrap_or_default();
        }
        Stage::Previewing => {}
    }
    let Some(pv) = pv else { return Ok(page) };
    page.year = pv.year;
    page.sheets = pv
        .sheets
        .iter()
        .enumerate()
        .map(|(index, r)| SheetView {
            index,
            name: r.name.clone(),
            skipped: r.skipped,
            header_row: r.mapping.as_ref().map(|m| (m.header_row + 1).to_string()).unwrap_or_default(),
            rows: r.rows,
            columns: r
                .mapping
                .as_ref()
                .map(|m| {
                    m.headers
                        .iter()
                        .enumerate()
                        .map(|(c, h)| ColumnView {
                            index: c,
                            letter: column_letter(c),
                            header: h.clone(),
                            field: m.columns.get(c).copied().flatten().map_or("", Field::as_str),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    let plan = &pv.plan;
    let mut headings: Vec<(String, Option<Id>)> = plan
        .problems
        .iter()
        .filter_map(|p| match &p.issue {
            Issue::UnknownKeyWork { name } => Some((name.clone(), None)),
            _ => None,
        })
        .collect();
    headings.extend(options.choices.key_work_for.iter().map(|(n, id)| (n.clone(), Some(*id))));
    headings.sort();
    headings.dedup_by(|a, b| a.0 == b.0);
    page.unknown_headings = headings
        .into_iter()
        .map(|(name, chosen)| (name, key_works.iter().map(|(id, n)| (*id, n.clone(), chosen == Some(*id))).collect()))
        .collect();
    let choices = |unknown: &[(String, usize)], chosen: &std::collections::HashSet<String>| {
        let mut v: Vec<NameChoice> =
            unknown.iter().map(|(n, c)| NameChoice { name: n.clone(), rows: *c, checked: false }).collect();
        v.extend(chosen.iter().map(|n| NameChoice { name: n.clone(), rows: 0, checked: true }));
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    };
    page.units = choices(&plan.unknown_units, &options.choices.create_units);
    page.leaders = choices(&plan.unknown_leaders, &options.choices.create_leaders);
    page.created = plan.created();
    page.updated = plan.updated();
    page.unchanged = plan.unchanged;
    page.records = pv.records;
    page.errors = plan.errors();
    page.warnings = plan.problems.len() - page.errors;
    const SHOWN: usize = 300;
    page.problems = plan.problems.iter().take(SHOWN).map(|p| (p.is_error(), p.message(lang))).collect();
    page.more_problems = plan.problems.len().saturating_sub(SHOWN);
    // The history's words for values; units and people the import will
    // create are named under the plan's negative ids.
    let mut names = Names::load(s.store.as_ref()).await?;
    names.units.extend(plan.new_units.iter().enumerate().map(|(i, n)| (-(i as Id) - 1, n.clone())));
    names.people.extend(plan.new_people.iter().enumerate().map(|(i, p)| (-(i as Id) - 1, p.name.clone())));
    page.changes = plan
        .tasks
        .iter()
        .take(100)
        .map(|task| ChangeView {
            kind: if task.existing.is_some() { t.get("import.update") } else { t.get("import.create") },
            place: format!("{} {}", task.sheet, task.row + 1),
            code: task.fields.code.clone(),
            title: task.fields.title.clone(),
            detail: change_detail(t, task, &names),
        })
        .collect();
    page.more_changes = plan.tasks.len().saturating_sub(100);
    page.can_commit = pv.can_commit();
    Ok(page)
}

/// The import a form posts to, and the form, its CSRF token checked.
fn posted(s: &AppState, user: &WebUser, id: &str, body: &[u8]) -> Result<(Arc<Pending>, FormData), Box<Response>> {
    let pending = pending_of(s, user, id)?;
    let f = FormData::parse(body);
    match csrf_refusal(user, &f.text("csrf").unwrap_or_default()) {
        Some(r) => Err(Box::new(r)),
        None => Ok((pending, f)),
    }
}

/// The user's corrections from the preview form.
pub async fn options(State(s): State<AppState>, user: WebUser, Path(id): Path<String>, body: Bytes) -> Response {
    let (pending, f) = match posted(&s, &user, &id, &body) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let Some(grid) = pending.grid() else { return *gone(&user) };
    let mut o = pending.options();
    o.year = f.text("year").and_then(|y| y.parse().ok()).filter(|y| (1990..=2100).contains(y));
    o.choices.default_key_work = f.text("default_key_work").and_then(|v| v.parse().ok());
    o.choices.create_units = f.all("create_unit").into_iter().collect();
    o.choices.create_leaders = f.all("create_leader").into_iter().collect();
    o.choices.key_work_for =
        f.with_prefix("kwfor:").into_iter().filter_map(|(name, v)| Some((name, v.parse().ok()?))).collect();
    for (index, sheet) in grid.sheets.iter().enumerate() {
        let old = o.sheets.get(&sheet.name).cloned().unwrap_or_default();
        let shown = f.text(&format!("header_was:{index}"));
        let asked = f.text(&format!("header:{index}"));
        let moved = asked.is_some() && asked != shown;
        let header_row = if moved {
            asked.and_then(|v| v.parse::<usize>().ok()).filter(|r| *r >= 1).map(|r| r - 1)
        } else {
            old.header_row
        };
        let mut choice = SheetChoice { skip: f.has(&format!("skip:{index}")), header_row, columns: Vec::new() };
        // Column choices belong to the header row they were made on.
        if !moved {
            choice.columns = f
                .with_prefix(&format!("col:{index}:"))
                .into_iter()
                .filter_map(|(c, v)| Some((c.parse().ok()?, Field::parse(&v))))
                .collect();
        }
        o.sheets.insert(sheet.name.clone(), choice);
    }
    pending.set_options(o);
    Redirect::to(&format!("/imports/{id}")).into_response()
}

/// 放弃导入: the preview and its memory go at once.
pub async fn cancel(State(s): State<AppState>, user: WebUser, Path(id): Path<String>, body: Bytes) -> Response {
    if let Err(r) = posted(&s, &user, &id, &body) {
        return *r;
    }
    s.imports.cancel(&id, user.actor.user_id);
    Redirect::to("/ledger/import").into_response()
}

/// 确认导入: plan again against the ledger as it is now and start writing.
pub async fn commit(State(s): State<AppState>, user: WebUser, Path(id): Path<String>, body: Bytes) -> Response {
    let (pending, _) = match posted(&s, &user, &id, &body) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    match start(s.store.clone(), pending, user.actor.clone(), today()).await {
        Ok(_) => Redirect::to(&format!("/imports/{id}")).into_response(),
        Err(e) => super::message::refusal(&user, e, &format!("/imports/{id}")),
    }
}
