//! Hostile workbooks, written part by part with the zip crate: the files
//! of the attack on the import (a 1 MB upload that expands to a 1 GB
//! string, values in column XFD, one long string named by every cell,
//! merged ranges over everything) and a .docx-shaped bomb. Parts are
//! streamed into the zip, so a bomb never exists expanded in the test.

use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;

/// How a part's bytes are produced: written into the zip as they come.
pub type Writer<'a> = Box<dyn FnOnce(&mut dyn Write) + 'a>;

/// A zip of the given parts, deflated.
pub fn package(parts: Vec<(&str, Writer<'_>)>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    // Level 1: a bomb is a long repetition, and compressing it is the test's time.
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true);
    for (name, write) in parts {
        zip.start_file(name, options).unwrap();
        write(&mut zip);
    }
    zip.finish().unwrap().into_inner()
}

/// A part of fixed text.
pub fn text<'a>(s: impl Into<String>) -> Writer<'a> {
    let s = s.into();
    Box::new(move |w| w.write_all(s.as_bytes()).unwrap())
}

/// `head`, then `body(i)` for i in 0..n, then `tail`: a part too large to build first.
pub fn repeated<'a>(head: &'a str, n: usize, body: impl Fn(usize, &mut String) + 'a, tail: &'a str) -> Writer<'a> {
    Box::new(move |w| {
        w.write_all(head.as_bytes()).unwrap();
        let mut buf = String::new();
        for i in 0..n {
            body(i, &mut buf);
            if buf.len() > 1 << 16 {
                w.write_all(buf.as_bytes()).unwrap();
                buf.clear();
            }
        }
        w.write_all(buf.as_bytes()).unwrap();
        w.write_all(tail.as_bytes()).unwrap();
    })
}

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const RELS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// A workbook of one sheet 「台账」: its `<sheetData>` rows and what follows
/// them (merged ranges), and its shared strings if any.
pub fn workbook<'a>(rows: Writer<'a>, after_rows: &'a str, shared: Option<Writer<'a>>) -> Vec<u8> {
    let mut rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>"#
    );
    if shared.is_some() {
        rels.push_str(&format!(r#"<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>"#));
    }
    rels.push_str("</Relationships>");
    let mut parts: Vec<(&str, Writer<'a>)> = vec![
        (
            "[Content_Types].xml",
            text(
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#,
            ),
        ),
        (
            "_rels/.rels",
            text(format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            )),
        ),
        (
            "xl/workbook.xml",
            text(format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            )),
        ),
        ("xl/_rels/workbook.xml.rels", text(rels)),
        (
            "xl/worksheets/sheet1.xml",
            Box::new(move |w: &mut dyn Write| {
                write!(w, r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>"#).unwrap();
                rows(w);
                write!(w, "</sheetData>{after_rows}</worksheet>").unwrap();
            }),
        ),
    ];
    if let Some(shared) = shared {
        parts.push(("xl/sharedStrings.xml", shared));
    }
    package(parts)
}

/// 0 → "A", 16383 → "XFD".
pub fn column(c: usize) -> String {
    tuijin_domain::extraction::grid::column_letter(c)
}

/// Shared strings: `head` of the `<sst>` element's attributes, then the strings.
pub fn shared_strings<'a>(attributes: &'a str, strings: Writer<'a>) -> Writer<'a> {
    Box::new(move |w| {
        write!(w, r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" {attributes}>"#).unwrap();
        strings(w);
        w.write_all(b"</sst>").unwrap();
    })
}

/// A workbook whose cell A1 names the one shared string `string` writes.
fn one_string_in_a1(string: Writer<'_>) -> Vec<u8> {
    workbook(
        text(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#),
        "",
        Some(shared_strings(r#"count="1" uniqueCount="1""#, string)),
    )
}

/// One shared string of `bytes` letters, named by cell A1: compresses to
/// about a thousandth of its size (the attack's was 1.1 GB in 1 MB).
pub fn one_huge_shared_string(bytes: usize) -> Vec<u8> {
    one_string_in_a1(repeated("<si><t>", bytes / 64, |_, b| b.push_str(&"a".repeat(64)), "</t></si>"))
}

/// The same, as rich text: many short runs that calamine joins into one string.
pub fn one_huge_rich_string(runs: usize) -> Vec<u8> {
    one_string_in_a1(repeated("<si>", runs, |_, b| b.push_str(&format!("<r><t>{}</t></r>", "a".repeat(1000))), "</si>"))
}

/// `rows` rows, each one number in the cell of column `col` (0-based).
pub fn one_cell_per_row(rows: usize, col: usize) -> Vec<u8> {
    let letters = column(col);
    workbook(
        repeated(
            "",
            rows,
            move |r, b| b.push_str(&format!(r#"<row r="{n}"><c r="{letters}{n}"><v>1</v></c></row>"#, n = r + 1)),
            "",
        ),
        "",
        None,
    )
}

/// One shared string of `chars` characters named by `rows` × `cols` cells.
pub fn one_string_everywhere(chars: usize, rows: usize, cols: usize) -> Vec<u8> {
    let letters: Vec<String> = (0..cols).map(column).collect();
    workbook(
        repeated(
            "",
            rows,
            move |r, b| {
                b.push_str(&format!(r#"<row r="{}">"#, r + 1));
                for l in &letters {
                    b.push_str(&format!(r#"<c r="{l}{}" t="s"><v>0</v></c>"#, r + 1));
                }
                b.push_str("</row>");
            },
            "",
        ),
        "",
        Some(shared_strings(r#"uniqueCount="1""#, text(format!("<si><t>{}</t></si>", "长".repeat(chars))))),
    )
}

/// `rows` rows with a value in A, and `merges` merged ranges, each `range`.
pub fn merged_over_everything(rows: usize, merges: usize, range: &str) -> Vec<u8> {
    let mut after = String::from("<mergeCells>");
    for _ in 0..merges {
        after.push_str(&format!(r#"<mergeCell ref="{range}"/>"#));
    }
    after.push_str("</mergeCells>");
    // The tail outlives the call: leaked, as a test's bomb is made once.
    let after: &'static str = Box::leak(after.into_boxed_str());
    workbook(
        repeated(
            "",
            rows,
            |r, b| {
                b.push_str(&format!(
                    r#"<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>林</t></is></c></row>"#,
                    n = r + 1
                ))
            },
            "",
        ),
        after,
        None,
    )
}

/// Shared strings that declare `unique` strings: calamine reserves room
/// for as many as declared before reading one.
pub fn declared_strings(unique: u64) -> Vec<u8> {
    let attributes: &'static str = Box::leak(format!(r#"count="1" uniqueCount="{unique}""#).into_boxed_str());
    workbook(
        text(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#),
        "",
        Some(shared_strings(attributes, text("<si><t>序号</t></si>"))),
    )
}

/// A Word document whose body is one paragraph of one run of `bytes` letters.
pub fn docx_with_one_huge_run(bytes: usize) -> Vec<u8> {
    package(vec![
        (
            "[Content_Types].xml",
            text(
                r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#,
            ),
        ),
        (
            "word/document.xml",
            repeated(
                r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>"#,
                bytes / 64,
                |_, b| b.push_str(&"a".repeat(64)),
                "</w:t></w:r></w:p></w:body></w:document>",
            ),
        ),
    ])
}

/// A Word document of `paragraphs` empty paragraphs: a tree of millions of nodes.
pub fn docx_with_many_paragraphs(paragraphs: usize) -> Vec<u8> {
    package(vec![(
        "word/document.xml",
        repeated(
            r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#,
            paragraphs,
            |_, b| b.push_str("<w:p/>"),
            "</w:body></w:document>",
        ),
    )])
}
