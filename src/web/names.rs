//! Names of units, people and key works for display, loaded once per page
//! (they are small tables).

use crate::storage::{Store, StoreError};
use std::collections::HashMap;
use tuijin_domain::Id;

pub struct Names {
    pub units: HashMap<Id, String>,
    pub people: HashMap<Id, String>,
    pub key_works: HashMap<Id, String>,
    /// (id, name) in their sort order, for filter lists.
    pub unit_list: Vec<(Id, String)>,
    pub key_work_list: Vec<(Id, String)>,
    /// (id, "name（title）") in sort order, for choosing leaders.
    pub person_list: Vec<(Id, String)>,
}

impl Names {
    pub async fn load(store: &dyn Store) -> Result<Names, StoreError> {
        let units = store.list_units().await?;
        let people = store.list_people().await?;
        let key_works = store.list_key_works().await?;
        Ok(Names {
            units: units.iter().map(|u| (u.id, u.fields.name.clone())).collect(),
            people: people.iter().map(|p| (p.id, p.fields.name.clone())).collect(),
            key_works: key_works.iter().map(|k| (k.id, k.fields.name.clone())).collect(),
            person_list: people.iter().map(|p| (p.id, format!("{}（{}）", p.fields.name, p.fields.title))).collect(),
            unit_list: units.into_iter().map(|u| (u.id, u.fields.name)).collect(),
            key_work_list: key_works.into_iter().map(|k| (k.id, k.fields.name)).collect(),
        })
    }

    pub fn unit(&self, id: Id) -> String {
        self.units.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))
    }

    pub fn person(&self, id: Id) -> String {
        self.people.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))
    }

    pub fn key_work(&self, id: Id) -> String {
        self.key_works.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))
    }

    /// "王建平、陈立民" — names joined the way Chinese lists are.
    pub fn join(names: impl IntoIterator<Item = String>) -> String {
        names.into_iter().collect::<Vec<_>>().join("、")
    }
}
