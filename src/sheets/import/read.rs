//! An .xlsx file's sheets as the pure extraction reads them: values and
//! merged ranges, from A1 (calamine's ranges start at the first used cell).

use calamine::{open_workbook_from_rs, Data, DataType, Reader, Xlsx};
use std::io::Cursor;
use tuijin_domain::extraction::{Cell, Merge, Sheet};

/// The most rows one import reads, over all sheets.
pub const MAX_ROWS: usize = 200_000;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Not a workbook at all (a renamed .xls, a Word file, a broken download).
    #[error("not an xlsx workbook: {0}")]
    NotXlsx(String),
    #[error("sheet {sheet}: {detail}")]
    Sheet { sheet: String, detail: String },
    #[error("more than {MAX_ROWS} rows")]
    TooLarge,
}

impl ReadError {
    pub fn message(&self, lang: tuijin_domain::Lang) -> String {
        match (self, lang) {
            (ReadError::NotXlsx(_), tuijin_domain::Lang::Zh) => {
                "文件无法读取：请上传 Excel 2007 及以上版本的 .xlsx 文件（旧版 .xls 请先另存为 .xlsx）".into()
            }
            (ReadError::NotXlsx(_), _) => {
                "the file cannot be read: upload an .xlsx workbook (save an old .xls as .xlsx first)".into()
            }
            (ReadError::Sheet { sheet, .. }, tuijin_domain::Lang::Zh) => format!("工作表「{sheet}」无法读取"),
            (ReadError::Sheet { sheet, .. }, _) => format!("sheet \"{sheet}\" cannot be read"),
            (ReadError::TooLarge, tuijin_domain::Lang::Zh) => format!("一次最多导入{MAX_ROWS}行，请分文件导入"),
            (ReadError::TooLarge, _) => format!("at most {MAX_ROWS} rows per import: split the file"),
        }
    }
}

fn cell(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::of(s),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(_) | Data::DateTimeIso(_) => match d.as_date() {
            Some(date) => Cell::Date(date),
            None => Cell::Text(d.to_string()),
        },
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

/// Every sheet of the workbook, in order.
pub fn workbook(bytes: &[u8]) -> Result<Vec<Sheet>, ReadError> {
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| ReadError::NotXlsx(e.to_string()))?;
    let names = wb.sheet_names();
    let mut out = Vec::with_capacity(names.len());
    let mut total = 0;
    for name in names {
        let err = |e: calamine::XlsxError| ReadError::Sheet { sheet: name.clone(), detail: e.to_string() };
        let range = wb.worksheet_range(&name).map_err(err)?;
        let merges = wb.merge_cells_by_sheet_name(&name).map_err(err)?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let (r0, c0) = (r0 as usize, c0 as usize);
        let mut rows: Vec<Vec<Cell>> = vec![Vec::new(); r0];
        for row in range.rows() {
            let mut cells = vec![Cell::Empty; c0];
            cells.extend(row.iter().map(cell));
            while cells.last().is_some_and(Cell::is_empty) {
                cells.pop();
            }
            rows.push(cells);
        }
        total += rows.len();
        if total > MAX_ROWS {
            return Err(ReadError::TooLarge);
        }
        let merges = merges
            .into_iter()
            .map(|d| Merge {
                first_row: d.start.0 as usize,
                first_col: d.start.1 as usize,
                last_row: d.end.0 as usize,
                last_col: d.end.1 as usize,
            })
            .collect();
        let mut sheet = Sheet { name, rows, merges };
        sheet.fill_vertical_merges();
        out.push(sheet);
    }
    Ok(out)
}
