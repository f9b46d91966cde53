//! The rows under a sheet's header as ledger records: key-work headings
//! (a row merged across, or "一、…" alone), task rows with every value
//! read, and rows that continue the task above (its code merged down).

use super::dates::{self, DateText};
use super::grid::{Cell, MergeIndex, Sheet};
use super::header::{scale_of, Field, Mapping};
use super::milestones;
use super::problem::{At, ImportProblem, Issue, Severity};
use super::values;
use crate::milestone::MilestoneFields;
use crate::task::{Priority, Status, Target};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// One task row, read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Record {
    pub sheet: String,
    /// 0-based row in the sheet.
    pub row: usize,
    /// The key-work heading above the row, numbering removed.
    pub key_work: Option<String>,
    pub code: String,
    pub title: String,
    pub description: String,
    /// (name, title) of each leader.
    pub leaders: Vec<(String, String)>,
    pub lead_unit: Option<String>,
    pub supporting_units: Vec<String>,
    pub milestones: Vec<MilestoneFields>,
    pub start_date: Option<NaiveDate>,
    pub due: Option<DateText>,
    pub target: Option<Target>,
    pub planned_investment: Option<Decimal>,
    pub completed_investment: Option<Decimal>,
    pub percent_complete: Option<Decimal>,
    pub status: Option<Status>,
    pub priority: Option<Priority>,
    pub progress: String,
    pub tags: Vec<String>,
}

/// A sheet read: its records, the fields it has columns for, problems.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    pub records: Vec<Record>,
    pub fields: Vec<Field>,
    pub problems: Vec<ImportProblem>,
}

/// "一、二七商圈区域城市复兴" → "二七商圈区域城市复兴"; "（二）基础设施" → "基础设施".
pub fn heading_name(text: &str) -> String {
    let t = text.trim();
    let numerals = |c: char| "一二三四五六七八九十百零〇".contains(c) || c.is_ascii_digit();
    let body = if let Some(rest) = t.strip_prefix(['（', '(']) {
        match rest.find(['）', ')']) {
            Some(i) if rest[..i].chars().all(numerals) => rest[i..].trim_start_matches(['）', ')']),
            _ => t,
        }
    } else {
        let n: usize = t.chars().take_while(|c| numerals(*c)).map(char::len_utf8).sum();
        match t[n..].strip_prefix(['、', '.', '．']) {
            Some(rest) if n > 0 => rest,
            _ => t,
        }
    };
    body.trim().to_string()
}

/// Whether a row is a key-work heading, and its text: one value merged
/// across most of the row, or the only value in the row written "一、…".
fn heading(sheet: &Sheet, merges: &MergeIndex<'_>, r: usize, width: usize) -> Option<String> {
    let row = sheet.rows.get(r)?;
    let mut filled = row.iter().filter(|c| !c.is_empty());
    let only = filled.next()?;
    if filled.next().is_some() {
        return None;
    }
    let text = only.text();
    if merges.across(r, width.clamp(2, 3)).is_some() {
        return Some(heading_name(&text));
    }
    let name = heading_name(&text);
    (name != text.trim() && !name.is_empty()).then_some(name)
}

/// A run of a sheet's rows that reads on its own: the rows, and the
/// key-work heading in force at the first.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub rows: std::ops::Range<usize>,
    pub key_work: Option<String>,
}

impl Extracted {
    /// This part's reading followed by the next part's.
    pub fn then(mut self, next: Extracted) -> Extracted {
        self.records.extend(next.records);
        self.problems.extend(next.problems);
        self
    }
}

/// The rows below the header cut into at most `count` parts that can be
/// read apart (on several cores) and joined with [`Extracted::then`] to
/// give exactly what [`extract`] gives: a cut falls only before a row not
/// merged into the task above, and each part knows the heading in force.
pub fn parts(
    sheet: &Sheet,
    merges: &MergeIndex<'_>,
    mapping: &Mapping,
    key_work: Option<&str>,
    count: usize,
) -> Vec<Part> {
    let first = mapping.header_row + 1;
    let end = sheet.rows.len().max(first);
    let code_col = mapping.column_of(Field::Code);
    let width = mapping.columns.iter().filter(|c| c.is_some()).count();
    let mut cuts = vec![first];
    for i in 1..count.max(1) {
        let aim = first + (end - first) * i / count;
        let cut =
            (aim.max(cuts[cuts.len() - 1] + 1)..end).find(|r| code_col.is_none_or(|c| !merges.continues_above(*r, c)));
        match cut {
            Some(r) => cuts.push(r),
            None => break,
        }
    }
    cuts.push(end);
    cuts.windows(2)
        .map(|w| Part {
            rows: w[0]..w[1],
            // The nearest heading above the cut, else the sheet's own.
            key_work: (first..w[0])
                .rev()
                .find_map(|r| heading(sheet, merges, r, width))
                .or_else(|| key_work.map(str::to_string)),
        })
        .collect()
}

/// Reads the rows below the header. `year` completes dates written
/// without one; `key_work` is the heading in force before any heading row.
pub fn extract(sheet: &Sheet, mapping: &Mapping, year: i32, key_work: Option<&str>) -> Extracted {
    let rows = mapping.header_row + 1..sheet.rows.len().max(mapping.header_row + 1);
    let part = Part { rows, key_work: key_work.map(str::to_string) };
    extract_part(sheet, &MergeIndex::new(sheet), mapping, year, &part)
}

/// Reads one part of the rows below the header (see [`parts`]); `merges`
/// is the sheet's, made once for all its parts.
pub fn extract_part(sheet: &Sheet, merges: &MergeIndex<'_>, mapping: &Mapping, year: i32, part: &Part) -> Extracted {
    let mut out = Extracted {
        fields: mapping.columns.iter().flatten().copied().collect(),
        // A record a row at most: no regrowing (and copying) 50,000 records.
        records: Vec::with_capacity(part.rows.len()),
        problems: Vec::new(),
    };
    let mut current = part.key_work.clone();
    let width = mapping.columns.iter().filter(|c| c.is_some()).count();
    let code_col = mapping.column_of(Field::Code);
    for r in part.rows.clone() {
        let row = &sheet.rows[r];
        if row.iter().all(Cell::is_empty) {
            continue;
        }
        if let Some(name) = heading(sheet, merges, r, width) {
            current = Some(name);
            continue;
        }
        let mut reader = RowReader { sheet, mapping, r, year, problems: &mut out.problems };
        // A row whose code is merged from the row above adds to that task.
        if let (Some(c), Some(last)) = (code_col, out.records.last_mut()) {
            if merges.continues_above(r, c) {
                last.milestones.extend(reader.milestones());
                continue;
            }
        }
        let record = reader.record(current.clone());
        out.records.push(record);
    }
    out
}

struct RowReader<'a> {
    sheet: &'a Sheet,
    mapping: &'a Mapping,
    r: usize,
    year: i32,
    problems: &'a mut Vec<ImportProblem>,
}

impl<'a> RowReader<'a> {
    /// The field's place and cell. Both borrow the sheet, not the reader,
    /// so a cell is read without copying it while problems are pushed.
    fn at(&self, field: Field) -> (At<'a>, &'a Cell) {
        let (sheet, mapping): (&'a Sheet, &'a Mapping) = (self.sheet, self.mapping);
        let column = mapping.column_of(field);
        let header = column.and_then(|c| mapping.headers.get(c)).map_or("", String::as_str);
        let cell = column.map_or(&Cell::Empty, |c| sheet.cell(self.r, c));
        (At { sheet: &sheet.name, row: self.r, column, header }, cell)
    }

    fn report(&mut self, field: Field, severity: Severity, issue: Issue) {
        let p = self.at(field).0.problem(severity, issue);
        self.problems.push(p);
    }

    /// The cell's text; an Excel error value is reported and read as empty.
    fn text(&mut self, field: Field) -> String {
        let cell = self.at(field).1;
        if let Cell::Error(e) = cell {
            self.report(field, Severity::Error, Issue::ExcelError { text: e.to_string() });
            return String::new();
        }
        cell.text()
    }

    fn date(&mut self, field: Field) -> Option<DateText> {
        let cell = self.at(field).1;
        match cell {
            Cell::Empty => None,
            Cell::Date(d) => Some(DateText::Date(*d)),
            Cell::Number(n) => match dates::from_excel_serial(*n) {
                Some(d) => Some(DateText::Date(d)),
                None => {
                    self.report(field, Severity::Error, Issue::NotADate { text: cell.text() });
                    None
                }
            },
            _ => {
                let text = self.text(field);
                if text.is_empty() {
                    return None;
                }
                let parsed = dates::parse(&text, self.year);
                if parsed.is_none() {
                    self.report(field, Severity::Error, Issue::NotADate { text });
                }
                parsed
            }
        }
    }

    fn amount(&mut self, field: Field) -> Option<Decimal> {
        let (at, cell) = self.at(field);
        let scale = scale_of(at.header);
        values::amount(cell, scale).unwrap_or_else(|_| {
            self.report(field, Severity::Error, Issue::NotANumber { text: cell.text() });
            None
        })
    }

    fn milestones(&mut self) -> Vec<MilestoneFields> {
        let text = self.text(Field::Milestones);
        milestones::parse(&text, self.year).unwrap_or_else(|line| {
            self.report(Field::Milestones, Severity::Error, Issue::MilestoneWithoutDate { line });
            Vec::new()
        })
    }

    fn record(&mut self, key_work: Option<String>) -> Record {
        let code = values::code(self.at(Field::Code).1);
        let title = self.text(Field::Title);
        if code.is_empty() {
            self.report(Field::Code, Severity::Error, Issue::Required);
        }
        if title.is_empty() {
            self.report(Field::Title, Severity::Error, Issue::Required);
        }
        let mut description = self.text(Field::Description);
        let leaders = values::leaders(&self.text(Field::Leaders));
        let mut units = values::names(&self.text(Field::LeadUnit));
        let lead_unit = (!units.is_empty()).then(|| units.remove(0));
        let mut supporting_units = units.clone();
        if let (Some(first), false) = (&lead_unit, units.is_empty()) {
            self.report(Field::LeadUnit, Severity::Warning, Issue::SeveralLeadUnits { first: first.clone() });
        }
        supporting_units.extend(values::names(&self.text(Field::SupportingUnits)));
        let milestones = self.milestones();
        let start_date = match self.date(Field::StartDate) {
            Some(DateText::Date(d)) => Some(d),
            Some(DateText::Ongoing) => {
                self.report(
                    Field::StartDate,
                    Severity::Error,
                    Issue::NotADate { text: self.at(Field::StartDate).1.text() },
                );
                None
            }
            None => None,
        };
        let due = self.date(Field::DueDate);
        let target_cell = self.at(Field::Target).1;
        let target = values::target(target_cell).unwrap_or_else(|_| {
            self.report(Field::Target, Severity::Error, Issue::NotATarget { text: target_cell.text() });
            None
        });
        let planned_investment = self.amount(Field::PlannedInvestment);
        let completed_investment = self.amount(Field::CompletedInvestment);
        let percent_cell = self.at(Field::PercentComplete).1;
        let percent_complete = match values::percent(percent_cell) {
            Ok(Some(p)) if p < Decimal::ZERO || p > Decimal::from(100) => {
                self.report(Field::PercentComplete, Severity::Error, Issue::NotAPercent { text: percent_cell.text() });
                None
            }
            Ok(p) => p,
            Err(_) => {
                self.report(Field::PercentComplete, Severity::Error, Issue::NotAPercent { text: percent_cell.text() });
                None
            }
        };
        let status_text = self.text(Field::Status);
        let status = (!status_text.is_empty()).then(|| Status::parse(&status_text)).flatten();
        if status.is_none() && !status_text.is_empty() {
            self.report(Field::Status, Severity::Error, Issue::UnknownStatus { text: status_text });
        }
        let priority_text = self.text(Field::Priority);
        let priority = (!priority_text.is_empty()).then(|| Priority::parse(&priority_text)).flatten();
        if priority.is_none() && !priority_text.is_empty() {
            self.report(Field::Priority, Severity::Error, Issue::UnknownPriority { text: priority_text });
        }
        let progress = self.text(Field::Progress);
        let mut tags = Vec::new();
        for part in self.text(Field::Remarks).split('、').map(str::trim).filter(|s| !s.is_empty()) {
            if part.chars().count() > 32 {
                self.report(Field::Remarks, Severity::Warning, Issue::RemarkMoved);
                if !description.is_empty() {
                    description.push('\n');
                }
                description.push_str("备注：");
                description.push_str(part);
            } else {
                tags.push(part.to_string());
            }
        }
        Record {
            sheet: self.sheet.name.clone(),
            row: self.r,
            key_work,
            code,
            title,
            description,
            leaders,
            lead_unit,
            supporting_units,
            milestones,
            start_date,
            due,
            target,
            planned_investment,
            completed_investment,
            percent_complete,
            status,
            priority,
            progress,
            tags,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::grid::Merge;
    use super::super::header::detect;
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn headings_lose_their_numbering() {
        assert_eq!(heading_name("一、二七商圈区域城市复兴"), "二七商圈区域城市复兴");
        assert_eq!(heading_name("（二）基础设施建设"), "基础设施建设");
        assert_eq!(heading_name("十二、安置房建设"), "安置房建设");
        assert_eq!(heading_name("一号工程"), "一号工程");
    }

    /// Headings, a task merged over two rows, a leader merged down three.
    fn awkward() -> Sheet {
        let mut s = Sheet::from_text(
            "台账",
            &[
                &["2021年重点工作推进台账", "", "", "", "", ""],
                &["序号", "工作任务", "责任领导", "责任单位", "时间节点", "完成时限"],
                &["一、二七商圈区域城市复兴", "", "", "", "", ""],
                &["1", "道路建设", "林志远（区长）", "区住建局", "6月底前完成前7条", "年底前"],
                &["", "", "", "", "12月31日前全部通车", ""],
                &["2", "立面改造", "", "区城管局、区住建局", "", "长期坚持"],
                &["二、基础设施建设", "", "", "", "", ""],
                &["1", "管网改造", "王强", "区水利局", "", "2022年6月底"],
            ],
        );
        s.merges = vec![
            Merge { first_row: 0, first_col: 0, last_row: 0, last_col: 5 },
            Merge { first_row: 2, first_col: 0, last_row: 2, last_col: 5 },
            Merge { first_row: 3, first_col: 0, last_row: 4, last_col: 0 },
            Merge { first_row: 3, first_col: 2, last_row: 5, last_col: 2 },
            Merge { first_row: 6, first_col: 0, last_row: 6, last_col: 5 },
        ];
        s.fill_vertical_merges(usize::MAX).unwrap();
        s
    }

    #[test]
    fn rows_under_headings_with_merged_leaders_and_continuations() {
        let s = awkward();
        let m = detect(&s).unwrap();
        let x = extract(&s, &m, 2021, None);
        assert_eq!(x.records.len(), 3, "{:?}", x.problems);
        let r = &x.records[0];
        assert_eq!(r.key_work.as_deref(), Some("二七商圈区域城市复兴"));
        assert_eq!(r.milestones.len(), 2, "the continuation row adds its milestone");
        assert_eq!(r.milestones[1].planned_date, day(2021, 12, 31));
        assert_eq!(r.due, Some(DateText::Date(day(2021, 12, 31))));
        let r = &x.records[1];
        assert_eq!(r.leaders, [("林志远".to_string(), "区长".to_string())], "the leader merged down fills the row");
        assert_eq!(r.lead_unit.as_deref(), Some("区城管局"));
        assert_eq!(r.supporting_units, ["区住建局"]);
        assert_eq!(r.due, Some(DateText::Ongoing));
        assert_eq!(x.records[2].key_work.as_deref(), Some("基础设施建设"));
        assert_eq!(x.records[2].row, 7);
        assert_eq!(x.problems.len(), 1);
        assert_eq!(x.problems[0].issue, Issue::SeveralLeadUnits { first: "区城管局".into() });
    }

    #[test]
    fn every_bad_cell_is_named() {
        let mut s = Sheet::from_text(
            "Sheet1",
            &[
                &["序号", "工作任务", "完成时限", "进度", "计划投资（亿元）", "目标", "状态", "时间节点"],
                &["1", "", "尽快", "过半", "约三亿", "14", "进行中", "完成验收"],
            ],
        );
        s.rows[1][2] = Cell::Text("尽快".into());
        let m = detect(&s).unwrap();
        let x = extract(&s, &m, 2021, Some("重点工作"));
        let cols: Vec<(Option<usize>, &str)> = x.problems.iter().map(|p| (p.column, p.header.as_str())).collect();
        assert_eq!(
            cols,
            [
                (Some(1), "工作任务"),
                (Some(7), "时间节点"),
                (Some(2), "完成时限"),
                (Some(5), "目标"),
                (Some(4), "计划投资（亿元）"),
                (Some(3), "进度"),
                (Some(6), "状态"),
            ]
        );
        assert!(x.problems.iter().all(|p| p.row == Some(1) && p.is_error()));
    }

    #[test]
    fn typed_cells_and_serials() {
        let mut s = Sheet::from_text(
            "s",
            &[&["序号", "工作任务", "责任单位", "开始日期", "完成时限", "计划投资（亿元）", "进度"]],
        );
        s.rows.push(vec![
            Cell::Number(3.0),
            Cell::of("x"),
            Cell::of("区住建局"),
            Cell::Number(44197.0),
            Cell::Date(day(2021, 6, 30)),
            Cell::Number(1.5),
            Cell::Number(0.25),
        ]);
        let x = extract(&s, &detect(&s).unwrap(), 2021, None);
        let r = &x.records[0];
        assert!(x.problems.is_empty(), "{:?}", x.problems);
        assert_eq!(r.code, "3");
        assert_eq!(r.start_date, Some(day(2021, 1, 1)));
        assert_eq!(r.due, Some(DateText::Date(day(2021, 6, 30))));
        assert_eq!(r.planned_investment, Some(Decimal::from(15_000)));
        assert_eq!(r.percent_complete, Some(Decimal::from(25)));
        assert_eq!(r.key_work, None);
    }

    #[test]
    fn parts_read_apart_give_the_whole() {
        let s = awkward();
        let m = detect(&s).unwrap();
        let whole = extract(&s, &m, 2021, Some("之前的重点工作"));
        let merges = MergeIndex::new(&s);
        for count in 1..=8 {
            let parts = parts(&s, &merges, &m, Some("之前的重点工作"), count);
            assert!(parts.len() <= count.max(1));
            assert_eq!(parts.first().unwrap().rows.start, m.header_row + 1);
            assert_eq!(parts.last().unwrap().rows.end, s.rows.len());
            assert!(parts.windows(2).all(|w| w[0].rows.end == w[1].rows.start), "{parts:?}");
            // Never between a task and the row merged into it (row 4 continues row 3).
            assert!(parts.iter().all(|p| p.rows.start != 4), "{parts:?}");
            let joined = parts.iter().map(|p| extract_part(&s, &merges, &m, 2021, p)).reduce(Extracted::then).unwrap();
            assert_eq!(joined.records, whole.records, "{count} parts");
            assert_eq!(joined.problems, whole.problems, "{count} parts");
        }
        // A part starting below a heading carries it.
        let p = parts(&s, &merges, &m, None, 8);
        let at_5 = p.iter().find(|p| p.rows.start == 5).unwrap();
        assert_eq!(at_5.key_work.as_deref(), Some("二七商圈区域城市复兴"));
    }
}
