//! The ledger to .xlsx: a title row, the header frozen and repeated on
//! every printed page, each key work as a merged group row (一、二、…),
//! lamps as cell colours, widths and page setup for A4 landscape.
//! [`write`] is pure: it turns prepared rows into the file's bytes, taking
//! the key works one by one as they come (see `ledger::export`).

use super::{column, COLUMNS};
use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

/// One task as a row of the sheet.
#[derive(Debug, Clone, Default)]
pub struct Row {
    pub lamp: Option<&'static str>,
    pub code: String,
    pub title: String,
    pub description: String,
    pub leaders: String,
    pub lead_unit: String,
    pub supporting: String,
    pub milestones: String,
    pub start_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub target: String,
    pub planned_investment: Option<Decimal>,
    pub completed_investment: Option<Decimal>,
    pub percent_complete: Decimal,
    pub status: String,
    pub priority: String,
    pub progress: String,
    pub tags: String,
}

/// A key work and its rows, in ledger order.
pub struct Group {
    pub name: String,
    pub rows: Vec<Row>,
}

/// 1 → 一, 12 → 十二: how offices number key works.
pub fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { DIGITS[n - 10] }),
        20..=99 => format!("{}十{}", DIGITS[n / 10], if n % 10 == 0 { "" } else { DIGITS[n % 10] }),
        _ => n.to_string(),
    }
}

fn lamp_fill(lamp: &str) -> Color {
    match lamp {
        "red" => Color::RGB(0xD92D20),
        "yellow" => Color::RGB(0xF0B400),
        _ => Color::RGB(0x2F9E44),
    }
}

fn lamp_word(lamp: &str) -> &'static str {
    match lamp {
        "red" => "红",
        "yellow" => "黄",
        _ => "绿",
    }
}

/// The workbook's bytes.
pub fn write<G: std::borrow::Borrow<Group>>(
    title: &str,
    groups: impl IntoIterator<Item = G>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    // Compressing the sheet's XML is most of the save: level 2 (of 1–9,
    // default 6) saves in about 0.6 of the time for ~10 % more bytes.
    wb.set_zip_compression_level(2);
    let last = (COLUMNS.len() - 1) as u16;
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap().set_font_name("宋体").set_font_size(10);
    let date = cell.clone().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    let number = cell.clone().set_num_format("#,##0.####");
    let head = cell.clone().set_bold().set_align(FormatAlign::Center).set_background_color(Color::RGB(0xEEF1F5));
    let group = cell.clone().set_bold().set_background_color(Color::RGB(0xF7F3E3));
    let title_fmt = Format::new().set_bold().set_font_size(16).set_font_name("黑体").set_align(FormatAlign::Center);

    // One format per lamp colour, made once: a format built per row is
    // hashed again by the writer for every cell.
    let lamp_formats: Vec<(&str, Format)> = ["red", "yellow", "green"]
        .into_iter()
        .map(|l| (l, cell.clone().set_background_color(lamp_fill(l)).set_align(FormatAlign::Center)))
        .collect();
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name("台账")?;
    for (i, (_, _, width)) in COLUMNS.iter().enumerate() {
        ws.set_column_width(i as u16, *width)?;
    }
    ws.set_landscape().set_paper_size(9).set_print_fit_to_pages(1, 0).set_print_center_horizontally(true);
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    ws.set_repeat_rows(1, 1)?;
    ws.set_freeze_panes(2, 0)?;
    ws.set_row_height(0, 30)?;
    ws.merge_range(0, 0, 0, last, title, &title_fmt)?;
    for (i, (_, header, _)) in COLUMNS.iter().enumerate() {
        ws.write_string_with_format(1, i as u16, *header, &head)?;
    }
    let mut r: u32 = 2;
    for (gi, g) in groups.into_iter().enumerate() {
        let g = g.borrow();
        ws.merge_range(r, 0, r, last, &format!("{}、{}", chinese_number(gi + 1), g.name), &group)?;
        r += 1;
        for row in &g.rows {
            // Empty cells are blank (bordered), not empty strings.
            let text = |ws: &mut rust_xlsxwriter::Worksheet, key: &str, value: &str| {
                if value.is_empty() {
                    ws.write_blank(r, column(key), &cell).map(|_| ())
                } else {
                    ws.write_string_with_format(r, column(key), value, &cell).map(|_| ())
                }
            };
            match row.lamp.and_then(|l| lamp_formats.iter().find(|(k, _)| *k == l)) {
                Some((l, f)) => {
                    ws.write_string_with_format(r, column("lamp"), lamp_word(l), f)?;
                }
                None => text(ws, "lamp", "")?,
            }
            text(ws, "code", &row.code)?;
            text(ws, "title", &row.title)?;
            text(ws, "description", &row.description)?;
            text(ws, "leaders", &row.leaders)?;
            text(ws, "lead_unit", &row.lead_unit)?;
            text(ws, "supporting", &row.supporting)?;
            text(ws, "milestones", &row.milestones)?;
            for (key, d) in [("start_date", row.start_date), ("due_date", row.due_date)] {
                match d {
                    Some(d) => ws.write_date_with_format(r, column(key), d, &date).map(|_| ())?,
                    None => text(ws, key, "")?,
                }
            }
            text(ws, "target", &row.target)?;
            for (key, v) in [
                ("planned_investment", row.planned_investment),
                ("completed_investment", row.completed_investment),
                ("percent_complete", Some(row.percent_complete)),
            ] {
                match v.and_then(|v| v.to_f64()) {
                    Some(v) => ws.write_number_with_format(r, column(key), v, &number).map(|_| ())?,
                    None => text(ws, key, "")?,
                }
            }
            text(ws, "status", &row.status)?;
            text(ws, "priority", &row.priority)?;
            text(ws, "progress", &row.progress)?;
            text(ws, "tags", &row.tags)?;
            r += 1;
        }
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_works_are_numbered_as_offices_do() {
        let n: Vec<String> = [1, 2, 9, 10, 11, 20, 21, 35].iter().map(|n| chinese_number(*n)).collect();
        assert_eq!(n, ["一", "二", "九", "十", "十一", "二十", "二十一", "三十五"]);
    }

    #[test]
    fn the_columns_fit_a_landscape_page_and_have_unique_keys() {
        let total: f64 = COLUMNS.iter().map(|c| c.2).sum();
        assert!(total < 260.0, "{total}");
        let mut keys: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), COLUMNS.len());
    }
}
