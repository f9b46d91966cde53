//! The OOXML package guard: an .xlsx or .docx file is a zip of XML parts,
//! and a 1 MB upload can expand to gigabytes (a 1.1 GB shared string, a
//! million merged ranges, a styles part of ten million formats). Readers
//! such as calamine allocate what the file declares and hold some parts
//! whole, so the package is checked first, in one streaming pass, against
//! limits that bound what any reader can be made to allocate:
//!
//! - how many parts (counted from the raw bytes before the zip crate builds
//!   its directory);
//! - each part's size *as it decompresses* (the declared size is never
//!   trusted) and the total;
//! - the longest run of bytes in an XML part without `<` or `>` — a text
//!   node, a CDATA section — and the longest tag: no single string or
//!   attribute can be larger;
//! - per part, how many elements of a few names a reader collects into
//!   memory (shared strings, merged ranges, cell formats, sheets…), how
//!   large one of them may be (a rich-text string is many `<t>` runs
//!   joined), and numbers that readers use to reserve memory up front
//!   (`<sst uniqueCount="…">`).
//!
//! Nothing is kept but a 64 KB buffer and counters. **Any reader of an
//! uploaded OOXML file (.xlsx, and any .docx reader the server gains)
//! must pass the file through [`check`] first**, with [`XLSX`] or [`DOCX`].

use memchr::memchr;
use std::io::{Cursor, Read};

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;

/// An element a reader keeps: how many may appear in one part, how many
/// bytes one may span from its start tag to its end tag, and numeric
/// attributes with their largest allowed value.
#[derive(Debug)]
pub struct ElementLimit {
    /// The local name (any namespace prefix is ignored, as readers do).
    pub name: &'static str,
    pub max_count: u64,
    pub max_bytes: u64,
    pub max_numbers: &'static [(&'static str, u64)],
}

/// What a package may hold.
#[derive(Debug)]
pub struct Limits {
    pub max_parts: usize,
    /// Decompressed bytes of any one part.
    pub max_part_bytes: u64,
    /// Parts a reader holds whole get a smaller limit: (name suffix, bytes).
    pub whole_parts: &'static [(&'static str, u64)],
    /// Decompressed bytes of all parts together.
    pub max_total_bytes: u64,
    /// The longest text run (bytes without `<` or `>`) or tag in an XML part.
    pub max_run_bytes: u64,
    /// Elements in one XML part (a reader that builds a tree needs this).
    pub max_elements: u64,
    pub elements: &'static [ElementLimit],
}

/// The most characters Excel keeps in a cell.
pub const EXCEL_CELL_CHARS: u64 = 32_767;

/// Limits of an uploaded workbook.
///
/// - A part: 512 MiB. The export of the largest ledger an import takes
///   (200,000 rows, see `read::MAX_ROWS`) has a 228 MB sheet; calamine
///   streams sheets, so this bounds time (about a second), not memory.
/// - The shared strings (held whole by calamine, twice while the merged
///   ranges are read beside the cells): 128 MiB — four times the text a
///   30 MB upload of Chinese text can carry — and at most 2,000,000 of
///   them; styles and relationships, held whole too: 16 MiB each.
/// - A run or tag: 256 KiB. Excel caps a cell at 32,767 characters: at 3
///   bytes a character in UTF-8 that is 96 KiB, and Excel writes a control
///   character as `_x000D_` (7 bytes), 229 KiB at worst.
/// - One string element (`<si>`, `<is>`, rich text being many runs): 1 MiB.
pub const XLSX: Limits = Limits {
    max_parts: 10_000,
    max_part_bytes: 512 * MIB,
    whole_parts: &[("sharedstrings.xml", 128 * MIB), ("styles.xml", 16 * MIB), (".rels", 16 * MIB)],
    max_total_bytes: 1024 * MIB,
    max_run_bytes: 256 * KIB,
    max_elements: u64::MAX,
    elements: &[
        ElementLimit { name: "sst", max_count: 1, max_bytes: u64::MAX, max_numbers: &[("uniqueCount", 2_000_000)] },
        ElementLimit { name: "si", max_count: 2_000_000, max_bytes: MIB, max_numbers: &[] },
        ElementLimit { name: "is", max_count: u64::MAX, max_bytes: MIB, max_numbers: &[] },
        ElementLimit { name: "mergeCell", max_count: 400_000, max_bytes: 4 * KIB, max_numbers: &[] },
        // Excel itself allows 64,000 cell formats.
        ElementLimit { name: "xf", max_count: 200_000, max_bytes: 64 * KIB, max_numbers: &[] },
        ElementLimit { name: "font", max_count: 100_000, max_bytes: 64 * KIB, max_numbers: &[] },
        ElementLimit { name: "fill", max_count: 100_000, max_bytes: 64 * KIB, max_numbers: &[] },
        ElementLimit { name: "border", max_count: 100_000, max_bytes: 64 * KIB, max_numbers: &[] },
        ElementLimit { name: "numFmt", max_count: 100_000, max_bytes: 4 * KIB, max_numbers: &[] },
        ElementLimit { name: "sheet", max_count: 10_000, max_bytes: 4 * KIB, max_numbers: &[] },
        ElementLimit { name: "definedName", max_count: 10_000, max_bytes: 16 * KIB, max_numbers: &[] },
        ElementLimit { name: "Relationship", max_count: 200_000, max_bytes: 8 * KIB, max_numbers: &[] },
    ],
};

/// Limits of a Word document. Readers of .docx (docx-rs and the like)
/// build the whole document tree, so the parts and their element counts
/// are bounded more tightly than a workbook's streamed sheets.
pub const DOCX: Limits = Limits {
    max_parts: 10_000,
    max_part_bytes: 64 * MIB,
    whole_parts: &[],
    max_total_bytes: 256 * MIB,
    max_run_bytes: 256 * KIB,
    max_elements: 2_000_000,
    elements: &[],
};

/// Why a package is refused. `part` is the zip entry's name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("not a zip package: {0}")]
    NotZip(String),
    #[error("more than {limit} parts")]
    TooManyParts { limit: usize },
    #[error("part {part} expands beyond {limit} bytes")]
    PartTooLarge { part: String, limit: u64 },
    #[error("the parts expand beyond {limit} bytes in all")]
    TooLarge { limit: u64 },
    #[error("part {part}: a string or tag longer than {limit} bytes")]
    RunTooLong { part: String, limit: u64 },
    #[error("part {part}: more than {limit} elements")]
    TooManyElements { part: String, limit: u64 },
    #[error("part {part}: more than {limit} <{element}> elements")]
    ElementCount { part: String, element: &'static str, limit: u64 },
    #[error("part {part}: an <{element}> element longer than {limit} bytes")]
    ElementTooLarge { part: String, element: &'static str, limit: u64 },
    #[error("part {part}: {attribute} of <{element}> above {limit}")]
    NumberTooLarge { part: String, element: &'static str, attribute: &'static str, limit: u64 },
}

/// A size for people: "512 MB", "256 KB".
pub fn size_text(bytes: u64) -> String {
    if bytes >= MIB {
        format!("{} MB", bytes / MIB)
    } else if bytes >= KIB {
        format!("{} KB", bytes / KIB)
    } else {
        format!("{bytes} B")
    }
}

impl Refusal {
    /// Why, in the user's language, naming the part and the limit.
    pub fn message(&self, lang: tuijin_domain::Lang) -> String {
        use tuijin_domain::Lang::Zh;
        let zh = lang == Zh;
        match self {
            Refusal::NotZip(_) => not_zip(zh),
            Refusal::TooManyParts { limit } => {
                if zh {
                    format!("文件包含的部件超过{limit}个，无法读取")
                } else {
                    format!("the file holds more than {limit} parts and is not read")
                }
            }
            Refusal::PartTooLarge { part, limit } => {
                let l = size_text(*limit);
                if zh {
                    format!("文件中的“{part}”解压后超过{l}，无法读取（每个部件最多{l}）")
                } else {
                    format!("\"{part}\" in the file expands beyond {l} and is not read (at most {l} per part)")
                }
            }
            Refusal::TooLarge { limit } => {
                let l = size_text(*limit);
                if zh {
                    format!("文件解压后超过{l}，无法读取")
                } else {
                    format!("the file expands beyond {l} and is not read")
                }
            }
            Refusal::RunTooLong { part, limit } => {
                let l = size_text(*limit);
                if zh {
                    format!("文件中的“{part}”有一段文字超过{l}，无法读取（一个单元格最多{EXCEL_CELL_CHARS}个字符）")
                } else {
                    format!("\"{part}\" in the file holds a text longer than {l} and is not read (a cell holds at most {EXCEL_CELL_CHARS} characters)")
                }
            }
            Refusal::TooManyElements { part, limit } => {
                if zh {
                    format!("文件中的“{part}”超过{limit}个元素，无法读取")
                } else {
                    format!("\"{part}\" in the file holds more than {limit} elements and is not read")
                }
            }
            Refusal::ElementCount { part, element, limit } => {
                if zh {
                    format!("文件中的“{part}”有超过{limit}个<{element}>，无法读取")
                } else {
                    format!("\"{part}\" in the file holds more than {limit} <{element}> elements and is not read")
                }
            }
            Refusal::ElementTooLarge { part, element, limit } => {
                let l = size_text(*limit);
                if zh {
                    format!("文件中的“{part}”有一个<{element}>超过{l}，无法读取")
                } else {
                    format!("\"{part}\" in the file holds an <{element}> larger than {l} and is not read")
                }
            }
            Refusal::NumberTooLarge { part, element, attribute, limit } => {
                if zh {
                    format!("文件中的“{part}”声明的{element}/{attribute}超过{limit}，无法读取")
                } else {
                    format!("\"{part}\" in the file declares {element}/{attribute} above {limit} and is not read")
                }
            }
        }
    }
}

fn not_zip(zh: bool) -> String {
    if zh {
        "文件无法读取：不是有效的 Office 文件".into()
    } else {
        "the file cannot be read: not a valid Office file".into()
    }
}

/// What a package holds, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub parts: usize,
    /// Decompressed bytes of all parts.
    pub bytes: u64,
}

/// Parts that are not XML (pictures, fonts, embedded binaries): only their
/// size is checked.
fn binary(name: &str) -> bool {
    const EXTENSIONS: &[&str] = &[
        ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".bin", ".ico", ".wdp", ".jfif",
        ".webp", ".odttf", ".ttf", ".otf", ".fntdata", ".wav", ".mp3", ".mp4", ".wmv", ".avi",
    ];
    let lower = name.to_ascii_lowercase();
    EXTENSIONS.iter().any(|e| lower.ends_with(e))
}

/// Checks a package against `limits` without keeping any of it.
pub fn check(bytes: &[u8], limits: &Limits) -> Result<Checked, Refusal> {
    // Each part has a central directory header (PK 01 02); the zip crate
    // would build an entry for every one before we could count them.
    let headers = memchr::memmem::find_iter(bytes, b"PK\x01\x02").count();
    if headers > limits.max_parts {
        return Err(Refusal::TooManyParts { limit: limits.max_parts });
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| Refusal::NotZip(e.to_string()))?;
    if zip.len() > limits.max_parts {
        return Err(Refusal::TooManyParts { limit: limits.max_parts });
    }
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|e| Refusal::NotZip(e.to_string()))?;
        // A name that is not UTF-8 is still a part to check.
        let name =
            part.name().map_or_else(|_| String::from_utf8_lossy(part.name_raw()).into_owned(), |n| n.into_owned());
        let lower = name.to_ascii_lowercase();
        let limit = limits
            .whole_parts
            .iter()
            .find(|(suffix, _)| lower.ends_with(suffix))
            .map_or(limits.max_part_bytes, |(_, l)| (*l).min(limits.max_part_bytes));
        let mut scan = (!binary(&name)).then(|| Scan::new(limits));
        let mut size = 0u64;
        loop {
            let n = part.read(&mut buf).map_err(|e| Refusal::NotZip(format!("{name}: {e}")))?;
            if n == 0 {
                break;
            }
            size += n as u64;
            total += n as u64;
            if size > limit {
                return Err(Refusal::PartTooLarge { part: name, limit });
            }
            if total > limits.max_total_bytes {
                return Err(Refusal::TooLarge { limit: limits.max_total_bytes });
            }
            if let Some(scan) = &mut scan {
                scan.feed(&buf[..n]).map_err(|b| b.of(&name))?;
            }
        }
        if let Some(scan) = scan {
            scan.finish().map_err(|b| b.of(&name))?;
        }
    }
    Ok(Checked { parts: zip.len(), bytes: total })
}

/// A limit an XML part broke, before the part's name is added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Breach {
    Run(u64),
    Elements(u64),
    Count(&'static str, u64),
    Size(&'static str, u64),
    Number(&'static str, &'static str, u64),
}

impl Breach {
    fn of(self, part: &str) -> Refusal {
        let part = part.to_string();
        match self {
            Breach::Run(limit) => Refusal::RunTooLong { part, limit },
            Breach::Elements(limit) => Refusal::TooManyElements { part, limit },
            Breach::Count(element, limit) => Refusal::ElementCount { part, element, limit },
            Breach::Size(element, limit) => Refusal::ElementTooLarge { part, element, limit },
            Breach::Number(element, attribute, limit) => Refusal::NumberTooLarge { part, element, attribute, limit },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between tags.
    Text,
    /// After `<`, reading the element's name.
    Name,
    /// Inside a start or end tag, in quotes or not.
    Tag { quote: u8 },
    /// `<!…>` or `<?…>`: comments, CDATA, declarations, up to the next `>`.
    Markup,
}

/// The longest element name kept for matching; longer ones match nothing.
const NAME: usize = 32;

/// One XML part scanned as it streams past, chunk by chunk: a small lexer
/// that knows text, tags (quotes included, so a `>` in an attribute does
/// not end a tag) and markup, and nothing else.
struct Scan<'l> {
    limits: &'l Limits,
    state: State,
    /// Bytes since the last `<` or `>` in text, or since the tag began.
    run: u64,
    name: [u8; NAME],
    name_len: usize,
    closing: bool,
    /// The watched element whose start tag is being read, if any.
    current: Option<usize>,
    /// That tag's bytes, when its numeric attributes are checked.
    tag: Vec<u8>,
    last: u8,
    /// Bytes of the part before the current chunk.
    offset: u64,
    elements: u64,
    counts: Vec<u64>,
    /// Where each watched element now open began.
    open: Vec<Option<u64>>,
}

impl<'l> Scan<'l> {
    fn new(limits: &'l Limits) -> Scan<'l> {
        Scan {
            limits,
            state: State::Text,
            run: 0,
            name: [0; NAME],
            name_len: 0,
            closing: false,
            current: None,
            tag: Vec::new(),
            last: 0,
            offset: 0,
            elements: 0,
            counts: vec![0; limits.elements.len()],
            open: vec![None; limits.elements.len()],
        }
    }

    fn grow_run(&mut self, n: usize) -> Result<(), Breach> {
        self.run += n as u64;
        if self.run > self.limits.max_run_bytes {
            return Err(Breach::Run(self.limits.max_run_bytes));
        }
        Ok(())
    }

    fn feed(&mut self, chunk: &[u8]) -> Result<(), Breach> {
        let mut i = 0;
        while i < chunk.len() {
            let rest = &chunk[i..];
            match self.state {
                State::Text => {
                    // Text runs between tags are short: a plain loop beats
                    // memchr's setup for each of millions of them.
                    match rest.iter().position(|b| matches!(b, b'<' | b'>')) {
                        None => {
                            self.grow_run(rest.len())?;
                            i = chunk.len();
                        }
                        Some(k) => {
                            self.grow_run(k)?;
                            i += k + 1;
                            self.run = 0;
                            if rest[k] == b'<' {
                                self.state = State::Name;
                                self.name_len = 0;
                                self.closing = false;
                                self.run = 1;
                            }
                        }
                    }
                }
                State::Name => {
                    let b = rest[0];
                    if self.name_len == 0 && !self.closing && (b == b'!' || b == b'?') {
                        self.state = State::Markup;
                        self.grow_run(1)?;
                        i += 1;
                    } else if self.name_len == 0 && !self.closing && b == b'/' {
                        self.closing = true;
                        self.grow_run(1)?;
                        i += 1;
                    } else {
                        // The name runs to a space, '>', '/' or '<' (a name
                        // cut by the chunk's end goes on in the next one).
                        let end = rest.iter().position(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/' | b'<'));
                        let taken = end.unwrap_or(rest.len());
                        let at = self.name_len.min(NAME);
                        let kept = taken.min(NAME - at);
                        self.name[at..at + kept].copy_from_slice(&rest[..kept]);
                        self.name_len += taken;
                        self.grow_run(taken)?;
                        i += taken;
                        if end.is_some() {
                            // The tag itself sees the byte that ended the name.
                            self.on_name(self.offset + i as u64)?;
                            self.state = State::Tag { quote: 0 };
                        }
                    }
                }
                State::Tag { mut quote } => {
                    // To the '>' outside quotes, quotes followed in one pass.
                    let mut end = None;
                    for (k, &b) in rest.iter().enumerate() {
                        if quote != 0 {
                            if b == quote {
                                quote = 0;
                            }
                        } else if b == b'>' {
                            end = Some(k);
                            break;
                        } else if b == b'"' || b == b'\'' {
                            quote = b;
                        }
                    }
                    let taken = end.map_or(rest.len(), |k| k + 1);
                    self.grow_run(taken)?;
                    if self.current.is_some() {
                        self.tag.extend_from_slice(&rest[..taken]);
                    }
                    i += taken;
                    match end {
                        None => {
                            self.state = State::Tag { quote };
                            self.last = *rest.last().unwrap_or(&self.last);
                        }
                        Some(k) => {
                            let before = if k > 0 { rest[k - 1] } else { self.last };
                            self.last = b'>';
                            self.end_tag(before == b'/', self.offset + i as u64)?;
                            self.state = State::Text;
                            self.run = 0;
                        }
                    }
                }
                State::Markup => match memchr(b'>', rest) {
                    None => {
                        self.grow_run(rest.len())?;
                        i = chunk.len();
                    }
                    Some(k) => {
                        self.grow_run(k + 1)?;
                        i += k + 1;
                        self.state = State::Text;
                        self.run = 0;
                    }
                },
            }
        }
        self.offset += chunk.len() as u64;
        self.check_open(self.offset)
    }

    /// The element's local name: what follows any namespace prefix.
    fn local_name(&self) -> &[u8] {
        let name = &self.name[..self.name_len.min(NAME)];
        match name.iter().position(|b| *b == b':') {
            Some(p) => &name[p + 1..],
            None => name,
        }
    }

    fn watched(&self) -> Option<usize> {
        if self.name_len > NAME || self.name_len == 0 {
            return None;
        }
        let local = self.local_name();
        self.limits.elements.iter().position(|e| e.name.as_bytes() == local)
    }

    /// A tag's name has been read; `at` is where its tag started, near enough.
    fn on_name(&mut self, at: u64) -> Result<(), Breach> {
        let watched = self.watched();
        self.current = None;
        if self.closing {
            if let Some(w) = watched {
                if let Some(start) = self.open[w].take() {
                    self.check_size(w, start, at)?;
                }
            }
            return Ok(());
        }
        self.elements += 1;
        if self.elements > self.limits.max_elements {
            return Err(Breach::Elements(self.limits.max_elements));
        }
        if let Some(w) = watched {
            let limit = &self.limits.elements[w];
            self.counts[w] += 1;
            if self.counts[w] > limit.max_count {
                return Err(Breach::Count(limit.name, limit.max_count));
            }
            if self.open[w].is_none() {
                self.open[w] = Some(at);
            }
            self.current = Some(w);
            self.tag.clear();
        }
        Ok(())
    }

    fn end_tag(&mut self, self_closing: bool, at: u64) -> Result<(), Breach> {
        if let Some(w) = self.current.take() {
            let limit = &self.limits.elements[w];
            for (attribute, max) in limit.max_numbers {
                if let Some(value) = number_attribute(&self.tag, attribute) {
                    if value > *max {
                        return Err(Breach::Number(limit.name, attribute, *max));
                    }
                }
            }
            if self_closing {
                if let Some(start) = self.open[w].take() {
                    self.check_size(w, start, at)?;
                }
            }
            self.tag.clear();
        }
        Ok(())
    }

    fn check_size(&self, w: usize, start: u64, now: u64) -> Result<(), Breach> {
        let limit = &self.limits.elements[w];
        if now.saturating_sub(start) > limit.max_bytes {
            return Err(Breach::Size(limit.name, limit.max_bytes));
        }
        Ok(())
    }

    /// An element left open grows with every chunk: refuse it as soon as
    /// it is too large, not at its end.
    fn check_open(&self, now: u64) -> Result<(), Breach> {
        for (w, start) in self.open.iter().enumerate() {
            if let Some(start) = start {
                self.check_size(w, *start, now)?;
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<(), Breach> {
        self.check_open(self.offset)
    }
}

/// The value of `name="123"` in a tag's bytes (any spacing around `=`),
/// the largest if it appears more than once; digits only, saturating.
fn number_attribute(tag: &[u8], name: &str) -> Option<u64> {
    let mut best = None;
    for at in memchr::memmem::find_iter(tag, name.as_bytes()) {
        // A whole attribute name, not the end of a longer one.
        if at > 0 && !tag[at - 1].is_ascii_whitespace() {
            continue;
        }
        let mut rest = tag[at + name.len()..].iter().copied().skip_while(u8::is_ascii_whitespace).peekable();
        if rest.next() != Some(b'=') {
            continue;
        }
        let mut rest = rest.skip_while(u8::is_ascii_whitespace);
        if !matches!(rest.next(), Some(b'"' | b'\'')) {
            continue;
        }
        let mut value: u64 = 0;
        let mut digits = 0;
        for b in rest.skip_while(|b| *b == b'+' || b.is_ascii_whitespace()) {
            if !b.is_ascii_digit() {
                break;
            }
            value = value.saturating_mul(10).saturating_add(u64::from(b - b'0'));
            digits += 1;
        }
        if digits > 0 {
            best = Some(best.map_or(value, |b: u64| b.max(value)));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Limits = Limits {
        max_parts: 10,
        max_part_bytes: 1000,
        whole_parts: &[("whole.xml", 100)],
        max_total_bytes: 1500,
        max_run_bytes: 40,
        max_elements: 50,
        elements: &[
            ElementLimit { name: "si", max_count: 3, max_bytes: 40, max_numbers: &[] },
            ElementLimit { name: "sst", max_count: 1, max_bytes: u64::MAX, max_numbers: &[("uniqueCount", 10)] },
        ],
    };

    /// Scans `xml` fed in chunks of every size from 1 byte up, so a limit
    /// is found wherever the chunks happen to be cut.
    fn scan(xml: &str) -> Result<(), Breach> {
        let mut first = None;
        for size in 1..=xml.len().max(1) {
            let mut s = Scan::new(&SMALL);
            let got = xml.as_bytes().chunks(size).try_for_each(|c| s.feed(c)).and_then(|_| s.finish());
            match first {
                None => first = Some(got),
                Some(f) => assert_eq!(f, got, "chunks of {size} bytes: {xml}"),
            }
        }
        first.unwrap()
    }

    #[test]
    fn a_well_formed_part_passes_however_it_is_cut() {
        assert_eq!(scan(r#"<?xml v="1"?><sst uniqueCount="3"><si><t>ab</t></si><x:si/><si a=">>"/></sst>"#), Ok(()));
        assert_eq!(scan("<!-- it's a comment -->text<a b='x'>y</a>"), Ok(()));
        // A name longer than any watched one matches none, wherever it is cut.
        assert_eq!(scan(&format!("<{0}>x</{0}><si/>", "n".repeat(35))), Ok(()));
    }

    #[test]
    fn a_long_text_run_or_tag_is_refused() {
        assert_eq!(scan(&format!("<t>{}</t>", "a".repeat(41))), Err(Breach::Run(40)));
        assert_eq!(scan(&format!("<t>{}</t>", "a".repeat(40))), Ok(()));
        // A '>' in quotes does not end the tag: the tag is the run.
        assert_eq!(scan(&format!("<a b=\"{}\"/>", ">".repeat(40))), Err(Breach::Run(40)));
        assert_eq!(scan(&format!("<![CDATA[{}]]>", "a".repeat(40))), Err(Breach::Run(40)));
    }

    #[test]
    fn watched_elements_are_counted_sized_and_their_numbers_read() {
        assert_eq!(scan("<si/><si/><si/><si/>"), Err(Breach::Count("si", 3)));
        assert_eq!(scan("<x:si/><si></si><y:si/>"), Ok(()));
        // Rich text: many short runs joined into one string.
        let rich = format!("<si>{}</si>", "<r><t>abc</t></r>".repeat(3));
        assert_eq!(scan(&rich), Err(Breach::Size("si", 40)));
        // Left open, it is refused as it grows.
        assert_eq!(scan(&format!("<si>{}", "<t>abcdefgh</t>".repeat(4))), Err(Breach::Size("si", 40)));
        assert_eq!(scan(r#"<sst count="99" uniqueCount = '11'>"#), Err(Breach::Number("sst", "uniqueCount", 10)));
        assert_eq!(scan(r#"<sst xuniqueCount="99" uniqueCount="10">"#), Ok(()));
        assert_eq!(scan(&"<a/>".repeat(51)), Err(Breach::Elements(50)));
    }

    #[test]
    fn numbers_in_attributes() {
        assert_eq!(number_attribute(br#" uniqueCount="12" "#, "uniqueCount"), Some(12));
        assert_eq!(number_attribute(br#" uniqueCount="99999999999999999999999""#, "uniqueCount"), Some(u64::MAX));
        assert_eq!(number_attribute(br#" uniqueCount="x""#, "uniqueCount"), None);
    }

    fn zip_of(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in parts {
            w.start_file(*name, o).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn parts_are_measured_as_they_expand() {
        // Text in short runs: a > in text ends a run too.
        let text = |n: usize| "ab>c".repeat(n / 4).into_bytes();
        let ok = zip_of(&[("a.xml", b"<a/>".to_vec()), ("whole.xml", text(100))]);
        assert_eq!(check(&ok, &SMALL), Ok(Checked { parts: 2, bytes: 104 }));
        let big = zip_of(&[("whole.xml", text(104))]);
        assert_eq!(check(&big, &SMALL), Err(Refusal::PartTooLarge { part: "whole.xml".into(), limit: 100 }));
        let big = zip_of(&[("a.xml", text(1004))]);
        assert_eq!(check(&big, &SMALL), Err(Refusal::PartTooLarge { part: "a.xml".into(), limit: 1000 }));
        let all = zip_of(&[("a.xml", text(800)), ("b.xml", text(800))]);
        assert_eq!(check(&all, &SMALL), Err(Refusal::TooLarge { limit: 1500 }));
        // Pictures are not XML: a long run there is no string.
        let picture = zip_of(&[("media/a.png", vec![b'a'; 900])]);
        assert!(check(&picture, &SMALL).is_ok());
        let many: Vec<(String, Vec<u8>)> = (0..11).map(|i| (format!("{i}.xml"), Vec::new())).collect();
        let many: Vec<(&str, Vec<u8>)> = many.iter().map(|(n, d)| (n.as_str(), d.clone())).collect();
        assert_eq!(check(&zip_of(&many), &SMALL), Err(Refusal::TooManyParts { limit: 10 }));
        assert!(matches!(check(b"PK\x03\x04 nothing", &SMALL), Err(Refusal::NotZip(_))));
    }
}
