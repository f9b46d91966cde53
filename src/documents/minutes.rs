//! 会议纪要 (minutes of the weekly meeting), from a plain record: the
//! meetings module fills [`MeetingRecord`]; this only writes the document,
//! with the decisions (议定事项) as a table.

use super::issuer;
use super::model::{Document, Table};
use chrono::NaiveDate;
use serde::Deserialize;
use tuijin_domain::Lang;

#[derive(Debug, Clone, Deserialize)]
pub struct MeetingRecord {
    pub title: String,
    pub held_on: NaiveDate,
    pub place: String,
    pub chair: String,
    pub attendees: Vec<String>,
    /// The key works on the agenda, by name.
    pub key_works: Vec<String>,
    /// The minutes' text; one paragraph per line.
    pub minutes: String,
    pub decisions: Vec<DecisionRow>,
}

/// 议定事项: what was decided, who leads it, by when.
#[derive(Debug, Clone, Deserialize)]
pub struct DecisionRow {
    pub content: String,
    pub lead_unit: String,
    #[serde(default)]
    pub supporting_units: Vec<String>,
    pub leader: String,
    #[serde(default)]
    pub deadline: Option<NaiveDate>,
    /// The ledger task the decision became, when it did.
    #[serde(default)]
    pub task_code: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
}

/// A meeting as stored, as the minutes present it: the chair with their
/// title, attendees one per item of the office's list.
impl From<crate::supervision::meetings::MeetingRecord> for MeetingRecord {
    fn from(m: crate::supervision::meetings::MeetingRecord) -> MeetingRecord {
        let chair = if m.chair_title.is_empty() { m.chair } else { format!("{}{}", m.chair_title, m.chair) };
        MeetingRecord {
            title: m.title,
            held_on: m.held_on,
            place: m.place,
            chair,
            attendees: m
                .attendees
                .split(['、', '，', ',', '；', ';', '\n'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            key_works: m.key_works,
            minutes: m.minutes,
            decisions: m
                .decisions
                .into_iter()
                .map(|d| DecisionRow {
                    content: d.content,
                    lead_unit: d.lead_unit,
                    supporting_units: d.supporting_units,
                    leader: d.leaders.join("、"),
                    deadline: d.deadline,
                    task_code: (!d.task_code.is_empty()).then_some(d.task_code),
                    status: (!d.task_status.is_empty()).then_some(d.task_status),
                })
                .collect(),
        }
    }
}

pub fn document(m: &MeetingRecord, lang: Lang) -> Document {
    let title = match lang {
        Lang::Zh if m.title.ends_with("纪要") => m.title.clone(),
        Lang::Zh => format!("{}纪要", m.title),
        Lang::En => format!("Minutes: {}", m.title),
    };
    let mut d = Document::new(title, lang);
    d.issued(issuer(lang), m.held_on, lang);
    let sep = lang.pick("、", ", ");
    let works = m.key_works.join(sep);
    d.paragraph(match (lang, works.is_empty()) {
        (Lang::Zh, false) => format!(
            "{}，{}在{}主持召开{}，研究{}推进工作。现将会议议定事项纪要如下：",
            lang.date(m.held_on),
            m.chair,
            m.place,
            m.title,
            works
        ),
        (Lang::Zh, true) => {
            format!("{}，{}在{}主持召开{}。现将会议议定事项纪要如下：", lang.date(m.held_on), m.chair, m.place, m.title)
        }
        (Lang::En, _) => format!(
            "On {}, {} chaired the {} at {}{}. The decisions are recorded below.",
            lang.date(m.held_on),
            m.chair,
            m.title,
            m.place,
            if works.is_empty() { String::new() } else { format!(" on {works}") }
        ),
    });
    d.heading(1, lang.pick("会议情况", "Discussion"));
    let lines: Vec<&str> = m.minutes.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.is_empty() {
        d.paragraph(lang.pick("（无）", "(none)"));
    }
    for l in lines {
        d.paragraph(l);
    }
    d.heading(1, lang.pick("议定事项", "Decisions"));
    if m.decisions.is_empty() {
        d.paragraph(lang.pick("本次会议无议定事项。", "The meeting took no decisions."));
    } else {
        let mut t = Table::new(
            lang.pick("议定事项", "Decisions"),
            &[
                (lang.pick("序号", "No."), 1),
                (lang.pick("议定事项", "Decision"), 8),
                (lang.pick("牵头单位", "Lead unit"), 3),
                (lang.pick("配合单位", "Supporting"), 3),
                (lang.pick("责任领导", "Leader"), 2),
                (lang.pick("完成时限", "Deadline"), 3),
                (lang.pick("任务编号", "Task"), 2),
                (lang.pick("状态", "Status"), 2),
            ],
        );
        for (i, x) in m.decisions.iter().enumerate() {
            t.row(vec![
                (i + 1).to_string(),
                x.content.clone(),
                x.lead_unit.clone(),
                x.supporting_units.join(sep),
                x.leader.clone(),
                x.deadline.map(|d| lang.date(d)).unwrap_or_default(),
                x.task_code.clone().unwrap_or_default(),
                x.status.clone().unwrap_or_default(),
            ]);
        }
        d.table(t);
    }
    d.heading(1, lang.pick("参会人员", "Attendance"));
    d.paragraph(match lang {
        Lang::Zh => format!("出席：{}", m.attendees.join("、")),
        Lang::En => format!("Present: {}", m.attendees.join(", ")),
    });
    d.signature(issuer(lang), lang.date(m.held_on));
    d
}
