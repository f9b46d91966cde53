//! People (人员): responsible leaders and other named officials.

use crate::error::Invalid;
use crate::patch::{optional_text, required_text, set, Valid};
use crate::Id;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PersonFields {
    #[schema(min_length = 1, max_length = 50, pattern = r"\S")]
    pub name: String,
    /// 职务, e.g. "区委副书记、区长".
    #[serde(default)]
    #[schema(max_length = 100)]
    pub title: String,
    pub unit_id: Id,
    #[serde(default)]
    pub sort_order: i32,
}

impl PersonFields {
    pub fn validate(mut self) -> Result<Valid<PersonFields>, Invalid> {
        let mut inv = Invalid::default();
        required_text(&mut inv, "name", &mut self.name, 50);
        optional_text(&mut inv, "title", &mut self.title, 100);
        inv.into_result(Valid::new(self))
    }

    pub fn apply(&self, p: &PersonPatch) -> PersonFields {
        let mut x = self.clone();
        set(&mut x.name, &p.name);
        set(&mut x.title, &p.title);
        set(&mut x.unit_id, &p.unit_id);
        set(&mut x.sort_order, &p.sort_order);
        x
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonPatch {
    pub version: i64,
    #[schema(min_length = 1, max_length = 50, pattern = r"\S")]
    pub name: Option<String>,
    #[schema(max_length = 100)]
    pub title: Option<String>,
    pub unit_id: Option<Id>,
    pub sort_order: Option<i32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_needs_a_name() {
        let p = PersonFields { name: String::new(), title: "副区长".into(), unit_id: 1, sort_order: 0 };
        assert_eq!(p.validate().unwrap_err().0[0].field, "name");
    }
}
