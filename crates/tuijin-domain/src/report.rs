//! Progress reports (进展填报): what a unit says of one task in one
//! reporting period, and the workflow around it — draft, submit, review
//! (accept or return with a reason), resubmit.

use crate::error::{Invalid, Problem};
use crate::number::{check_non_negative, check_percent, Amount, Percent};
use crate::patch::{optional_text, Valid};
use crate::period::ReportStatus;
use crate::Id;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What the unit writes. A draft may be incomplete; a submitted report
/// needs the progress text, and a request for coordination needs someone
/// to address it to.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ToSchema)]
pub struct ReportFields {
    /// 进展情况: required to submit.
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub progress: String,
    /// Cumulative percent complete after this period.
    #[serde(default)]
    #[schema(value_type = Option<Percent>, example = "45")]
    pub percent_complete: Option<Decimal>,
    /// Cumulative value toward the task's quantitative target ("9 of 14 roads").
    #[serde(default)]
    #[schema(value_type = Option<Amount>, example = "9")]
    pub actual_value: Option<Decimal>,
    /// Investment completed in this period, 万元.
    #[serde(default)]
    #[schema(value_type = Option<Amount>, example = "350")]
    pub investment_this_period: Option<Decimal>,
    /// 存在问题.
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub problems: String,
    /// 下步计划.
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub next_steps: String,
    /// 需协调事项: to submit, addressed to a leader or a unit.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub coordination: String,
    /// The leader asked to coordinate.
    #[serde(default)]
    pub coordination_leader_id: Option<Id>,
    /// The unit asked to coordinate.
    #[serde(default)]
    pub coordination_unit_id: Option<Id>,
}

/// Whether the fields are checked as a draft or for submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    Draft,
    Submit,
}

impl ReportFields {
    pub fn validate(mut self, check: Check) -> Result<Valid<ReportFields>, Invalid> {
        let mut inv = Invalid::default();
        optional_text(&mut inv, "progress", &mut self.progress, 5000);
        optional_text(&mut inv, "problems", &mut self.problems, 5000);
        optional_text(&mut inv, "next_steps", &mut self.next_steps, 5000);
        optional_text(&mut inv, "coordination", &mut self.coordination, 2000);
        if let Some(p) = &self.percent_complete {
            check_percent(&mut inv, "percent_complete", p);
        }
        if let Some(v) = &self.actual_value {
            check_non_negative(&mut inv, "actual_value", v);
        }
        if let Some(v) = &self.investment_this_period {
            check_non_negative(&mut inv, "investment_this_period", v);
        }
        if check == Check::Submit {
            if self.progress.is_empty() {
                inv.push("progress", Problem::Required);
            }
            let addressed = self.coordination_leader_id.is_some() || self.coordination_unit_id.is_some();
            if !self.coordination.is_empty() && !addressed {
                inv.push("coordination_leader_id", Problem::Conflicting { detail: "coordination_needs_addressee" });
            }
        }
        inv.into_result(Valid::new(self))
    }

    /// The percent this report stands for: the stated percent, or the
    /// actual value over the task's target.
    pub fn percent_toward(&self, target: Option<Decimal>) -> Option<Decimal> {
        self.percent_complete.or_else(|| match (self.actual_value, target) {
            (Some(v), Some(t)) if !t.is_zero() => {
                Some((v / t * Decimal::ONE_HUNDRED).min(Decimal::ONE_HUNDRED).round_dp(4))
            }
            _ => None,
        })
    }
}

/// A step of the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Save without submitting.
    Save,
    Submit,
    Accept,
    /// Send back to the unit with a reason.
    Return,
}

impl Action {
    /// The status after this action from `from`, or `None` when the step
    /// is not allowed: an accepted report is final; only submitted reports
    /// are reviewed; a submitted report waits for review (the unit cannot
    /// edit it meanwhile).
    pub fn next(self, from: Option<ReportStatus>) -> Option<ReportStatus> {
        use ReportStatus::*;
        match (self, from) {
            (Action::Save, None | Some(Draft) | Some(Returned)) => Some(from.unwrap_or(Draft)),
            (Action::Submit, None | Some(Draft) | Some(Returned)) => Some(Submitted),
            (Action::Accept, Some(Submitted)) => Some(Accepted),
            (Action::Return, Some(Submitted)) => Some(Returned),
            _ => None,
        }
    }

    /// Review steps are the office's; writing and submitting the lead unit's.
    pub fn is_review(self) -> bool {
        matches!(self, Action::Accept | Action::Return)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReportStatus::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn a_draft_may_be_empty_but_a_submission_needs_the_progress() {
        assert!(ReportFields::default().validate(Check::Draft).is_ok());
        let err = ReportFields::default().validate(Check::Submit).unwrap_err();
        assert_eq!(err.0[0].field, "progress");
    }

    #[test]
    fn coordination_must_be_addressed_when_submitted() {
        let f =
            ReportFields {
                progress: "完成3条".into(), coordination: "需要交警配合封路".into(), ..Default::default()
            };
        assert!(f.clone().validate(Check::Draft).is_ok());
        let err = f.clone().validate(Check::Submit).unwrap_err();
        assert_eq!(err.0[0].field, "coordination_leader_id");
        let addressed = ReportFields { coordination_unit_id: Some(3), ..f };
        assert!(addressed.validate(Check::Submit).is_ok());
    }

    #[test]
    fn numbers_are_checked_and_named() {
        let f = ReportFields {
            percent_complete: Some(dec("120")),
            investment_this_period: Some(dec("-5")),
            ..Default::default()
        };
        let fields: Vec<String> = f.validate(Check::Draft).unwrap_err().0.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["percent_complete", "investment_this_period"]);
    }

    #[test]
    fn percent_comes_from_the_target_when_not_stated() {
        let f = ReportFields { actual_value: Some(dec("7")), ..Default::default() };
        assert_eq!(f.percent_toward(Some(dec("14"))), Some(dec("50")));
        assert_eq!(f.percent_toward(None), None);
        let over = ReportFields { actual_value: Some(dec("20")), ..Default::default() };
        assert_eq!(over.percent_toward(Some(dec("14"))), Some(dec("100")));
        let stated =
            ReportFields { percent_complete: Some(dec("30")), actual_value: Some(dec("7")), ..Default::default() };
        assert_eq!(stated.percent_toward(Some(dec("14"))), Some(dec("30")));
    }

    #[test]
    fn the_workflow_allows_only_its_steps() {
        assert_eq!(Action::Save.next(None), Some(Draft));
        assert_eq!(Action::Save.next(Some(Returned)), Some(Returned));
        assert_eq!(Action::Submit.next(None), Some(Submitted));
        assert_eq!(Action::Submit.next(Some(Returned)), Some(Submitted));
        assert_eq!(Action::Submit.next(Some(Submitted)), None);
        assert_eq!(Action::Accept.next(Some(Submitted)), Some(Accepted));
        assert_eq!(Action::Return.next(Some(Submitted)), Some(Returned));
        assert_eq!(Action::Return.next(Some(Draft)), None);
        assert_eq!(Action::Accept.next(None), None);
        for a in [Action::Save, Action::Submit, Action::Accept, Action::Return] {
            assert_eq!(a.next(Some(Accepted)), None, "{a:?} after acceptance");
        }
        assert!(Action::Accept.is_review() && !Action::Submit.is_review());
    }
}
