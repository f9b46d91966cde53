//! Units (单位): departments, offices, sub-district offices.

use crate::error::Invalid;
use crate::patch::{optional_text, required_text, set, Valid};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UnitFields {
    #[schema(example = "区住建局", min_length = 1, max_length = 100, pattern = r"\S")]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 50)]
    pub short_name: String,
    #[serde(default)]
    pub sort_order: i32,
}

impl UnitFields {
    pub fn validate(mut self) -> Result<Valid<UnitFields>, Invalid> {
        let mut inv = Invalid::default();
        required_text(&mut inv, "name", &mut self.name, 100);
        optional_text(&mut inv, "short_name", &mut self.short_name, 50);
        inv.into_result(Valid::new(self))
    }

    pub fn apply(&self, p: &UnitPatch) -> UnitFields {
        let mut u = self.clone();
        set(&mut u.name, &p.name);
        set(&mut u.short_name, &p.short_name);
        set(&mut u.sort_order, &p.sort_order);
        u
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitPatch {
    pub version: i64,
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub name: Option<String>,
    #[schema(max_length = 50)]
    pub short_name: Option<String>,
    pub sort_order: Option<i32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_needs_a_name() {
        let u = UnitFields { name: " ".into(), short_name: String::new(), sort_order: 0 };
        assert_eq!(u.validate().unwrap_err().0[0].field, "name");
    }

    #[test]
    fn names_are_trimmed() {
        let u = UnitFields { name: " 区城管局 ".into(), short_name: String::new(), sort_order: 0 };
        assert_eq!(u.validate().unwrap().name, "区城管局");
    }
}
