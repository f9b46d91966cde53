//! Matching extracted rows against the ledger: which key work each row
//! belongs to, which unit and leader each name means, which task a code
//! already is (updated, never duplicated), and what each task becomes.
//! Units and leaders not yet known are created only when the user says
//! so; until they exist they are referred to by negative ids
//! (`-(index + 1)` into [`Plan::new_units`] / [`Plan::new_people`]) that
//! storage replaces in the same transaction.

use super::dates::DateText;
use super::header::Field;
use super::problem::{At, ImportProblem, Issue, Severity};
use super::rows::Record;
use super::values::parent_code;
use crate::history::{diff, FieldChange};
use crate::milestone::MilestoneFields;
use crate::task::{Priority, Status, TaskFields};
use crate::Id;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// A record with the fields of its sheet's columns and their headers as
/// written, so problems name the column. Shared by the sheet's records.
pub type Located = (Record, Arc<[Field]>, Arc<[String]>);

/// A task already in the ledger, with what an import may change.
#[derive(Debug, Clone)]
pub struct ExistingTask {
    pub id: Id,
    pub version: i64,
    pub fields: TaskFields,
    pub milestones: Vec<ExistingMilestone>,
    /// The latest accepted progress words.
    pub progress: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ExistingMilestone {
    pub id: Id,
    pub version: i64,
    pub fields: MilestoneFields,
}

/// The reference data and tasks the rows are matched against.
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub key_works: Vec<(Id, String)>,
    /// (id, name, short name)
    pub units: Vec<(Id, String, String)>,
    /// (id, name, title)
    pub people: Vec<(Id, String, String)>,
    pub tasks: Vec<ExistingTask>,
}

/// What the user decided in the preview.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    /// The key work of rows above any heading (and of sheets without).
    pub default_key_work: Option<Id>,
    /// Headings that name no key work, mapped by the user.
    pub key_work_for: HashMap<String, Id>,
    /// Unknown unit and leader names to create.
    pub create_units: HashSet<String>,
    pub create_leaders: HashSet<String>,
}

/// A person to create: name, title, and the unit of the first task they lead.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPerson {
    pub name: String,
    pub title: String,
    pub unit_id: Id,
}

/// What happens to a task's milestones.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MilestonePlan {
    pub create: Vec<MilestoneFields>,
    /// (id, version, new fields)
    pub update: Vec<(Id, i64, MilestoneFields)>,
    pub delete: Vec<(Id, i64)>,
}

impl MilestonePlan {
    pub fn is_empty(&self) -> bool {
        self.create.is_empty() && self.update.is_empty() && self.delete.is_empty()
    }
}

/// One task to create or update.
#[derive(Debug, Clone)]
pub struct PlannedTask {
    pub sheet: String,
    pub row: usize,
    /// (id, version) of the task this row updates.
    pub existing: Option<(Id, i64)>,
    pub fields: TaskFields,
    /// The parent's code within the key work, for a sub-task.
    pub parent_code: Option<String>,
    /// The field changes of an update (empty for a creation).
    pub changes: Vec<FieldChange>,
    pub milestones: MilestonePlan,
    /// New progress words, recorded as an accepted report.
    pub progress: Option<String>,
}

impl PlannedTask {
    /// Depth in the task tree by the code, so parents are written first.
    pub fn depth(&self) -> usize {
        self.fields.code.matches('-').count()
    }
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub new_units: Vec<String>,
    pub new_people: Vec<NewPerson>,
    pub tasks: Vec<PlannedTask>,
    pub unchanged: usize,
    pub problems: Vec<ImportProblem>,
    /// Unknown names not chosen for creation, with how many rows name them.
    pub unknown_units: Vec<(String, usize)>,
    pub unknown_leaders: Vec<(String, usize)>,
}

impl Plan {
    pub fn created(&self) -> usize {
        self.tasks.iter().filter(|t| t.existing.is_none()).count()
    }

    pub fn updated(&self) -> usize {
        self.tasks.len() - self.created()
    }

    /// The rows writing this plan touches, for a progress bar: each task
    /// and each milestone it creates.
    pub fn work(&self) -> usize {
        self.tasks.len() + self.tasks.iter().map(|t| t.milestones.create.len()).sum::<usize>()
    }

    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|p| p.is_error()).count()
    }
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '\u{3000}').collect()
}

/// Names to ids, with the user's creations.
struct Resolver<'a> {
    units: HashMap<String, Id>,
    people: HashMap<String, Vec<(Id, String)>>,
    choices: &'a Choices,
    plan: &'a mut Plan,
    unknown_units: HashMap<String, usize>,
    unknown_leaders: HashMap<String, usize>,
}

impl Resolver<'_> {
    fn unit(&mut self, name: &str) -> Option<Id> {
        let key = squeeze(name);
        if let Some(id) = self.units.get(&key) {
            return Some(*id);
        }
        if self.choices.create_units.contains(&key) {
            self.plan.new_units.push(key.clone());
            let id = -(self.plan.new_units.len() as Id);
            self.units.insert(key, id);
            return Some(id);
        }
        *self.unknown_units.entry(key).or_default() += 1;
        None
    }

    fn leader(&mut self, name: &str, title: &str, unit_id: Option<Id>) -> Option<Id> {
        let key = squeeze(name);
        if let Some(found) = self.people.get(&key) {
            // Namesakes: the one whose title the cell gives, else the first.
            return found.iter().find(|(_, t)| !title.is_empty() && t == title).or(found.first()).map(|(id, _)| *id);
        }
        match unit_id {
            Some(unit_id) if self.choices.create_leaders.contains(&key) => {
                self.plan.new_people.push(NewPerson { name: key.clone(), title: title.to_string(), unit_id });
                let id = -(self.plan.new_people.len() as Id);
                self.people.insert(key, vec![(id, title.to_string())]);
                Some(id)
            }
            _ => {
                *self.unknown_leaders.entry(key).or_default() += 1;
                None
            }
        }
    }
}

/// The key works the records belong to, as far as names and choices
/// tell: the tasks of these are what the rows may update.
pub fn key_works_named(records: &[Located], known: &[(Id, String)], choices: &Choices) -> Vec<Id> {
    let by_name: HashMap<String, Id> = known.iter().map(|(id, n)| (squeeze(n), *id)).collect();
    let mut out: Vec<Id> = records
        .iter()
        .filter_map(|(r, _, _)| match &r.key_work {
            Some(name) => by_name.get(&squeeze(name)).or_else(|| choices.key_work_for.get(name)).copied(),
            None => choices.default_key_work,
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The plan for `records` (of every sheet, in order) against `known`.
/// `fields` are the columns the file has: a field without a column keeps
/// its value on an update.
pub fn plan(records: &[Located], known: &Known, choices: &Choices) -> Plan {
    let mut plan = Plan::default();
    let key_works: HashMap<String, Id> = known.key_works.iter().map(|(id, n)| (squeeze(n), *id)).collect();
    let mut units = HashMap::new();
    for (id, _, short) in &known.units {
        if !short.is_empty() {
            units.entry(squeeze(short)).or_insert(*id);
        }
    }
    for (id, name, _) in &known.units {
        units.insert(squeeze(name), *id);
    }
    let mut people: HashMap<String, Vec<(Id, String)>> = HashMap::new();
    for (id, name, title) in &known.people {
        people.entry(squeeze(name)).or_default().push((*id, title.clone()));
    }
    let existing: HashMap<(Id, &str), &ExistingTask> =
        known.tasks.iter().map(|t| ((t.fields.key_work_id, t.fields.code.as_str()), t)).collect();
    let mut problems = Vec::new();
    let mut res = Resolver {
        units,
        people,
        choices,
        plan: &mut plan,
        unknown_units: HashMap::new(),
        unknown_leaders: HashMap::new(),
    };
    let mut seen: HashMap<(Id, String), usize> = HashMap::new();
    let mut reported_key_works: HashSet<(String, Option<String>)> = HashSet::new();
    let mut planned = Vec::new();
    let mut unchanged = 0;
    for (rec, fields, headers) in records {
        let col = |f: Field| fields.iter().position(|x| *x == f);
        let at = |f: Field| {
            let c = col(f);
            At {
                sheet: &rec.sheet,
                row: rec.row,
                column: c,
                header: c.and_then(|c| headers.get(c)).map_or("", String::as_str),
            }
        };
        let has = |f: Field| fields.contains(&f);
        // The key work.
        let key_work_id = match &rec.key_work {
            Some(name) => {
                let key = squeeze(name);
                key_works.get(&key).or_else(|| choices.key_work_for.get(name)).copied().or_else(|| {
                    if reported_key_works.insert((rec.sheet.clone(), Some(name.clone()))) {
                        let mut p =
                            at(Field::Title).problem(Severity::Error, Issue::UnknownKeyWork { name: name.clone() });
                        p.column = None;
                        problems.push(p);
                    }
                    None
                })
            }
            None => choices.default_key_work.or_else(|| {
                if reported_key_works.insert((rec.sheet.clone(), None)) {
                    let mut p = at(Field::Title).problem(Severity::Error, Issue::NoKeyWork);
                    p.column = None;
                    problems.push(p);
                }
                None
            }),
        };
        let Some(key_work_id) = key_work_id else { continue };
        if rec.code.is_empty() {
            continue;
        }
        if let Some(first) = seen.insert((key_work_id, rec.code.clone()), rec.row) {
            seen.insert((key_work_id, rec.code.clone()), first);
            problems.push(
                at(Field::Code)
                    .problem(Severity::Error, Issue::DuplicateCode { code: rec.code.clone(), first_row: first }),
            );
            continue;
        }
        let old = existing.get(&(key_work_id, rec.code.as_str())).copied();
        let first_problem = problems.len();
        // Units and leaders.
        let lead_unit_id = match &rec.lead_unit {
            Some(name) => {
                let id = res.unit(name);
                if id.is_none() {
                    problems
                        .push(at(Field::LeadUnit).problem(Severity::Error, Issue::UnknownUnit { name: name.clone() }));
                }
                id
            }
            None if has(Field::LeadUnit) || old.is_none() => {
                problems.push(at(Field::LeadUnit).problem(Severity::Error, Issue::Required));
                None
            }
            None => None,
        };
        let mut supporting = Vec::new();
        for name in &rec.supporting_units {
            match res.unit(name) {
                Some(id) => supporting.push(id),
                None => {
                    let f =
                        if col(Field::SupportingUnits).is_some() { Field::SupportingUnits } else { Field::LeadUnit };
                    problems.push(at(f).problem(Severity::Error, Issue::UnknownUnit { name: name.clone() }));
                }
            }
        }
        let home = lead_unit_id.or(old.map(|o| o.fields.lead_unit_id));
        let mut leaders = Vec::new();
        for (name, title) in &rec.leaders {
            match res.leader(name, title, home) {
                Some(id) => leaders.push(id),
                None => problems
                    .push(at(Field::Leaders).problem(Severity::Error, Issue::UnknownLeader { name: name.clone() })),
            }
        }
        // The task's fields: the row's values over the old ones.
        let mut f = old.map(|o| o.fields.clone()).unwrap_or_else(|| TaskFields {
            key_work_id,
            parent_id: None,
            code: rec.code.clone(),
            title: String::new(),
            description: String::new(),
            lead_unit_id: 0,
            supporting_unit_ids: Vec::new(),
            leader_ids: Vec::new(),
            priority: Priority::Normal,
            status: Status::NotStarted,
            start_date: None,
            due_date: None,
            target: None,
            planned_investment: None,
            completed_investment: None,
            percent_complete: Decimal::ZERO,
            tags: Vec::new(),
        });
        f.title = rec.title.clone();
        if has(Field::Description) || !rec.description.is_empty() {
            f.description = rec.description.clone();
        }
        if let Some(id) = lead_unit_id {
            f.lead_unit_id = id;
        }
        if has(Field::SupportingUnits) || !supporting.is_empty() {
            f.supporting_unit_ids = supporting;
        }
        if has(Field::Leaders) {
            f.leader_ids = leaders;
        }
        if has(Field::StartDate) {
            f.start_date = rec.start_date;
        }
        if has(Field::DueDate) {
            f.due_date = match rec.due {
                Some(DateText::Date(d)) => Some(d),
                _ => None,
            };
        }
        if has(Field::Target) {
            f.target = rec.target.clone();
        }
        if has(Field::PlannedInvestment) {
            f.planned_investment = rec.planned_investment;
        }
        if has(Field::CompletedInvestment) {
            f.completed_investment = rec.completed_investment;
        }
        if let Some(p) = rec.percent_complete {
            f.percent_complete = p;
        }
        if has(Field::Remarks) {
            f.tags = rec.tags.clone();
        }
        if let Some(p) = rec.priority {
            f.priority = p;
        } else if old.is_none() && rec.due == Some(DateText::Ongoing) {
            f.priority = Priority::LongTerm;
        }
        if let Some(s) = rec.status {
            f.status = s;
        } else if old.is_none() {
            f.status = if f.percent_complete >= Decimal::from(100) {
                Status::Done
            } else if f.percent_complete > Decimal::ZERO {
                Status::InProgress
            } else {
                Status::NotStarted
            };
        }
        // The rules of tasks, named by column.
        let checked = match f.clone().validate() {
            Ok(v) => v.into_inner(),
            Err(inv) => {
                for e in inv.0 {
                    let field = column_of_task_field(&e.field);
                    // An unknown name already explains an empty list.
                    if !problems[first_problem..].iter().any(|p| p.column == col(field)) {
                        problems.push(at(field).problem(Severity::Error, Issue::Task(e)));
                    }
                }
                continue;
            }
        };
        let milestones = if has(Field::Milestones) {
            match_milestones(old.map_or(&[][..], |o| &o.milestones), &rec.milestones)
        } else {
            MilestonePlan::default()
        };
        let progress = (has(Field::Progress)
            && !rec.progress.is_empty()
            && old.and_then(|o| o.progress.as_deref()) != Some(rec.progress.as_str()))
        .then(|| rec.progress.clone());
        // The diff serialises both sides: only for rows that differ.
        let changes = match old {
            Some(o) if o.fields != checked => diff(Some(&o.fields), Some(&checked)),
            _ => Vec::new(),
        };
        if old.is_some() && changes.is_empty() && milestones.is_empty() && progress.is_none() {
            unchanged += 1;
            continue;
        }
        planned.push(PlannedTask {
            sheet: rec.sheet.clone(),
            row: rec.row,
            existing: old.map(|o| (o.id, o.version)),
            parent_code: parent_code(&checked.code).map(str::to_string),
            fields: checked,
            changes,
            milestones,
            progress,
        });
    }
    // Every sub-task's parent exists in the file or the ledger.
    let existing_codes: HashSet<(Id, &str)> = existing.keys().copied().collect();
    for t in &planned {
        if let Some(pc) = &t.parent_code {
            let kw = t.fields.key_work_id;
            if !seen.contains_key(&(kw, pc.clone())) && !existing_codes.contains(&(kw, pc.as_str())) {
                let p = ImportProblem {
                    sheet: t.sheet.clone(),
                    row: Some(t.row),
                    column: records
                        .iter()
                        .find(|(r, _, _)| r.sheet == t.sheet)
                        .and_then(|(_, f, _)| f.iter().position(|x| *x == Field::Code)),
                    header: String::new(),
                    severity: Severity::Error,
                    issue: Issue::UnknownParent { code: pc.clone() },
                };
                problems.push(p);
            }
        }
    }
    let mut unknown_units: Vec<(String, usize)> = res.unknown_units.into_iter().collect();
    let mut unknown_leaders: Vec<(String, usize)> = res.unknown_leaders.into_iter().collect();
    unknown_units.sort();
    unknown_leaders.sort();
    planned.sort_by_key(PlannedTask::depth);
    plan.tasks = planned;
    plan.unchanged = unchanged;
    plan.unknown_units = unknown_units;
    plan.unknown_leaders = unknown_leaders;
    problems.sort_by(|a, b| (&a.sheet, a.row, a.column).cmp(&(&b.sheet, b.row, b.column)));
    plan.problems = problems;
    plan
}

/// The column a task rule's field lives in.
fn column_of_task_field(field: &str) -> Field {
    match field {
        "code" => Field::Code,
        "description" => Field::Description,
        "lead_unit_id" => Field::LeadUnit,
        "supporting_unit_ids" => Field::SupportingUnits,
        "leader_ids" => Field::Leaders,
        "start_date" => Field::StartDate,
        "due_date" => Field::DueDate,
        "planned_investment" => Field::PlannedInvestment,
        "completed_investment" => Field::CompletedInvestment,
        "percent_complete" => Field::PercentComplete,
        "tags" => Field::Remarks,
        f if f.starts_with("target") => Field::Target,
        _ => Field::Title,
    }
}

/// Pairs the file's milestones with the task's by title, then by date;
/// what is left is created or deleted. Actual dates and values recorded
/// in the ledger are kept.
pub fn match_milestones(old: &[ExistingMilestone], new: &[MilestoneFields]) -> MilestonePlan {
    let mut plan = MilestonePlan::default();
    let mut free: Vec<bool> = vec![true; old.len()];
    let mut pending: Vec<&MilestoneFields> = Vec::new();
    let mut pairs: Vec<(usize, &MilestoneFields)> = Vec::new();
    for m in new {
        match old.iter().enumerate().position(|(i, o)| free[i] && o.fields.title == m.title) {
            Some(i) => {
                free[i] = false;
                pairs.push((i, m));
            }
            None => pending.push(m),
        }
    }
    for m in pending {
        match old.iter().enumerate().position(|(i, o)| free[i] && o.fields.planned_date == m.planned_date) {
            Some(i) => {
                free[i] = false;
                pairs.push((i, m));
            }
            None => plan.create.push(m.clone()),
        }
    }
    for (i, m) in pairs {
        let o = &old[i];
        let merged = MilestoneFields {
            title: m.title.clone(),
            planned_date: m.planned_date,
            planned_value: m.planned_value,
            actual_date: o.fields.actual_date,
            actual_value: o.fields.actual_value,
            done: m.done,
        };
        if merged != o.fields {
            plan.update.push((o.id, o.version, merged));
        }
    }
    for (i, o) in old.iter().enumerate() {
        if free[i] {
            plan.delete.push((o.id, o.version));
        }
    }
    plan
}

#[cfg(test)]
mod tests;
