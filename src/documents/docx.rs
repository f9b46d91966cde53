//! A [`Document`] as Word (.docx), laid out after GB/T 9704《党政机关公文格式》:
//! A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; the title
//! in 方正小标宋简体 二号 (22 pt) centred; body 仿宋_GB2312 三号 (16 pt) at a
//! fixed 28 pt line, first line indented two characters; first-level
//! headings 黑体, second-level 楷体_GB2312; page numbers "— 1 —" in 宋体
//! 四号 (14 pt) in the footer; tables bordered, in 仿宋 小四 (12 pt).
//!
//! Fonts and fallbacks: docx-rs writes a fixed font table (Times New
//! Roman, Symbol, Arial) with no `w:altName`, and one name per
//! `w:rFonts` slot, so a second choice cannot be named in the file.
//! We name the GB fonts in the East-Asian slot — what the offices' Word
//! and WPS have installed and what GB/T 9704 asks for — and Times New
//! Roman in the Latin slots (ascii/hAnsi), as official documents set
//! digits and Latin text. Where a GB font is missing (LibreOffice on
//! Linux), the renderer substitutes through fontconfig, which picks an
//! installed CJK face (Noto Serif/Sans CJK SC from `fonts-noto-cjk`); the
//! printable HTML page lists those fallbacks explicitly in its CSS.
//!
//! Where docx-rs 0.4 falls short of the standard: page numbers are centred
//! (GB/T 9704 puts them right on odd pages and left on even ones, which
//! needs `w:evenAndOddHeaders` in the settings docx-rs does not write), and
//! a table's header row does not repeat on the next page (no
//! `w:tblHeader`). [`write`] is pure: bytes out, no I/O.

use super::model::{Block, Document, Table};
use docx_rs::{
    AlignmentType, Docx, FieldCharType, Footer, InstrPAGE, InstrText, LineSpacing, LineSpacingType, PageMargin,
    Paragraph, Run, RunFonts, Shading, SpecialIndentType, TableCell, TableLayoutType, TableRow, WidthType,
};

pub const TITLE_FONT: &str = "方正小标宋简体";
pub const BODY_FONT: &str = "仿宋_GB2312";
pub const HEADING1_FONT: &str = "黑体";
pub const HEADING2_FONT: &str = "楷体_GB2312";
pub const PAGE_NUMBER_FONT: &str = "宋体";
const LATIN_FONT: &str = "Times New Roman";

/// Twips per millimetre (1440 per inch / 25.4).
fn mm(v: f64) -> i32 {
    (v * 1440.0 / 25.4).round() as i32
}

/// Sizes are in half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt, 小四 12 pt.
const TITLE_SIZE: usize = 44;
const BODY_SIZE: usize = 32;
const PAGE_NUMBER_SIZE: usize = 28;
const TABLE_SIZE: usize = 24;
/// The fixed body line: 28 pt (in twips), 22 lines on the page as GB/T 9704 sets.
const LINE: i32 = 560;

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new().east_asia(east_asia).ascii(LATIN_FONT).hi_ansi(LATIN_FONT)
}

/// Every text of the document goes through here. docx-rs escapes markup
/// but passes control characters, which XML cannot hold: one U+0001 in a
/// task's title made the whole briefing unreadable. Text typed today is
/// refused with them, but rows written before that rule may hold them.
fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new().add_text(tuijin_domain::patch::strip_controls(text)).fonts(fonts(font)).size(size)
}

fn fixed_line() -> LineSpacing {
    LineSpacing::new().line_rule(LineSpacingType::Exact).line(LINE)
}

/// Twips of one body character: 16 pt.
const CHAR: i32 = BODY_SIZE as i32 * 10;

/// A body paragraph: the first line indented two characters. (docx-rs
/// 0.4 does not write `firstLineChars`, so the indent is in twips.)
fn body(text: &str, font: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, font, BODY_SIZE))
        .indent(None, Some(SpecialIndentType::FirstLine(2 * CHAR)), None, None)
        .line_spacing(fixed_line())
}

fn centred(text: &str, font: &str, size: usize) -> Paragraph {
    Paragraph::new().add_run(run(text, font, size)).align(AlignmentType::Center).line_spacing(fixed_line())
}

fn empty_line() -> Paragraph {
    Paragraph::new().line_spacing(fixed_line())
}

/// "— 1 —": the page number as a PAGE field between two dashes.
fn footer() -> Footer {
    let page = Run::new()
        .fonts(fonts(PAGE_NUMBER_FONT))
        .size(PAGE_NUMBER_SIZE)
        .add_field_char(FieldCharType::Begin, false)
        .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
        .add_field_char(FieldCharType::Separate, false)
        .add_text("1")
        .add_field_char(FieldCharType::End, false);
    Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(run("— ", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE))
            .add_run(page)
            .add_run(run(" —", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)),
    )
}

/// The width of the text block: 210 mm less the side margins.
fn text_width() -> usize {
    mm(210.0 - 28.0 - 26.0) as usize
}

fn cell(text: &str, width: usize, head: bool) -> TableCell {
    let mut c = TableCell::new().width(width, WidthType::Dxa);
    // Several lines in a cell (milestones, reasons) stay several lines.
    for line in text.split('\n') {
        let r = run(line, BODY_FONT, TABLE_SIZE);
        c = c.add_paragraph(match head {
            true => Paragraph::new().add_run(r.bold()).align(AlignmentType::Center),
            false => Paragraph::new().add_run(r),
        });
    }
    if head {
        c = c.shading(Shading::new().fill("EEF1F5"));
    }
    c
}

fn table(t: &Table) -> docx_rs::Table {
    let total: usize = t.widths.iter().map(|w| usize::from(*w)).sum::<usize>().max(1);
    let widths: Vec<usize> = t.widths.iter().map(|w| text_width() * usize::from(*w) / total).collect();
    let mut rows = vec![TableRow::new(t.header.iter().zip(&widths).map(|(h, w)| cell(h, *w, true)).collect())];
    for r in &t.rows {
        rows.push(TableRow::new(r.iter().zip(&widths).map(|(v, w)| cell(v, *w, false)).collect()));
    }
    docx_rs::Table::new(rows).set_grid(widths).width(text_width(), WidthType::Dxa).layout(TableLayoutType::Fixed)
}

/// The .docx file's bytes.
pub fn write(d: &Document) -> std::io::Result<Vec<u8>> {
    let mut x = Docx::new()
        .page_size(mm(210.0) as u32, mm(297.0) as u32)
        .page_margin(
            PageMargin::new()
                .top(mm(37.0))
                .bottom(mm(35.0))
                .left(mm(28.0))
                .right(mm(26.0))
                .header(mm(15.0))
                .footer(mm(20.0)),
        )
        .default_fonts(fonts(BODY_FONT))
        .default_size(BODY_SIZE)
        .footer(footer());
    if let Some(issue) = &d.issue {
        x = x.add_paragraph(centred(issue, HEADING2_FONT, BODY_SIZE));
    }
    if let Some(line) = &d.number_line {
        x = x.add_paragraph(centred(line, BODY_FONT, BODY_SIZE)).add_paragraph(empty_line());
    }
    // The title may run longer than the fixed body line: let it breathe.
    x = x
        .add_paragraph(
            Paragraph::new()
                .add_run(run(&d.title, TITLE_FONT, TITLE_SIZE))
                .align(AlignmentType::Center)
                .line_spacing(LineSpacing::new().line_rule(LineSpacingType::AtLeast).line(LINE)),
        )
        .add_paragraph(empty_line());
    for b in &d.blocks {
        x = match b {
            Block::Heading { level: 1, text } => x.add_paragraph(body(text, HEADING1_FONT).keep_next(true)),
            Block::Heading { level: 2, text } => x.add_paragraph(body(text, HEADING2_FONT).keep_next(true)),
            Block::Heading { text, .. } => x.add_paragraph(body(text, BODY_FONT).keep_next(true)),
            Block::Paragraph(p) => x.add_paragraph(body(p, BODY_FONT)),
            Block::Table(t) => x
                .add_paragraph(centred(&t.caption, HEADING1_FONT, TABLE_SIZE).keep_next(true))
                .add_table(table(t))
                .add_paragraph(empty_line()),
            Block::Signature { issuer, date } => {
                x.add_paragraph(empty_line()).add_paragraph(signature_line(issuer)).add_paragraph(signature_line(date))
            }
        };
    }
    let mut out = std::io::Cursor::new(Vec::new());
    x.build().pack(&mut out).map_err(std::io::Error::other)?;
    Ok(out.into_inner())
}

/// 落款: right-aligned, four characters in from the right margin.
fn signature_line(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, BODY_FONT, BODY_SIZE))
        .align(AlignmentType::Right)
        .indent(None, None, Some(4 * CHAR), None)
        .line_spacing(fixed_line())
}
