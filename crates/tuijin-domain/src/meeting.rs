//! The weekly work meeting (工作例会): its fields, the decisions taken at it
//! (议定事项), each of which is assigned as a task (交办), and the rule that
//! builds its agenda (议程) from the state of the ledger ([`agenda`]).

pub mod agenda;

use crate::error::{Invalid, Problem};
use crate::patch::{check_date, dedupe, fit, optional_text, required_text, set, Valid};
use crate::task::CODE_MAX;
use crate::{Id, Lang};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a meeting stands: being prepared, or held (minutes may follow).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    /// 筹备中
    #[default]
    #[serde(alias = "筹备中")]
    Planned,
    /// 已召开
    #[serde(alias = "已召开")]
    Held,
}

impl MeetingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingStatus::Planned => "planned",
            MeetingStatus::Held => "held",
        }
    }

    pub fn parse(s: &str) -> Option<MeetingStatus> {
        [MeetingStatus::Planned, MeetingStatus::Held].into_iter().find(|m| m.as_str() == s || m.label(Lang::Zh) == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            MeetingStatus::Planned => lang.pick("筹备中", "in preparation"),
            MeetingStatus::Held => lang.pick("已召开", "held"),
        }
    }
}

/// The longest title a meeting may have, in characters.
pub const TITLE_MAX: usize = 200;

/// Every editable field of a meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MeetingFields {
    /// Empty on creation: the default "二七商圈区域城市复兴第12次工作例会" is used.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub title: String,
    /// The key works it is about; the first one numbers it.
    #[schema(min_items = 1)]
    pub key_work_ids: Vec<Id>,
    pub held_on: NaiveDate,
    /// "09:00" (hours and minutes), or empty.
    #[serde(default)]
    #[schema(example = "09:00", pattern = r"^\s*(([01]?[0-9]|2[0-3])\s*[:：]\s*[0-5]?[0-9])?\s*$")]
    pub starts_at: String,
    #[serde(default)]
    #[schema(example = "区政府三楼会议室", min_length = 1, max_length = 200, pattern = r"\S")]
    pub place: String,
    /// 主持: a person of the ledger (required).
    pub chair_id: Option<Id>,
    /// 参会人员, as the office writes them.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub attendees: String,
    #[serde(default)]
    pub status: MeetingStatus,
    /// 会议记录: what was said, the base of the 会议纪要.
    #[serde(default)]
    #[schema(max_length = 50000)]
    pub minutes: String,
}

impl MeetingFields {
    pub fn validate(mut self) -> Result<Valid<MeetingFields>, Invalid> {
        let mut inv = Invalid::default();
        optional_text(&mut inv, "title", &mut self.title, TITLE_MAX);
        check_date(&mut inv, "held_on", Some(self.held_on));
        dedupe(&mut self.key_work_ids);
        if self.key_work_ids.is_empty() {
            inv.push("key_work_ids", Problem::Required);
        }
        self.starts_at = self.starts_at.trim().to_string();
        if !self.starts_at.is_empty() {
            match parse_time(&self.starts_at) {
                Some(t) => self.starts_at = t,
                None => inv.push("starts_at", Problem::Malformed { expected: "time" }),
            }
        }
        required_text(&mut inv, "place", &mut self.place, 200);
        if self.chair_id.is_none() {
            inv.push("chair_id", Problem::Required);
        }
        optional_text(&mut inv, "attendees", &mut self.attendees, 2000);
        optional_text(&mut inv, "minutes", &mut self.minutes, 50_000);
        inv.into_result(Valid::new(self))
    }

    /// Applies a partial update; the result still has to be validated.
    pub fn apply(&self, p: &MeetingPatch) -> MeetingFields {
        let mut m = self.clone();
        set(&mut m.title, &p.title);
        set(&mut m.key_work_ids, &p.key_work_ids);
        set(&mut m.held_on, &p.held_on);
        set(&mut m.starts_at, &p.starts_at);
        set(&mut m.place, &p.place);
        if p.chair_id.is_some() {
            m.chair_id = p.chair_id;
        }
        set(&mut m.attendees, &p.attendees);
        set(&mut m.status, &p.status);
        set(&mut m.minutes, &p.minutes);
        m
    }
}

/// A partial update of a meeting at the version the client last saw.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingPatch {
    pub version: i64,
    #[schema(max_length = 200)]
    pub title: Option<String>,
    #[schema(min_items = 1)]
    pub key_work_ids: Option<Vec<Id>>,
    pub held_on: Option<NaiveDate>,
    #[schema(pattern = r"^\s*(([01]?[0-9]|2[0-3])\s*[:：]\s*[0-5]?[0-9])?\s*$")]
    pub starts_at: Option<String>,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub place: Option<String>,
    pub chair_id: Option<Id>,
    #[schema(max_length = 2000)]
    pub attendees: Option<String>,
    pub status: Option<MeetingStatus>,
    #[schema(max_length = 50000)]
    pub minutes: Option<String>,
}

/// "9:05" or "09:05" → "09:05"; anything else is refused.
fn parse_time(s: &str) -> Option<String> {
    let (h, m) = s.split_once([':', '：'])?;
    let (h, m): (u32, u32) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    (h < 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
}

/// The title a meeting gets when the office gives none:
/// "二七商圈区域城市复兴第12次工作例会". A long key work name is cut so the
/// title stays within [`TITLE_MAX`], as one the office writes must.
pub fn default_title(key_work: &str, number: i64, lang: Lang) -> String {
    let title = |name: &str| match lang {
        Lang::Zh => format!("{name}第{number}次工作例会"),
        Lang::En => format!("{name}: work meeting no. {number}"),
    };
    let suffix = title("").chars().count();
    title(&fit(key_work, TITLE_MAX.saturating_sub(suffix)))
}

/// "第12次工作例会议定事项": where a task assigned by a meeting comes from.
pub fn source_text(meeting_title: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{meeting_title}议定事项"),
        Lang::En => format!("decision of {meeting_title}"),
    }
}

/// A decision (议定事项): what was decided, and to whom it is assigned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DecisionFields {
    #[schema(
        example = "由区住建局牵头，一周内拿出德化街管线迁改与道路施工的时序方案。",
        min_length = 1,
        max_length = 2000,
        pattern = r"\S"
    )]
    pub content: String,
    /// 牵头单位 (责任单位) of the assigned task (required).
    pub lead_unit_id: Option<Id>,
    /// 配合单位.
    #[serde(default)]
    pub supporting_unit_ids: Vec<Id>,
    /// 责任领导: one or more.
    #[serde(default)]
    #[schema(min_items = 1)]
    pub leader_ids: Vec<Id>,
    /// 完成时限 (required): on or after the meeting's date.
    pub deadline: Option<NaiveDate>,
    /// The key work the task goes into: one of the meeting's (the first by default).
    #[serde(default)]
    pub key_work_id: Option<Id>,
    /// A task to put it under; a top-level task of the key work when absent.
    #[serde(default)]
    pub parent_id: Option<Id>,
}

impl DecisionFields {
    /// Checks a decision of a meeting held on `held_on` about `key_works`;
    /// fills in the key work when none was chosen.
    pub fn validate(mut self, held_on: NaiveDate, key_works: &[Id]) -> Result<Valid<DecisionFields>, Invalid> {
        let mut inv = Invalid::default();
        required_text(&mut inv, "content", &mut self.content, 2000);
        dedupe(&mut self.supporting_unit_ids);
        dedupe(&mut self.leader_ids);
        match self.lead_unit_id {
            None => inv.push("lead_unit_id", Problem::Required),
            Some(lead) if self.supporting_unit_ids.contains(&lead) => {
                inv.push("supporting_unit_ids", Problem::Conflicting { detail: "lead_unit_also_supporting" })
            }
            Some(_) => {}
        }
        if self.leader_ids.is_empty() {
            inv.push("leader_ids", Problem::Required);
        }
        check_date(&mut inv, "deadline", self.deadline);
        match self.deadline {
            None => inv.push("deadline", Problem::Required),
            Some(d) if d < held_on => inv.push("deadline", Problem::Conflicting { detail: "deadline_before_meeting" }),
            Some(_) => {}
        }
        match self.key_work_id {
            None => self.key_work_id = key_works.first().copied(),
            Some(k) if !key_works.contains(&k) => {
                inv.push("key_work_id", Problem::Conflicting { detail: "key_work_not_of_meeting" })
            }
            Some(_) => {}
        }
        inv.into_result(Valid::new(self))
    }

    /// The title of the assigned task: the decision's words, cut to a task title's length.
    pub fn task_title(&self) -> String {
        let first_line = self.content.lines().next().unwrap_or_default().trim();
        let mut t: String = first_line.chars().take(200).collect();
        if t.is_empty() {
            t = self.content.chars().take(200).collect();
        }
        t
    }
}

/// The next free code among `siblings`: one past the highest number,
/// under `parent` ("3-2" → "3-2-4") or at the top level ("13"). Refused
/// (naming `parent_id`) when the parent's code leaves no room for a code of
/// at most [`CODE_MAX`] characters.
pub fn next_code(parent: Option<&str>, siblings: &[String]) -> Result<String, Invalid> {
    let prefix = parent.map(|p| format!("{p}-")).unwrap_or_default();
    let highest =
        siblings.iter().filter_map(|c| c.strip_prefix(prefix.as_str())?.parse::<u64>().ok()).max().unwrap_or(0);
    // A code of 20 nines stays itself; the key work's codes are unique, so
    // storage then refuses the duplicate instead of this overflowing.
    let code = format!("{prefix}{}", highest.saturating_add(1));
    if code.chars().count() > CODE_MAX {
        return Err(Invalid::one("parent_id", Problem::Conflicting { detail: "sub_task_code_too_long" }));
    }
    Ok(code)
}

#[cfg(test)]
mod tests;
