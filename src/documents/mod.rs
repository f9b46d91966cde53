//! Documents (文稿) made from the ledger: the weekly briefing (督查通报),
//! the upward report (工作专报) and the meeting minutes (会议纪要). Each is
//! first a [`model::Document`] built by a pure function from plain facts,
//! then written as Word (.docx, laid out like an official document), Excel
//! (its tables) or a printable HTML page.

pub mod briefing;
pub mod choice;
pub mod docx;
pub mod facts;
pub mod gather;
pub mod html;
pub mod minutes;
pub mod model;
pub mod upward;
pub mod xlsx;

use chrono::NaiveDate;
use tuijin_domain::Lang;

/// The documents made from the ledger (the minutes come from a meeting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Briefing,
    Upward,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "briefing" | "督查通报" => Some(Kind::Briefing),
            "upward" | "工作专报" => Some(Kind::Upward),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Briefing => "briefing",
            Kind::Upward => "upward",
        }
    }

    /// The document's name, also its file name.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Kind::Briefing => lang.pick("督查通报", "briefing"),
            Kind::Upward => lang.pick("工作专报", "upward report"),
        }
    }

    pub fn document(self, f: &facts::Facts, lang: Lang) -> model::Document {
        match self {
            Kind::Briefing => briefing::document(f, lang),
            Kind::Upward => upward::document(f, lang),
        }
    }
}

/// The file formats a document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Docx,
    Xlsx,
    Html,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "docx" => Some(Format::Docx),
            "xlsx" => Some(Format::Xlsx),
            "html" => Some(Format::Html),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Xlsx => "xlsx",
            Format::Html => "html",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Html => "text/html; charset=utf-8",
        }
    }
}

/// The body that issues the documents (落款).
pub fn issuer(lang: Lang) -> &'static str {
    lang.pick("重点工作推进办公室", "Key Work Supervision Office")
}

/// "2021年3月1日至3月7日" / "1 Mar 2021 to 7 Mar 2021".
pub fn period_text(start: NaiveDate, end: NaiveDate, lang: Lang) -> String {
    use chrono::Datelike;
    match lang {
        Lang::Zh if start.year() == end.year() => format!("{}至{}月{}日", lang.date(start), end.month(), end.day()),
        Lang::Zh => format!("{}至{}", lang.date(start), lang.date(end)),
        Lang::En => format!("{} to {}", lang.date(start), lang.date(end)),
    }
}

/// The document's bytes in a format.
pub fn write(d: &model::Document, format: Format, lang: Lang) -> Result<Vec<u8>, String> {
    match format {
        Format::Docx => docx::write(d).map_err(|e| e.to_string()),
        Format::Xlsx => xlsx::write(d).map_err(|e| e.to_string()),
        Format::Html => html::write(d, lang).map(String::into_bytes).map_err(|e| e.to_string()),
    }
}

/// "督查通报_2021-03-01.docx": the file name a document is saved under.
pub fn file_name(label: &str, period: NaiveDate, format: Format) -> String {
    format!("{label}_{period}.{}", format.extension())
}
