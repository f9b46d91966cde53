//! A document's tables as Excel: one sheet per table, named after its
//! caption, with the document's title above the header, the header bold,
//! frozen and repeated on each printed page, A4 landscape like the ledger
//! export. Pure: bytes out.

use super::model::Document;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

/// Excel refuses these in sheet names (and control characters, which XML
/// cannot hold), and names longer than 31 characters.
fn sheet_name(caption: &str, taken: &[String]) -> String {
    let clean: String = caption
        .chars()
        .filter(|c| !"[]:*?/\\'".contains(*c) && !tuijin_domain::patch::is_forbidden_char(*c))
        .take(28)
        .collect();
    let base = if clean.trim().is_empty() { "表".to_string() } else { clean };
    let mut name = base.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        name = format!("{base}{n}");
        n += 1;
    }
    name
}

/// Excel column width units per relative width unit of a table.
const WIDTH_UNIT: f64 = 5.0;

pub fn write(d: &Document) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap().set_font_name("仿宋").set_font_size(11);
    let head = cell.clone().set_bold().set_align(FormatAlign::Center).set_background_color(Color::RGB(0xEEF1F5));
    let title = Format::new().set_bold().set_font_size(14).set_font_name("黑体").set_align(FormatAlign::Center);
    let mut taken: Vec<String> = Vec::new();
    for t in d.tables() {
        let name = sheet_name(&t.caption, &taken);
        taken.push(name.clone());
        let ws = wb.add_worksheet();
        ws.set_name(&name)?;
        ws.set_landscape().set_paper_size(9).set_print_fit_to_pages(1, 0).set_print_center_horizontally(true);
        ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
        let last = t.header.len().saturating_sub(1) as u16;
        for (i, w) in t.widths.iter().enumerate() {
            ws.set_column_width(i as u16, f64::from(*w) * WIDTH_UNIT)?;
        }
        let heading = format!("{}　{}", d.title, t.caption);
        if last > 0 {
            ws.merge_range(0, 0, 0, last, &heading, &title)?;
        } else {
            ws.write_string_with_format(0, 0, &heading, &title)?;
        }
        ws.set_row_height(0, 28)?;
        for (c, h) in t.header.iter().enumerate() {
            ws.write_string_with_format(1, c as u16, h, &head)?;
        }
        ws.set_repeat_rows(1, 1)?;
        ws.set_freeze_panes(2, 0)?;
        for (r, row) in t.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let r = r as u32 + 2;
                // Counts and percents are numbers, so the office can sum them.
                match v.parse::<f64>() {
                    Ok(n) if t.numeric.contains(&c) => ws.write_number_with_format(r, c as u16, n, &cell)?,
                    _ => ws.write_string_with_format(r, c as u16, v, &cell)?,
                };
            }
        }
    }
    if taken.is_empty() {
        // A workbook needs a sheet: the title alone.
        wb.add_worksheet().write_string_with_format(0, 0, &d.title, &title)?;
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_cleaned_shortened_and_unique() {
        let taken = vec!["红灯任务".to_string()];
        assert_eq!(sheet_name("红灯任务", &taken), "红灯任务2");
        assert_eq!(sheet_name("a/b:c", &[]), "abc");
        assert_eq!(sheet_name("", &[]), "表");
        assert_eq!(sheet_name(&"长".repeat(40), &[]).chars().count(), 28);
    }
}
