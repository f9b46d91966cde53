//! The demo district (二七区): its key works, tasks and milestones, loaded
//! through the ordinary storage interface with every date placed relative
//! to the day it is loaded, so the ledger always shows a mix of done, on
//! time, near a deadline and overdue. Personal names are fictional.

mod cycle;
mod meetings;

use crate::storage::{system_actor, NewUser, Store, UserChanges};
use anyhow::{bail, Context, Result};
use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::HashMap;
use tuijin_domain::access::{Actor, Role};
use tuijin_domain::key_work::KeyWorkFields;
use tuijin_domain::milestone::MilestoneFields;
use tuijin_domain::person::PersonFields;
use tuijin_domain::relation::RelationFields;
use tuijin_domain::task::{Priority, Status, Target, TaskFields};
use tuijin_domain::unit::UnitFields;
use tuijin_domain::Id;

const DISTRICT: &str = include_str!("district.json");

/// The demo accounts, one per role: (username, display name, role, unit key).
pub const ACCOUNTS: &[(&str, &str, Role, Option<&str>)] = &[
    ("admin", "系统管理员", Role::Admin, None),
    ("supervisor", "督查室 李明", Role::Supervisor, None),
    ("leader", "区领导 林志远", Role::Leader, None),
    ("liaison", "区住建局联络员 张倩", Role::Liaison, Some("zhujian")),
];

/// The password of every demo account (documented in the README).
pub const PASSWORD: &str = "tuijin2021";

#[derive(Deserialize)]
struct District {
    units: Vec<DemoUnit>,
    people: Vec<DemoPerson>,
    key_works: Vec<DemoKeyWork>,
    relations: Vec<DemoRelation>,
}

#[derive(Deserialize)]
struct DemoUnit {
    key: String,
    name: String,
    #[serde(default)]
    short_name: String,
}

#[derive(Deserialize)]
struct DemoPerson {
    key: String,
    name: String,
    title: String,
    unit: String,
}

#[derive(Deserialize)]
struct DemoKeyWork {
    key: String,
    name: String,
    lead_body: String,
    lead_leader: String,
    description: String,
    tasks: Vec<DemoTask>,
}

#[derive(Deserialize)]
struct DemoTask {
    code: String,
    title: String,
    description: String,
    lead_unit: String,
    supporting_units: Vec<String>,
    leaders: Vec<String>,
    priority: Priority,
    status: Status,
    start: Option<i64>,
    due: Option<i64>,
    target: Option<Target>,
    planned_investment: Option<Decimal>,
    completed_investment: Option<Decimal>,
    percent: Decimal,
    tags: Vec<String>,
    milestones: Vec<DemoMilestone>,
    #[serde(default)]
    children: Vec<DemoTask>,
}

#[derive(Deserialize)]
struct DemoMilestone {
    title: String,
    planned: i64,
    planned_value: Option<Decimal>,
    actual: Option<i64>,
    actual_value: Option<Decimal>,
    done: bool,
}

#[derive(Deserialize)]
struct DemoRelation {
    from: String,
    to: String,
    lag_days: i32,
    note: String,
}

/// What was loaded, for the message printed afterwards.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Loaded {
    pub units: usize,
    pub people: usize,
    pub key_works: usize,
    pub tasks: usize,
    pub milestones: usize,
    pub relations: usize,
    pub accounts: usize,
    pub reports: usize,
    pub instructions: usize,
    pub extensions: usize,
    pub meetings: usize,
}

struct Loader<'a> {
    store: &'a dyn Store,
    actor: Actor,
    today: NaiveDate,
    units: HashMap<String, Id>,
    people: HashMap<String, Id>,
    tasks: HashMap<String, Id>,
    loaded: Loaded,
}

/// Loads the demo district into an empty database.
pub async fn load(store: &dyn Store, today: NaiveDate) -> Result<Loaded> {
    if !store.is_empty().await? {
        bail!("the database already holds a ledger; the demo loads only into an empty one");
    }
    let district: District = serde_json::from_str(DISTRICT).context("demo data is malformed")?;
    let mut l = Loader {
        store,
        actor: system_actor(),
        today,
        units: HashMap::new(),
        people: HashMap::new(),
        tasks: HashMap::new(),
        loaded: Loaded::default(),
    };
    l.reference_data(&district).await?;
    for (i, kw) in district.key_works.iter().enumerate() {
        let f = KeyWorkFields {
            name: kw.name.clone(),
            lead_body_unit_id: l.unit(&kw.lead_body)?,
            lead_leader_id: l.person(&kw.lead_leader)?,
            description: kw.description.clone(),
            sort_order: i as i32 + 1,
            report_cadence: Default::default(),
            report_deadline: Default::default(),
        };
        let id = store.create_key_work(&l.actor, f.validate()?).await?.id;
        l.loaded.key_works += 1;
        for t in &kw.tasks {
            l.task(&kw.key, id, None, t).await?;
        }
    }
    for r in &district.relations {
        let f = RelationFields {
            predecessor_id: *l.tasks.get(&r.from).with_context(|| format!("relation from {}", r.from))?,
            successor_id: *l.tasks.get(&r.to).with_context(|| format!("relation to {}", r.to))?,
            lag_days: r.lag_days,
            note: r.note.clone(),
        };
        store.create_relation(&l.actor, f.validate()?).await?;
        l.loaded.relations += 1;
    }
    l.accounts().await?;
    // The demo leader's account speaks for 林志远 (p02), who is named on tasks.
    let users = store.list_users().await?;
    let as_actor = |name: &str| {
        users.iter().find(|u| u.username == name).map(|u| Actor {
            user_id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            unit_id: u.unit_id,
        })
    };
    let (leader, office) = (as_actor("leader").context("demo leader")?, as_actor("supervisor").context("demo office")?);
    if let (Some(u), Ok(person)) = (users.iter().find(|u| u.username == "leader"), l.person("p02")) {
        let changes = UserChanges {
            display_name: u.display_name.clone(),
            role: u.role,
            unit_id: u.unit_id,
            disabled: false,
            email: None,
            person_id: Some(person),
        };
        store.update_user(u.id, changes).await?;
    }
    let c = cycle::load(store, today, &leader, &office).await?;
    l.loaded.reports = c.reports;
    l.loaded.instructions = c.instructions;
    l.loaded.extensions = c.extensions;
    l.loaded.meetings = meetings::load(store, today, &office).await?;
    Ok(l.loaded)
}

impl Loader<'_> {
    fn unit(&self, key: &str) -> Result<Id> {
        self.units.get(key).copied().with_context(|| format!("demo: unknown unit {key}"))
    }

    fn person(&self, key: &str) -> Result<Id> {
        self.people.get(key).copied().with_context(|| format!("demo: unknown person {key}"))
    }

    fn day(&self, offset: i64) -> NaiveDate {
        if offset >= 0 {
            self.today.checked_add_days(Days::new(offset as u64))
        } else {
            self.today.checked_sub_days(Days::new(offset.unsigned_abs()))
        }
        .unwrap_or(self.today)
    }

    async fn reference_data(&mut self, d: &District) -> Result<()> {
        for (i, u) in d.units.iter().enumerate() {
            let f = UnitFields { name: u.name.clone(), short_name: u.short_name.clone(), sort_order: i as i32 + 1 };
            let id = self.store.create_unit(&self.actor, f.validate()?).await?.id;
            self.units.insert(u.key.clone(), id);
            self.loaded.units += 1;
        }
        for (i, p) in d.people.iter().enumerate() {
            let f = PersonFields {
                name: p.name.clone(),
                title: p.title.clone(),
                unit_id: self.unit(&p.unit)?,
                sort_order: i as i32 + 1,
            };
            let id = self.store.create_person(&self.actor, f.validate()?).await?.id;
            self.people.insert(p.key.clone(), id);
            self.loaded.people += 1;
        }
        Ok(())
    }

    async fn task(&mut self, kw_key: &str, key_work_id: Id, parent_id: Option<Id>, t: &DemoTask) -> Result<()> {
        let f = TaskFields {
            key_work_id,
            parent_id,
            code: t.code.clone(),
            title: t.title.clone(),
            description: t.description.clone(),
            lead_unit_id: self.unit(&t.lead_unit)?,
            supporting_unit_ids: t.supporting_units.iter().map(|u| self.unit(u)).collect::<Result<_>>()?,
            leader_ids: t.leaders.iter().map(|p| self.person(p)).collect::<Result<_>>()?,
            priority: t.priority,
            status: t.status,
            start_date: t.start.map(|d| self.day(d)),
            due_date: t.due.map(|d| self.day(d)),
            target: t.target.clone(),
            planned_investment: t.planned_investment,
            completed_investment: t.completed_investment,
            percent_complete: t.percent,
            tags: t.tags.clone(),
        };
        let f = f.validate().map_err(|e| anyhow::anyhow!("demo task {kw_key}/{}: {e}", t.code))?;
        let id = self.store.create_task(&self.actor, f).await?.id;
        self.tasks.insert(format!("{kw_key}/{}", t.code), id);
        self.loaded.tasks += 1;
        for m in &t.milestones {
            let f = MilestoneFields {
                title: m.title.clone(),
                planned_date: self.day(m.planned),
                planned_value: m.planned_value,
                actual_date: m.actual.map(|d| self.day(d)),
                actual_value: m.actual_value,
                done: m.done,
            };
            self.store.create_milestone(&self.actor, id, f.validate()?).await?;
            self.loaded.milestones += 1;
        }
        for child in &t.children {
            Box::pin(self.task(kw_key, key_work_id, Some(id), child)).await?;
        }
        Ok(())
    }

    async fn accounts(&mut self) -> Result<()> {
        for (username, display, role, unit) in ACCOUNTS {
            let unit_id = unit.map(|u| self.unit(u)).transpose()?;
            self.store
                .create_user(NewUser {
                    username: username.to_string(),
                    display_name: display.to_string(),
                    role: *role,
                    unit_id,
                    password_hash: Some(crate::auth::hash_password(PASSWORD)?),
                })
                .await?;
            self.loaded.accounts += 1;
        }
        Ok(())
    }
}
