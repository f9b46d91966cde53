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

/// The Content-Security-Policy of a printable page: the site's pages run
/// no script and load no inline style, but this one must stand alone when
/// saved, so it carries its print CSS in a `<style>` element and one
/// button handler (`window.print()`). Both are allowed by their SHA-256
/// hash and nothing else is: text from the ledger that slipped markup
/// past the template's escaping could still not run.
pub fn content_security_policy(html: &str) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let hash = |s: &str| format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s)));
    let styles: Vec<String> = html
        .split("<style>")
        .skip(1)
        .filter_map(|rest| rest.split_once("</style>").map(|(css, _)| hash(css)))
        .collect();
    format!(
        "default-src 'none'; style-src {}; script-src 'unsafe-hashes' {}; img-src 'self' data:; \
         frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        if styles.is_empty() { "'none'".to_string() } else { styles.join(" ") },
        hash(PRINT_HANDLER)
    )
}

/// The one inline handler of the printable page (see its template).
const PRINT_HANDLER: &str = "window.print()";

#[cfg(test)]
mod csp_tests {
    use super::*;

    #[test]
    fn the_policy_allows_exactly_the_page_s_own_style_and_print_button() {
        let html = "<style>p { color: red; }</style><button onclick=\"window.print()\">打印</button>";
        let csp = content_security_policy(html);
        // Hashes computed apart: printf %s 'p { color: red; }' | openssl dgst -sha256 -binary | base64
        assert!(csp.contains("style-src 'sha256-pckGv9YvNcB5xy+Y4fbqhyo+ib850wyiuWeNbZvLi00='"), "{csp}");
        assert!(
            csp.contains("script-src 'unsafe-hashes' 'sha256-MguIPR6qNR8D3B+eAlK+bIRTZe8t3wkOY4B/56Me9FU='"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(content_security_policy("<p>no style</p>").contains("style-src 'none'"));
        let template = include_str!("../../templates/document_print.html");
        assert!(template.contains(&format!("onclick=\"{PRINT_HANDLER}\"")), "the template's handler is the hashed one");
    }
}
