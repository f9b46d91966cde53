//! What is wrong with an imported spreadsheet, named by sheet, row and
//! column, in the user's language.

use super::grid::column_letter;
use super::header::Field;
use crate::error::FieldError;
use crate::Lang;

/// Whether a problem stops the import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    /// Read, but not as written: the user should look.
    Warning,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Issue {
    /// The sheet has no row that names a task column and two others.
    NoHeader,
    /// A required value is missing.
    Required,
    NotADate {
        text: String,
    },
    NotANumber {
        text: String,
    },
    NotAPercent {
        text: String,
    },
    /// A target needs a measure word: "14条", not "14".
    NotATarget {
        text: String,
    },
    UnknownStatus {
        text: String,
    },
    UnknownPriority {
        text: String,
    },
    MilestoneWithoutDate {
        line: String,
    },
    /// The code appears twice in one key work.
    DuplicateCode {
        code: String,
        first_row: usize,
    },
    /// The sub-task's parent code appears nowhere.
    UnknownParent {
        code: String,
    },
    UnknownKeyWork {
        name: String,
    },
    /// The rows come before any key-work heading and no key work was chosen.
    NoKeyWork,
    /// A unit or leader not in the reference data and not to be created.
    UnknownUnit {
        name: String,
    },
    UnknownLeader {
        name: String,
    },
    /// Several lead units: the first leads, the others support.
    SeveralLeadUnits {
        first: String,
    },
    /// A remark too long for a tag went into the task's content.
    RemarkMoved,
    /// An Excel error value (#REF!, #N/A…) in the cell.
    ExcelError {
        text: String,
    },
    /// The row breaks a rule of tasks (see the field error).
    Task(FieldError),
    /// The task was changed in the ledger since the preview was made.
    ChangedSincePreview {
        code: String,
    },
}

/// One problem, located.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportProblem {
    pub sheet: String,
    /// 0-based row in the sheet; shown 1-based as Excel does.
    pub row: Option<usize>,
    /// 0-based column; shown as a letter with its header.
    pub column: Option<usize>,
    /// The column's header as written in the file.
    pub header: String,
    pub severity: Severity,
    pub issue: Issue,
}

impl ImportProblem {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// "工作表「台账」第5行 F列（责任单位）"
    pub fn place(&self, lang: Lang) -> String {
        let mut s = match lang {
            Lang::Zh => format!("工作表「{}」", self.sheet),
            Lang::En => format!("sheet \"{}\"", self.sheet),
        };
        if let Some(r) = self.row {
            s.push_str(&match lang {
                Lang::Zh => format!("第{}行", r + 1),
                Lang::En => format!(", row {}", r + 1),
            });
        }
        if let Some(c) = self.column {
            let letter = column_letter(c);
            s.push_str(&match (lang, self.header.is_empty()) {
                (Lang::Zh, true) => format!(" {letter}列"),
                (Lang::Zh, false) => format!(" {letter}列（{}）", self.header),
                (Lang::En, true) => format!(", column {letter}"),
                (Lang::En, false) => format!(", column {letter} ({})", self.header),
            });
        }
        s
    }

    /// What is wrong, without the place.
    pub fn what(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match &self.issue {
            Issue::NoHeader => pick(
                zh,
                "找不到表头行（需含“工作任务”及至少两个其他列名，如序号、责任单位）".into(),
                "no header row found (it needs 工作任务 and at least two other column names such as 序号, 责任单位)"
                    .into(),
            ),
            Issue::Required => pick(zh, "不能为空".into(), "is required".into()),
            Issue::NotADate { text } => pick(
                zh,
                format!("“{text}”不是可识别的日期（如 2021-06-30、2021年6月底、6月30日前、年底前、长期坚持）"),
                format!("\"{text}\" is not a date (e.g. 2021-06-30, 2021年6月底, 6月30日前, 年底前, 长期坚持)"),
            ),
            Issue::NotANumber { text } => pick(zh, format!("“{text}”不是数字"), format!("\"{text}\" is not a number")),
            Issue::NotAPercent { text } => pick(
                zh,
                format!("“{text}”不是0到100之间的百分比"),
                format!("\"{text}\" is not a percentage from 0 to 100"),
            ),
            Issue::NotATarget { text } => pick(
                zh,
                format!("“{text}”应为数量加量词，如“14条”"),
                format!("\"{text}\" should be a quantity with its measure word, e.g. 14条"),
            ),
            Issue::UnknownStatus { text } => pick(
                zh,
                format!("状态“{text}”应为未启动、推进中、已完成、已暂停或已取消"),
                format!("status \"{text}\" should be one of 未启动, 推进中, 已完成, 已暂停, 已取消"),
            ),
            Issue::UnknownPriority { text } => pick(
                zh,
                format!("“{text}”应为紧急重要、重要、一般或长期"),
                format!("\"{text}\" should be one of 紧急重要, 重要, 一般, 长期"),
            ),
            Issue::MilestoneWithoutDate { line } => {
                pick(zh, format!("时间节点“{line}”没有可识别的日期"), format!("milestone \"{line}\" has no date"))
            }
            Issue::DuplicateCode { code, first_row } => pick(
                zh,
                format!("序号“{code}”与第{}行重复", first_row + 1),
                format!("code \"{code}\" repeats row {}", first_row + 1),
            ),
            Issue::UnknownParent { code } => {
                pick(zh, format!("找不到上级任务“{code}”"), format!("no parent task \"{code}\""))
            }
            Issue::UnknownKeyWork { name } => pick(
                zh,
                format!("找不到重点工作“{name}”，请先在基础数据中新增，或在预览中指定"),
                format!("no key work \"{name}\": add it first, or choose one in the preview"),
            ),
            Issue::NoKeyWork => pick(
                zh,
                "属于哪项重点工作？表中没有重点工作标题行，请在预览中指定".into(),
                "which key work? The sheet has no key-work heading row: choose one in the preview".into(),
            ),
            Issue::UnknownUnit { name } => pick(
                zh,
                format!("单位“{name}”不存在（可在预览中勾选新增）"),
                format!("no unit \"{name}\" (tick it in the preview to create it)"),
            ),
            Issue::UnknownLeader { name } => pick(
                zh,
                format!("责任领导“{name}”不存在（可在预览中勾选新增）"),
                format!("no leader \"{name}\" (tick it in the preview to create it)"),
            ),
            Issue::SeveralLeadUnits { first } => pick(
                zh,
                format!("有多个责任单位：以“{first}”为责任单位，其余作为配合单位"),
                format!("several lead units: \"{first}\" leads, the others support"),
            ),
            Issue::RemarkMoved => pick(
                zh,
                "备注超过32字，已并入工作内容".into(),
                "remark longer than 32 characters: moved into the content".into(),
            ),
            Issue::ExcelError { text } => {
                pick(zh, format!("单元格是Excel错误值 {text}"), format!("the cell holds the Excel error {text}"))
            }
            Issue::Task(e) => e.message(lang),
            Issue::ChangedSincePreview { code } => pick(
                zh,
                format!("任务“{code}”在预览之后被修改过，请重新预览"),
                format!("task \"{code}\" was changed after the preview: preview again"),
            ),
        }
    }

    /// The whole sentence: place, then what.
    pub fn message(&self, lang: Lang) -> String {
        let sep = if lang == Lang::Zh { "：" } else { ": " };
        format!("{}{sep}{}", self.place(lang), self.what(lang))
    }
}

fn pick(zh: bool, a: String, b: String) -> String {
    if zh {
        a
    } else {
        b
    }
}

/// A field's column in a sheet, for problems about it.
#[derive(Debug, Clone, Copy)]
pub struct At<'a> {
    pub sheet: &'a str,
    pub row: usize,
    pub column: Option<usize>,
    pub header: &'a str,
}

impl At<'_> {
    pub fn problem(&self, severity: Severity, issue: Issue) -> ImportProblem {
        ImportProblem {
            sheet: self.sheet.to_string(),
            row: Some(self.row),
            column: self.column,
            header: self.header.to_string(),
            severity,
            issue,
        }
    }
}

/// The header of a field's column, when a problem concerns a field.
pub fn field_header(field: Field, lang: Lang) -> &'static str {
    field.label(lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_names_sheet_row_and_column() {
        let p = ImportProblem {
            sheet: "台账".into(),
            row: Some(4),
            column: Some(5),
            header: "责任单位".into(),
            severity: Severity::Error,
            issue: Issue::UnknownUnit { name: "区水利局".into() },
        };
        assert_eq!(
            p.message(Lang::Zh),
            "工作表「台账」第5行 F列（责任单位）：单位“区水利局”不存在（可在预览中勾选新增）"
        );
        assert_eq!(
            p.message(Lang::En),
            "sheet \"台账\", row 5, column F (责任单位): no unit \"区水利局\" (tick it in the preview to create it)"
        );
    }
}
