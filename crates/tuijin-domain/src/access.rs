//! Who may do what. These rules are pure; the HTTP layer asks them before
//! every write and storage never bypasses them.

use crate::Id;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages accounts and everything else.
    Admin,
    /// 督查室 staff: may change everything in the ledger.
    Supervisor,
    /// 区领导: reads everything.
    Leader,
    /// 联络员: bound to one unit; changes only that unit's tasks.
    Liaison,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Supervisor, Role::Leader, Role::Liaison];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Supervisor => "supervisor",
            Role::Leader => "leader",
            Role::Liaison => "liaison",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// The authenticated user behind a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Actor {
    pub user_id: Id,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The unit a liaison is bound to.
    pub unit_id: Option<Id>,
}

/// Task fields a liaison may change on their own unit's tasks: the state of
/// the work, not who is responsible for it, nor its deadlines or its place
/// in the ledger, which the office sets.
pub const LIAISON_TASK_FIELDS: &[&str] = &["description", "status", "percent_complete", "completed_investment", "tags"];

/// Milestone fields a liaison may change: what actually happened.
pub const LIAISON_MILESTONE_FIELDS: &[&str] = &["actual_date", "actual_value", "done"];

impl Actor {
    pub fn is_office(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Supervisor)
    }

    /// Accounts and tokens of others.
    pub fn may_manage_accounts(&self) -> bool {
        self.role == Role::Admin
    }

    /// Units, people, key works, and creating or deleting tasks, milestones
    /// and relations.
    pub fn may_edit_ledger_structure(&self) -> bool {
        self.is_office()
    }

    /// May this actor edit (some fields of) a task led by `lead_unit`?
    pub fn may_edit_task(&self, lead_unit: Id) -> bool {
        self.is_office() || (self.role == Role::Liaison && self.unit_id == Some(lead_unit))
    }

    /// Of the fields a change touches, those this actor may not change.
    /// Call only after [`Actor::may_edit_task`] said yes.
    pub fn forbidden_fields<'a>(&self, changed: &[&'a str], allowed: &[&str]) -> Vec<&'a str> {
        if self.is_office() {
            return Vec::new();
        }
        changed.iter().copied().filter(|f| !allowed.contains(f)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, unit: Option<Id>) -> Actor {
        Actor { user_id: 1, username: "u".into(), display_name: "U".into(), role, unit_id: unit }
    }

    #[test]
    fn office_roles_edit_everything() {
        for role in [Role::Admin, Role::Supervisor] {
            let a = actor(role, None);
            assert!(a.may_edit_task(7));
            assert!(a.may_edit_ledger_structure());
            assert!(a.forbidden_fields(&["lead_unit_id"], LIAISON_TASK_FIELDS).is_empty());
        }
        assert!(actor(Role::Admin, None).may_manage_accounts());
        assert!(!actor(Role::Supervisor, None).may_manage_accounts());
    }

    #[test]
    fn leaders_read_only() {
        let a = actor(Role::Leader, None);
        assert!(!a.may_edit_task(7));
        assert!(!a.may_edit_ledger_structure());
        assert!(!a.may_manage_accounts());
    }

    #[test]
    fn liaisons_edit_only_their_units_tasks() {
        let a = actor(Role::Liaison, Some(7));
        assert!(a.may_edit_task(7));
        assert!(!a.may_edit_task(8));
        assert!(!a.may_edit_ledger_structure());
        assert!(!actor(Role::Liaison, None).may_edit_task(7));
    }

    #[test]
    fn liaisons_may_not_change_who_is_responsible() {
        let a = actor(Role::Liaison, Some(7));
        let changed = ["status", "lead_unit_id", "leader_ids", "percent_complete"];
        assert_eq!(a.forbidden_fields(&changed, LIAISON_TASK_FIELDS), vec!["lead_unit_id", "leader_ids"]);
        assert_eq!(a.forbidden_fields(&["done", "planned_date"], LIAISON_MILESTONE_FIELDS), vec!["planned_date"]);
    }

    #[test]
    fn roles_parse_from_their_names() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
