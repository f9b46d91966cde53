//! The official document (公文) as plain data: a title, an optional issue
//! line and 发文字号/date line, then blocks — headings numbered the way
//! offices number them (一、 （一） 1.), paragraphs, tables with a header
//! row, and the signature. Builders are pure, so a document can be
//! compared as text ([`Document::outline`]) before any writer sees it.

/// One official document, ready for a writer (Word, Excel, HTML).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    pub title: String,
    /// "第12期" under the title of a periodical (督查通报).
    pub issue: Option<String>,
    /// The 发文字号/issuer and date line above the red rule.
    pub number_line: Option<String>,
    pub blocks: Vec<Block>,
    /// Counters of the heading levels, for numbering.
    counters: [usize; 3],
    /// Chinese documents number headings 一、（一）1.; English ones 1. (1) (a).
    english: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Level 1 (一、), 2 (（一）) or 3 (1.); the text carries its number.
    Heading {
        level: u8,
        text: String,
    },
    Paragraph(String),
    Table(Table),
    /// 落款: the issuing body and the date, right-aligned at the end.
    Signature {
        issuer: String,
        date: String,
    },
}

/// A table with a header row; `widths` are relative column widths.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Names the table (and its Excel sheet).
    pub caption: String,
    pub header: Vec<String>,
    pub widths: Vec<u16>,
    pub rows: Vec<Vec<String>>,
    /// Columns holding numbers (written as numbers to Excel).
    pub numeric: Vec<usize>,
}

impl Table {
    /// A table whose columns are given as (header, relative width).
    pub fn new(caption: impl Into<String>, columns: &[(&str, u16)]) -> Table {
        Table {
            caption: caption.into(),
            header: columns.iter().map(|c| c.0.to_string()).collect(),
            widths: columns.iter().map(|c| c.1).collect(),
            rows: Vec::new(),
            numeric: Vec::new(),
        }
    }

    /// Marks columns as numeric.
    pub fn numbers(mut self, columns: &[usize]) -> Table {
        self.numeric = columns.to_vec();
        self
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }
}

/// 1 → 一: how headings of the first two levels are numbered.
pub use crate::sheets::export::chinese_number;
use chrono::NaiveDate;
use tuijin_domain::Lang;

impl Document {
    pub fn new(title: impl Into<String>, lang: Lang) -> Document {
        Document { title: title.into(), english: lang == Lang::En, ..Default::default() }
    }

    /// "重点工作推进办公室　　2021年3月10日": who issues it, and when.
    pub fn issued(&mut self, issuer: &str, date: NaiveDate, lang: Lang) {
        self.number_line = Some(format!("{issuer}{}{}", lang.pick("　　", ", "), lang.date(date)));
    }

    /// A numbered heading: level 1 "一、", level 2 "（一）", level 3 "1."
    /// (in English 1. (1) (a)).
    /// A heading restarts the numbering of the levels below it.
    pub fn heading(&mut self, level: u8, text: &str) {
        let i = usize::from(level.clamp(1, 3)) - 1;
        self.counters[i] += 1;
        for c in &mut self.counters[i + 1..] {
            *c = 0;
        }
        let n = self.counters[i];
        let text = match (i, self.english) {
            (0, false) => format!("{}、{text}", chinese_number(n)),
            (1, false) => format!("（{}）{text}", chinese_number(n)),
            (_, false) => format!("{n}.{text}"),
            (0, true) => format!("{n}. {text}"),
            (1, true) => format!("({n}) {text}"),
            (_, true) => format!("({}) {text}", char::from(b'a' + ((n - 1) % 26) as u8)),
        };
        self.blocks.push(Block::Heading { level: i as u8 + 1, text });
    }

    pub fn paragraph(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Paragraph(text.into()));
    }

    pub fn table(&mut self, table: Table) {
        self.blocks.push(Block::Table(table));
    }

    pub fn signature(&mut self, issuer: impl Into<String>, date: impl Into<String>) {
        self.blocks.push(Block::Signature { issuer: issuer.into(), date: date.into() });
    }

    /// The tables, in order (what the Excel writer puts on sheets).
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
    }

    /// The document as plain text, one block per line, for snapshot
    /// tests and for reading a document in a terminal.
    pub fn outline(&self) -> String {
        let mut out = format!("# {}\n", self.title);
        for line in [&self.issue, &self.number_line].into_iter().flatten() {
            out.push_str(&format!("  {line}\n"));
        }
        for b in &self.blocks {
            match b {
                Block::Heading { level, text } => {
                    out.push_str(&format!("{} {text}\n", "#".repeat(usize::from(*level) + 1)))
                }
                Block::Paragraph(p) => out.push_str(&format!("    {p}\n")),
                Block::Table(t) => {
                    out.push_str(&format!("  [{}]\n", t.caption));
                    out.push_str(&format!("  | {} |\n", t.header.join(" | ")));
                    for r in &t.rows {
                        out.push_str(&format!("  | {} |\n", r.join(" | ")));
                    }
                }
                Block::Signature { issuer, date } => out.push_str(&format!("  —— {issuer}\n  —— {date}\n")),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_numbered_per_level_and_restart_below() {
        let mut d = Document::new("标题", Lang::Zh);
        d.heading(1, "总体情况");
        d.heading(2, "进展");
        d.heading(3, "细项");
        d.heading(3, "细项");
        d.heading(2, "问题");
        d.heading(1, "下步");
        d.heading(2, "计划");
        let texts: Vec<&str> = d
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(texts, ["一、总体情况", "（一）进展", "1.细项", "2.细项", "（二）问题", "二、下步", "（一）计划"]);
        let mut e = Document::new("Title", Lang::En);
        e.heading(1, "Overview");
        e.heading(2, "Progress");
        e.heading(3, "Item");
        assert_eq!(
            e.blocks,
            [("1. Overview", 1), ("(1) Progress", 2), ("(a) Item", 3)]
                .map(|(text, level)| Block::Heading { level, text: text.into() })
        );
    }

    #[test]
    fn the_outline_shows_every_block() {
        let mut d = Document::new("督查通报", Lang::Zh);
        d.issue = Some("第1期".into());
        d.paragraph("正文");
        let mut t = Table::new("表1", &[("序号", 1), ("任务", 3)]);
        t.row(vec!["1".into(), "道路".into()]);
        d.table(t);
        d.signature("办公室", "2021年3月1日");
        assert_eq!(
            d.outline(),
            "# 督查通报\n  第1期\n    正文\n  [表1]\n  | 序号 | 任务 |\n  | 1 | 道路 |\n  —— 办公室\n  —— 2021年3月1日\n"
        );
        assert_eq!(d.tables().count(), 1);
    }
}
