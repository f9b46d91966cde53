//! Key works (重点工作): the top-level areas of effort, each with its lead
//! body (牵头机构) and lead leader.

use crate::error::Invalid;
use crate::patch::{optional_text, required_text, set, Valid};
use crate::period::{Cadence, ReportDeadline};
use crate::Id;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct KeyWorkFields {
    #[schema(example = "二七商圈区域城市复兴", min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    /// 牵头机构: the unit that leads the key work.
    pub lead_body_unit_id: Id,
    /// The leader in charge (a person).
    pub lead_leader_id: Id,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub description: String,
    #[serde(default)]
    pub sort_order: i32,
    /// How often its lead units report (每周 by default).
    #[serde(default)]
    pub report_cadence: Cadence,
    /// When each period's report is due, e.g. "thu 12:00" or, monthly, "25 12:00".
    #[serde(default)]
    pub report_deadline: ReportDeadline,
}

impl KeyWorkFields {
    pub fn validate(mut self) -> Result<Valid<KeyWorkFields>, Invalid> {
        let mut inv = Invalid::default();
        required_text(&mut inv, "name", &mut self.name, 200);
        optional_text(&mut inv, "description", &mut self.description, 5000);
        if let Err(e) = self.report_deadline.check_for(self.report_cadence) {
            inv.0.extend(e.0);
        }
        inv.into_result(Valid::new(self))
    }

    pub fn apply(&self, p: &KeyWorkPatch) -> KeyWorkFields {
        let mut k = self.clone();
        set(&mut k.name, &p.name);
        set(&mut k.lead_body_unit_id, &p.lead_body_unit_id);
        set(&mut k.lead_leader_id, &p.lead_leader_id);
        set(&mut k.description, &p.description);
        set(&mut k.sort_order, &p.sort_order);
        set(&mut k.report_cadence, &p.report_cadence);
        set(&mut k.report_deadline, &p.report_deadline);
        k
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyWorkPatch {
    pub version: i64,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: Option<String>,
    pub lead_body_unit_id: Option<Id>,
    pub lead_leader_id: Option<Id>,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    pub sort_order: Option<i32>,
    pub report_cadence: Option<Cadence>,
    pub report_deadline: Option<ReportDeadline>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_work_needs_a_name() {
        let k = KeyWorkFields {
            name: "".into(),
            lead_body_unit_id: 1,
            lead_leader_id: 1,
            description: String::new(),
            sort_order: 0,
            report_cadence: Default::default(),
            report_deadline: Default::default(),
        };
        assert_eq!(k.validate().unwrap_err().0[0].field, "name");
    }
}
