//! The agenda (议程) of a work meeting, built from the ledger: red tasks,
//! then yellow ones, this period's requests for coordination, decisions of
//! earlier meetings whose task is still open, and leaders' instructions not
//! yet answered. The office edits it afterwards; items it adds are
//! [`ItemKind::Custom`] and survive a rebuild.

use crate::lamp::LampColor;
use crate::patch::fit;
use crate::task::code_key;
use crate::{Id, Lang};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use utoipa::ToSchema;

/// What an agenda item is about, in the order the agenda lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    RedTask,
    YellowTask,
    Coordination,
    OpenDecision,
    Instruction,
    /// Added by the office; kept when the agenda is rebuilt.
    Custom,
}

impl ItemKind {
    pub const ALL: [ItemKind; 6] = [
        ItemKind::RedTask,
        ItemKind::YellowTask,
        ItemKind::Coordination,
        ItemKind::OpenDecision,
        ItemKind::Instruction,
        ItemKind::Custom,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::RedTask => "red_task",
            ItemKind::YellowTask => "yellow_task",
            ItemKind::Coordination => "coordination",
            ItemKind::OpenDecision => "open_decision",
            ItemKind::Instruction => "instruction",
            ItemKind::Custom => "custom",
        }
    }

    pub fn parse(s: &str) -> Option<ItemKind> {
        ItemKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ItemKind::RedTask => lang.pick("红灯任务", "red task"),
            ItemKind::YellowTask => lang.pick("黄灯任务", "yellow task"),
            ItemKind::Coordination => lang.pick("需协调事项", "coordination request"),
            ItemKind::OpenDecision => lang.pick("未办结议定事项", "open decision"),
            ItemKind::Instruction => lang.pick("待反馈批示", "unanswered instruction"),
            ItemKind::Custom => lang.pick("其他议题", "other item"),
        }
    }
}

/// A task of the meeting's key works whose lamp is not green.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskLamp {
    pub task_id: Id,
    pub code: String,
    pub title: String,
    pub color: LampColor,
    /// The lamp's reasons as sentences.
    pub reasons: Vec<String>,
}

/// A request for coordination (需协调事项) in this period's report of a task.
#[derive(Debug, Clone, PartialEq)]
pub struct CoordinationRequest {
    pub report_id: Id,
    pub task_id: Id,
    pub code: String,
    pub title: String,
    /// The unit that asks.
    pub unit: String,
    pub text: String,
    /// The leader or unit asked to coordinate.
    pub addressee: String,
}

/// A decision of an earlier meeting whose task is neither done nor cancelled.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenDecision {
    pub decision_id: Id,
    pub task_id: Id,
    pub meeting_title: String,
    pub content: String,
    pub unit: String,
    pub deadline: NaiveDate,
    /// The task's status in words (推进中…).
    pub status: String,
    pub lamp: Option<LampColor>,
}

/// A leader's instruction on a task that the lead unit has not answered.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingInstruction {
    pub instruction_id: Id,
    pub task_id: Id,
    pub code: String,
    pub title: String,
    pub author: String,
    pub text: String,
    pub answer_due: NaiveDate,
    pub overdue: bool,
}

/// Everything the agenda is built from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    pub tasks: Vec<TaskLamp>,
    pub coordination: Vec<CoordinationRequest>,
    pub open_decisions: Vec<OpenDecision>,
    pub instructions: Vec<PendingInstruction>,
}

/// An item of the agenda as built, before it is stored.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Draft {
    pub kind: ItemKind,
    pub task_id: Option<Id>,
    pub report_id: Option<Id>,
    pub decision_id: Option<Id>,
    pub instruction_id: Option<Id>,
    pub title: String,
    pub detail: String,
}

impl Draft {
    fn new(kind: ItemKind, task_id: Id, title: String, detail: String) -> Draft {
        // Built from the ledger's texts (a decision's 2000 characters, many
        // lamp reasons), cut to what an item may hold, so the office can
        // still edit it and it reads as an item of the API does.
        let (title, detail) = (fit(&title, ITEM_TITLE_MAX), fit(&detail, ITEM_DETAIL_MAX));
        Draft { kind, task_id: Some(task_id), report_id: None, decision_id: None, instruction_id: None, title, detail }
    }
}

/// The agenda in its order, each thing once: red tasks, yellow tasks (each
/// by ledger code), requests for coordination, open decisions (earliest
/// deadline first), unanswered instructions (overdue first). A task whose
/// open decision is on the agenda is not listed again for its lamp: the
/// decision's item names the lamp.
pub fn build(facts: &Facts, lang: Lang) -> Vec<Draft> {
    let mut out = Vec::new();
    let decided: HashSet<Id> = facts.open_decisions.iter().map(|d| d.task_id).collect();
    let mut seen_tasks: HashSet<Id> = HashSet::new();
    for color in [LampColor::Red, LampColor::Yellow] {
        let mut tasks: Vec<&TaskLamp> =
            facts.tasks.iter().filter(|t| t.color == color && !decided.contains(&t.task_id)).collect();
        tasks.sort_by_key(|t| (code_key(&t.code), t.task_id));
        let kind = if color == LampColor::Red { ItemKind::RedTask } else { ItemKind::YellowTask };
        for t in tasks {
            if seen_tasks.insert(t.task_id) {
                let title = format!("{}：{} {}", color.label(lang), t.code, t.title);
                out.push(Draft::new(kind, t.task_id, title, t.reasons.join(lang.pick("；", "; "))));
            }
        }
    }
    let mut seen: HashSet<Id> = HashSet::new();
    let mut requests: Vec<&CoordinationRequest> = facts.coordination.iter().collect();
    requests.sort_by_key(|c| (code_key(&c.code), c.report_id));
    for c in requests.into_iter().filter(|c| seen.insert(c.report_id)) {
        let title = format!("{}：{} {}（{}）", ItemKind::Coordination.label(lang), c.code, c.title, c.unit);
        let note = match (c.addressee.is_empty(), lang) {
            (true, _) => c.text.clone(),
            (false, Lang::Zh) => format!("{}（请{}协调）", c.text, c.addressee),
            (false, Lang::En) => format!("{} (asks {} to coordinate)", c.text, c.addressee),
        };
        out.push(Draft { report_id: Some(c.report_id), ..Draft::new(ItemKind::Coordination, c.task_id, title, note) });
    }
    seen.clear();
    let mut decisions: Vec<&OpenDecision> = facts.open_decisions.iter().collect();
    decisions.sort_by_key(|d| (d.deadline, d.decision_id));
    for d in decisions.into_iter().filter(|d| seen.insert(d.decision_id)) {
        let title = format!("{}：{}", ItemKind::OpenDecision.label(lang), d.content);
        let lamp =
            d.lamp.filter(|c| *c != LampColor::Green).map(|c| format!("，{}", c.label(lang))).unwrap_or_default();
        let note = match lang {
            Lang::Zh => format!("{}交办{}，期限{}，{}{lamp}", d.meeting_title, d.unit, lang.date(d.deadline), d.status),
            Lang::En => format!(
                "assigned to {} by {}, due {}, {}{}",
                d.unit,
                d.meeting_title,
                lang.date(d.deadline),
                d.status,
                lamp.replace('，', ", ")
            ),
        };
        out.push(Draft {
            decision_id: Some(d.decision_id),
            ..Draft::new(ItemKind::OpenDecision, d.task_id, title, note)
        });
    }
    seen.clear();
    let mut pending: Vec<&PendingInstruction> = facts.instructions.iter().collect();
    pending.sort_by_key(|i| (!i.overdue, i.answer_due, i.instruction_id));
    for i in pending.into_iter().filter(|i| seen.insert(i.instruction_id)) {
        let title = format!("{}：{} {}", ItemKind::Instruction.label(lang), i.code, i.title);
        let state = if i.overdue { lang.pick("已逾期", "overdue") } else { lang.pick("待反馈", "awaiting") };
        let note = match lang {
            Lang::Zh => format!("{}批示：{}（应于{}前反馈，{state}）", i.author, i.text, lang.date(i.answer_due)),
            Lang::En => format!("{}: {} (answer due {}, {state})", i.author, i.text, lang.date(i.answer_due)),
        };
        out.push(Draft {
            instruction_id: Some(i.instruction_id),
            ..Draft::new(ItemKind::Instruction, i.task_id, title, note)
        });
    }
    out
}

/// The longest title and detail of an agenda item, in characters.
pub const ITEM_TITLE_MAX: usize = 500;
pub const ITEM_DETAIL_MAX: usize = 5000;

/// What the office writes of an agenda item (its own, or an edit of a built one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ItemFields {
    #[schema(example = "研究德化街道路施工时序", min_length = 1, max_length = 500, pattern = r"\S")]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub detail: String,
}

impl ItemFields {
    pub fn validate(mut self) -> Result<crate::patch::Valid<ItemFields>, crate::Invalid> {
        let mut inv = crate::Invalid::default();
        crate::patch::required_text(&mut inv, "title", &mut self.title, ITEM_TITLE_MAX);
        crate::patch::optional_text(&mut inv, "detail", &mut self.detail, ITEM_DETAIL_MAX);
        inv.into_result(crate::patch::Valid::new(self))
    }
}
