//! Finding the header row of a ledger sheet and mapping its columns to
//! the ledger's fields by the headers offices use ("责任单位" or "牵头单位",
//! "完成时限" or "完成时间"…). The mapping is a guess the user can correct.

use super::grid::{Cell, Sheet};
use crate::Lang;
use serde::{Deserialize, Serialize};

/// A column of the ledger that an import can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Code,
    Title,
    Description,
    Leaders,
    LeadUnit,
    SupportingUnits,
    Milestones,
    StartDate,
    DueDate,
    Target,
    PlannedInvestment,
    CompletedInvestment,
    PercentComplete,
    Status,
    Priority,
    Progress,
    Remarks,
    /// The exported lamp column: read past, lamps are computed.
    Lamp,
}

impl Field {
    pub const ALL: [Field; 18] = [
        Field::Code,
        Field::Title,
        Field::Description,
        Field::Leaders,
        Field::LeadUnit,
        Field::SupportingUnits,
        Field::Milestones,
        Field::StartDate,
        Field::DueDate,
        Field::Target,
        Field::PlannedInvestment,
        Field::CompletedInvestment,
        Field::PercentComplete,
        Field::Status,
        Field::Priority,
        Field::Progress,
        Field::Remarks,
        Field::Lamp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Code => "code",
            Field::Title => "title",
            Field::Description => "description",
            Field::Leaders => "leaders",
            Field::LeadUnit => "lead_unit",
            Field::SupportingUnits => "supporting_units",
            Field::Milestones => "milestones",
            Field::StartDate => "start_date",
            Field::DueDate => "due_date",
            Field::Target => "target",
            Field::PlannedInvestment => "planned_investment",
            Field::CompletedInvestment => "completed_investment",
            Field::PercentComplete => "percent_complete",
            Field::Status => "status",
            Field::Priority => "priority",
            Field::Progress => "progress",
            Field::Remarks => "remarks",
            Field::Lamp => "lamp",
        }
    }

    pub fn parse(s: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// The header as the export writes it (and as a person reads it).
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Field::Code => lang.pick("序号", "No."),
            Field::Title => lang.pick("工作任务", "Task"),
            Field::Description => lang.pick("工作内容", "Content"),
            Field::Leaders => lang.pick("责任领导", "Responsible leader"),
            Field::LeadUnit => lang.pick("责任单位", "Lead unit"),
            Field::SupportingUnits => lang.pick("配合单位", "Supporting units"),
            Field::Milestones => lang.pick("时间节点", "Milestones"),
            Field::StartDate => lang.pick("开始日期", "Start date"),
            Field::DueDate => lang.pick("完成时限", "Due date"),
            Field::Target => lang.pick("目标", "Target"),
            Field::PlannedInvestment => lang.pick("计划投资（万元）", "Planned investment (10k yuan)"),
            Field::CompletedInvestment => lang.pick("完成投资（万元）", "Completed investment (10k yuan)"),
            Field::PercentComplete => lang.pick("进度（%）", "Progress (%)"),
            Field::Status => lang.pick("状态", "Status"),
            Field::Priority => lang.pick("轻重缓急", "Priority"),
            Field::Progress => lang.pick("进展情况", "Progress report"),
            Field::Remarks => lang.pick("备注", "Remarks"),
            Field::Lamp => lang.pick("灯", "Lamp"),
        }
    }

    /// Headers offices write for this field, without spaces or units.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Code => &["序号", "编号", "任务编号", "序"],
            Field::Title => {
                &["工作任务", "任务内容", "任务名称", "任务", "重点任务", "项目名称", "具体任务", "工作事项"]
            }
            Field::Description => &["工作内容", "具体内容", "主要内容", "工作措施", "具体措施", "建设内容"],
            Field::Leaders => &["责任领导", "分管领导", "牵头领导", "包抓领导", "责任区领导", "责任人"],
            Field::LeadUnit => &["责任单位", "牵头单位", "主责单位", "承办单位", "责任部门", "牵头部门"],
            Field::SupportingUnits => &["配合单位", "协办单位", "参与单位", "配合部门"],
            Field::Milestones => &["时间节点", "节点任务", "节点安排", "阶段目标", "节点目标"],
            Field::StartDate => &["开始日期", "开始时间", "开工时间", "启动时间"],
            Field::DueDate => &["完成时限", "完成时间", "时限", "截止时间", "完成期限", "时间要求"],
            Field::Target => &["目标", "指标", "目标指标", "目标任务", "工作目标"],
            Field::PlannedInvestment => &["计划投资", "总投资", "计划总投资", "年度计划投资"],
            Field::CompletedInvestment => &["完成投资", "已完成投资", "累计完成投资"],
            Field::PercentComplete => &["进度", "完成进度", "完成比例", "完成率"],
            Field::Status => &["状态", "推进状态", "完成状态"],
            Field::Priority => &["轻重缓急", "优先级", "紧急程度"],
            Field::Progress => &["进展情况", "工作进展", "推进情况", "进展", "完成情况"],
            Field::Remarks => &["备注"],
            Field::Lamp => &["灯", "预警", "红黄绿灯", "预警灯"],
        }
    }
}

/// A header cell's text without spaces, line breaks, slashes between
/// synonyms ("目标/指标") or a bracketed unit ("计划投资（万元）").
fn normalize(text: &str) -> String {
    let s: String = text.chars().filter(|c| !c.is_whitespace() && *c != '\u{3000}').collect();
    let cut = s.find(['（', '(']).unwrap_or(s.len());
    s[..cut].replace(['/', '／', '、'], "")
}

/// The field a header names, if any.
pub fn field_of(header: &str) -> Option<Field> {
    let n = normalize(header);
    if n.is_empty() {
        return None;
    }
    Field::ALL.into_iter().find(|f| f.aliases().contains(&n.as_str()))
}

/// What a header says about the unit of its numbers: "（亿元）" means the
/// values are in 亿元, stored as 万元.
pub fn scale_of(header: &str) -> rust_decimal::Decimal {
    if header.contains("亿") {
        rust_decimal::Decimal::from(10_000)
    } else {
        rust_decimal::Decimal::ONE
    }
}

/// The header row of a sheet and its columns' fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mapping {
    /// 0-based row of the header.
    pub header_row: usize,
    /// One entry per column: the field it fills, if any.
    pub columns: Vec<Option<Field>>,
    /// The header text of each column, as written.
    pub headers: Vec<String>,
}

impl Mapping {
    pub fn column_of(&self, field: Field) -> Option<usize> {
        self.columns.iter().position(|f| *f == Some(field))
    }

    /// The mapping with a user's choice for some columns (`None` = ignore).
    pub fn corrected(mut self, choices: &[(usize, Option<Field>)]) -> Mapping {
        for (col, field) in choices {
            if let Some(field) = field {
                // One column per field: the user's choice wins.
                for f in &mut self.columns {
                    if *f == Some(*field) {
                        *f = None;
                    }
                }
            }
            if *col >= self.columns.len() {
                self.columns.resize(*col + 1, None);
                self.headers.resize(*col + 1, String::new());
            }
            self.columns[*col] = *field;
        }
        self
    }
}

/// How many of the first rows are searched for the header.
const SEARCH_ROWS: usize = 30;

/// The first row among the first 30 that names the most fields (at least
/// three, one of them the task), mapped. The first column a field appears
/// in wins.
pub fn detect(sheet: &Sheet) -> Option<Mapping> {
    let mut best: Option<(usize, Mapping)> = None;
    for (r, row) in sheet.rows.iter().take(SEARCH_ROWS).enumerate() {
        let mapping = map_row(r, row);
        let found = mapping.columns.iter().flatten().count();
        if found >= 3 && mapping.column_of(Field::Title).is_some() && best.as_ref().is_none_or(|(n, _)| found > *n) {
            best = Some((found, mapping));
        }
    }
    best.map(|(_, m)| m)
}

/// A given row read as the header (when the user picks it).
pub fn map_row(r: usize, row: &[Cell]) -> Mapping {
    let mut columns = Vec::with_capacity(row.len());
    let mut headers = Vec::with_capacity(row.len());
    for cell in row {
        let text = cell.text();
        let field = field_of(&text).filter(|f| !columns.contains(&Some(*f)));
        columns.push(field);
        headers.push(text);
    }
    Mapping { header_row: r, columns, headers }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet::from_text("台账", rows)
    }

    #[test]
    fn headers_are_read_by_their_usual_names() {
        assert_eq!(field_of("牵头单位"), Some(Field::LeadUnit));
        assert_eq!(field_of("责任 单位"), Some(Field::LeadUnit));
        assert_eq!(field_of("计划投资（万元）"), Some(Field::PlannedInvestment));
        assert_eq!(field_of("计划投资(亿元)"), Some(Field::PlannedInvestment));
        assert_eq!(field_of("目标/指标"), Some(Field::Target));
        assert_eq!(field_of("完成\n时限"), Some(Field::DueDate));
        assert_eq!(field_of("任务内容"), Some(Field::Title));
        assert_eq!(field_of("进度（%）"), Some(Field::PercentComplete));
        assert_eq!(field_of("负责同志签字"), None);
        assert_eq!(scale_of("计划投资（亿元）"), rust_decimal::Decimal::from(10_000));
    }

    #[test]
    fn the_header_is_found_below_a_title() {
        let s = sheet(&[
            &["二七区重点工作推进台账", "", "", ""],
            &["", "", "", ""],
            &["序号", "工作任务", "责任单位", "完成时限"],
            &["1", "道路建设", "区住建局", "2021年6月底"],
        ]);
        let m = detect(&s).unwrap();
        assert_eq!(m.header_row, 2);
        assert_eq!(m.columns, vec![Some(Field::Code), Some(Field::Title), Some(Field::LeadUnit), Some(Field::DueDate)]);
    }

    #[test]
    fn no_header_without_a_task_column() {
        let s = sheet(&[&["序号", "责任单位", "完成时限"], &["1", "区住建局", "6月底"]]);
        assert!(detect(&s).is_none());
    }

    #[test]
    fn a_field_maps_to_its_first_column_only() {
        let m = map_row(0, &[Cell::of("工作任务"), Cell::of("任务名称"), Cell::of("备注")]);
        assert_eq!(m.columns, vec![Some(Field::Title), None, Some(Field::Remarks)]);
    }

    #[test]
    fn the_user_corrects_the_mapping() {
        let m = map_row(0, &[Cell::of("工作任务"), Cell::of("内容说明"), Cell::of("备注")]);
        let m = m.corrected(&[(1, Some(Field::Description)), (2, None)]);
        assert_eq!(m.columns, vec![Some(Field::Title), Some(Field::Description), None]);
        let m = m.corrected(&[(2, Some(Field::Title))]);
        assert_eq!(m.columns, vec![None, Some(Field::Description), Some(Field::Title)], "a field moves, never doubles");
    }
}
