//! A document as a page to print: A4 with the GB/T 9704 margins in print
//! CSS, the GB fonts named first and CJK faces found on Linux and macOS as
//! fallbacks (see the template).

use super::model::{Block, Document, Table};
use askama::Template;
use tuijin_domain::Lang;

/// One block of the page: a table, or a line of text with its class.
pub struct PrintBlock {
    pub class: &'static str,
    pub text: String,
    pub table: Option<Table>,
}

#[derive(Template)]
#[template(path = "document_print.html")]
struct Printable<'a> {
    lang: &'static str,
    back: &'static str,
    print: &'static str,
    doc: &'a Document,
    blocks: Vec<PrintBlock>,
}

fn blocks(d: &Document) -> Vec<PrintBlock> {
    let line = |class, text: &str| PrintBlock { class, text: text.to_string(), table: None };
    let mut out = Vec::new();
    for b in &d.blocks {
        match b {
            Block::Heading { level: 1, text } => out.push(line("h1", text)),
            Block::Heading { level: 2, text } => out.push(line("h2", text)),
            Block::Heading { text, .. } => out.push(line("h3", text)),
            Block::Paragraph(p) => out.push(line("p", p)),
            Block::Table(t) => out.push(PrintBlock { class: "table", text: String::new(), table: Some(t.clone()) }),
            Block::Signature { issuer, date } => {
                out.push(line("sign first", issuer));
                out.push(line("sign", date));
            }
        }
    }
    out
}

/// The page's HTML.
pub fn write(d: &Document, lang: Lang) -> Result<String, askama::Error> {
    Printable {
        lang: lang.code(),
        back: lang.pick("返回文稿生成", "Back to documents"),
        print: lang.pick("打印", "Print"),
        doc: d,
        blocks: blocks(d),
    }
    .render()
}
