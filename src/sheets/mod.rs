//! The ledger as a spreadsheet, in the layout offices keep: the same
//! columns out (export) and, later, in (import), so an exported file can
//! be edited and brought back (`import`).

pub mod export;
pub mod import;
pub mod ledger;
pub mod package;

/// The ledger's columns: (key, header as offices write it, width in Excel units).
/// Widths add up to a page of A4 landscape at the fit-to-width print scale.
pub const COLUMNS: &[(&str, &str, f64)] = &[
    ("lamp", "灯", 4.0),
    ("code", "序号", 6.0),
    ("title", "工作任务", 26.0),
    ("description", "工作内容", 30.0),
    ("leaders", "责任领导", 10.0),
    ("lead_unit", "责任单位", 14.0),
    ("supporting", "配合单位", 14.0),
    ("milestones", "时间节点", 30.0),
    ("start_date", "开始日期", 12.0),
    ("due_date", "完成时限", 12.0),
    ("target", "目标", 9.0),
    ("planned_investment", "计划投资（万元）", 10.0),
    ("completed_investment", "完成投资（万元）", 10.0),
    ("percent_complete", "进度（%）", 7.0),
    ("status", "状态", 7.0),
    ("priority", "轻重缓急", 8.0),
    ("progress", "进展情况", 30.0),
    ("tags", "备注", 12.0),
];

/// The column number of a key.
pub fn column(key: &str) -> u16 {
    COLUMNS.iter().position(|(k, _, _)| *k == key).map_or(0, |i| i as u16)
}
