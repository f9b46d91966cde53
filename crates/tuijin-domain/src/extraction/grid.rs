//! A sheet as the import sees it: a grid of plain cell values and the
//! merged ranges, already read out of the file by the caller.

use chrono::NaiveDate;
use std::sync::Arc;

/// One cell's value. Text is shared: a workbook's shared string referenced
/// by many cells (or a value merged down over many rows) is held once,
/// which keeps a kept grid small (24 bytes a cell) and means a file cannot
/// multiply one long string by the number of cells that name it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Cell {
    #[default]
    Empty,
    Text(Arc<str>),
    Number(f64),
    /// A cell formatted as a date (Excel stores a serial number).
    Date(NaiveDate),
    Bool(bool),
    /// An Excel error value such as #REF!.
    Error(Arc<str>),
}

impl Cell {
    pub fn of(s: &str) -> Cell {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(Arc::from(s))
        }
    }

    /// The value as a person reads it: numbers without a trailing ".0".
    pub fn text_value(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(n) => number_text(*n),
            Cell::Date(d) => d.to_string(),
            Cell::Bool(b) => if *b { "是" } else { "否" }.to_string(),
            Cell::Error(e) => e.to_string(),
        }
    }

    /// Short form of [`Cell::text_value`].
    pub fn text(&self) -> String {
        self.text_value()
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// 3.0 → "3", 2.5 → "2.5", without float noise.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        let s = format!("{:.6}", n);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A merged range, 0-based and inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    pub first_row: usize,
    pub first_col: usize,
    pub last_row: usize,
    pub last_col: usize,
}

impl Merge {
    /// The same range with its corners in order (a file may write "B2:A1").
    pub fn normalized(self) -> Merge {
        Merge {
            first_row: self.first_row.min(self.last_row),
            first_col: self.first_col.min(self.last_col),
            last_row: self.first_row.max(self.last_row),
            last_col: self.first_col.max(self.last_col),
        }
    }

    pub fn contains(&self, r: usize, c: usize) -> bool {
        (self.first_row..=self.last_row).contains(&r) && (self.first_col..=self.last_col).contains(&c)
    }
}

/// A worksheet: its name, its rows from A1, and its merged ranges.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
    pub merges: Vec<Merge>,
}

impl Sheet {
    /// A sheet of text cells, for tests and small inputs.
    pub fn from_text(name: &str, rows: &[&[&str]]) -> Sheet {
        Sheet {
            name: name.to_string(),
            rows: rows.iter().map(|r| r.iter().map(|s| Cell::of(s)).collect()).collect(),
            merges: Vec::new(),
        }
    }

    pub fn cell(&self, r: usize, c: usize) -> &Cell {
        static EMPTY: Cell = Cell::Empty;
        self.rows.get(r).and_then(|row| row.get(c)).unwrap_or(&EMPTY)
    }

    /// Copies the value of each merge spanning several rows into every
    /// row of it (a leader merged down over the tasks they answer for).
    /// Only the top-left cell of a merge holds the value in the file.
    ///
    /// A row shorter than the merge's column is padded to it; once the
    /// padding would add more than `max_new_cells` cells the fill stops
    /// with `Err(TooManyCells)` (a merge down the 200th column of 200,000
    /// rows would otherwise pad every row). The work is the rows the
    /// merges span, within the sheet's rows: the caller bounds their sum.
    /// Returns the cells added.
    pub fn fill_vertical_merges(&mut self, max_new_cells: usize) -> Result<usize, TooManyCells> {
        let mut added = 0;
        let rows = self.rows.len();
        for i in 0..self.merges.len() {
            let m = self.merges[i].normalized();
            if m.last_row == m.first_row || m.first_row >= rows {
                continue;
            }
            let value = self.cell(m.first_row, m.first_col).clone();
            if value.is_empty() {
                continue;
            }
            for row in &mut self.rows[m.first_row + 1..=m.last_row.min(rows - 1)] {
                if row.len() <= m.first_col {
                    added += m.first_col + 1 - row.len();
                    if added > max_new_cells {
                        return Err(TooManyCells);
                    }
                    row.resize(m.first_col + 1, Cell::Empty);
                }
                if row[m.first_col].is_empty() {
                    row[m.first_col] = value.clone();
                }
            }
        }
        Ok(added)
    }
}

/// Filling merged ranges would pad the rows past the cells allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyCells;

/// A sheet's merges by row. An office's ledger may have a merge every few
/// rows (a leader merged down over their tasks, a code over its milestone
/// lines); looking each row up in the plain list made reading 50,000 such
/// rows quadratic.
pub struct MergeIndex<'a> {
    rows: Vec<Vec<&'a Merge>>,
}

impl<'a> MergeIndex<'a> {
    pub fn new(sheet: &'a Sheet) -> MergeIndex<'a> {
        let mut rows: Vec<Vec<&Merge>> = Vec::new();
        for m in &sheet.merges {
            // A range written backwards ("B2:A1") covers no cell here.
            if m.last_row < m.first_row || m.last_col < m.first_col {
                continue;
            }
            // A merge reaching past the sheet's rows has no cells there to ask about.
            let last = m.last_row.min(sheet.rows.len().max(m.first_row));
            if rows.len() <= last {
                rows.resize_with(last + 1, Vec::new);
            }
            for row in &mut rows[m.first_row..=last] {
                row.push(m);
            }
        }
        MergeIndex { rows }
    }

    fn of_row(&self, r: usize) -> &[&'a Merge] {
        self.rows.get(r).map_or(&[], Vec::as_slice)
    }

    /// The merge a cell lies in, if any.
    pub fn at(&self, r: usize, c: usize) -> Option<&'a Merge> {
        self.of_row(r).iter().copied().find(|m| m.contains(r, c))
    }

    /// Whether cell (r, c) lies in a vertical merge below its top row.
    pub fn continues_above(&self, r: usize, c: usize) -> bool {
        self.at(r, c).is_some_and(|m| m.last_row > m.first_row && r > m.first_row)
    }

    /// Whether row `r` is one value merged across at least `width` columns.
    pub fn across(&self, r: usize, width: usize) -> Option<&'a Merge> {
        self.of_row(r).iter().copied().find(|m| m.last_col + 1 - m.first_col >= width)
    }
}

/// 0 → "A", 25 → "Z", 26 → "AA": how Excel names a column.
pub fn column_letter(c: usize) -> String {
    let mut n = c + 1;
    let mut s = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        s.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        let l: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702].iter().map(|c| column_letter(*c)).collect();
        assert_eq!(l, ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
    }

    #[test]
    fn numbers_read_as_written() {
        assert_eq!(Cell::Number(3.0).text(), "3");
        assert_eq!(Cell::Number(2.5).text(), "2.5");
        assert_eq!(Cell::Number(0.1 + 0.2).text(), "0.3");
        assert_eq!(Cell::Text("  区住建局 ".into()).text(), "区住建局");
    }

    #[test]
    fn merges_are_found_by_row() {
        let mut s =
            Sheet::from_text("s", &[&["一、重点", "", ""], &["1", "a", "林"], &["", "b", ""], &["2", "c", "王"]]);
        s.merges.push(Merge { first_row: 0, first_col: 0, last_row: 0, last_col: 2 });
        s.merges.push(Merge { first_row: 1, first_col: 0, last_row: 2, last_col: 0 });
        // Reaches below the last row, as a merge over blank rows may.
        s.merges.push(Merge { first_row: 1, first_col: 2, last_row: 90, last_col: 2 });
        let index = MergeIndex::new(&s);
        assert_eq!(index.across(0, 3), Some(&s.merges[0]));
        assert_eq!(index.across(1, 3), None);
        assert_eq!(index.at(2, 0), Some(&s.merges[1]));
        assert_eq!(index.at(3, 2), Some(&s.merges[2]));
        assert_eq!(index.at(3, 0), None);
        assert_eq!(index.at(500, 2), None);
        assert!(index.continues_above(2, 0));
        assert!(!index.continues_above(1, 0));
    }

    #[test]
    fn a_value_merged_down_fills_every_row() {
        let mut s = Sheet::from_text("s", &[&["林志远", "a"], &["", "b"], &["", "c"], &["王强", "d"]]);
        s.merges.push(Merge { first_row: 0, first_col: 0, last_row: 2, last_col: 0 });
        assert_eq!(s.fill_vertical_merges(100), Ok(0));
        let col: Vec<String> = (0..4).map(|r| s.cell(r, 0).text()).collect();
        assert_eq!(col, ["林志远", "林志远", "林志远", "王强"]);
        let index = MergeIndex::new(&s);
        assert!(index.continues_above(1, 0));
        assert!(!index.continues_above(0, 0));
        assert!(!index.continues_above(3, 0));
        assert!(!index.continues_above(1, 1));
    }

    #[test]
    fn filling_merges_pads_rows_only_so_far() {
        let mut s = Sheet::from_text("s", &[&["林志远"], &["a"], &["b"], &["c"]]);
        // Down the 4th column: three rows padded by 3 cells each.
        s.rows[0] = vec![Cell::Empty, Cell::Empty, Cell::Empty, Cell::of("王强")];
        s.merges.push(Merge { first_row: 0, first_col: 3, last_row: 3, last_col: 3 });
        assert_eq!(s.clone().fill_vertical_merges(9), Ok(9));
        assert_eq!(s.clone().fill_vertical_merges(8), Err(TooManyCells));
        // Backwards, and reaching far below the rows: clipped, no panic.
        let mut s = Sheet::from_text("s", &[&["林志远"], &["a"]]);
        s.merges.push(Merge { first_row: 1_000_000, first_col: 0, last_row: 0, last_col: 0 });
        assert_eq!(s.fill_vertical_merges(0), Ok(0));
        assert_eq!(s.cell(1, 0).text(), "a", "a filled cell is not overwritten");
        let index = MergeIndex::new(&s);
        assert_eq!(index.at(1, 0), None, "a backwards range is no merge");
    }
}
