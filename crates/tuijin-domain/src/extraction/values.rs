//! Cell values as ledger values: amounts ("1.2亿元", "3000"), percentages
//! ("60%", 0.6), targets ("14条"), lists of names ("区住建局、区城管局"),
//! leaders with their titles ("林志远（区委副书记）").

use super::grid::Cell;
use crate::task::Target;
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;
use std::str::FromStr;

/// The cell cannot be read as the value its column holds; the caller
/// names the cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unreadable;

/// A float as an exact decimal, rounded to the 4 places storage keeps.
pub fn decimal(n: f64) -> Option<Decimal> {
    Decimal::from_f64(n).map(|d| d.round_dp(4).normalize())
}

/// The leading number of a text ("288.6亿元" → 288.6, "亿元"), accepting
/// thousands separators and full-width digits.
fn leading_number(text: &str) -> Option<(Decimal, String)> {
    let t: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            _ => c,
        })
        .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
        .collect();
    let end = t.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-')).unwrap_or(t.len());
    let value = Decimal::from_str(&t[..end]).ok()?;
    Some((value.normalize(), t[end..].to_string()))
}

/// An amount in 万元: numbers as they are (times the column's scale),
/// text with its unit ("1.2亿元", "3000万元", "3000万").
pub fn amount(cell: &Cell, scale: Decimal) -> Result<Option<Decimal>, Unreadable> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Number(n) => decimal(*n).map(|d| Some((d * scale).normalize())).ok_or(Unreadable),
        Cell::Text(t) if t.trim().is_empty() => Ok(None),
        Cell::Text(t) => {
            let (value, unit) = leading_number(t).ok_or(Unreadable)?;
            let factor = match unit.as_str() {
                "" => scale,
                "万" | "万元" => Decimal::ONE,
                "亿" | "亿元" => Decimal::from(10_000),
                "元" => Decimal::new(1, 4),
                _ => return Err(Unreadable),
            };
            Ok(Some((value * factor).normalize()))
        }
        _ => Err(Unreadable),
    }
}

/// A percentage 0–100: 60, "60%", "60", or 0.6 from a cell formatted as a
/// percentage (a fraction below 1 is read as one; "1" stays 1 %).
pub fn percent(cell: &Cell) -> Result<Option<Decimal>, Unreadable> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Number(n) => {
            let d = decimal(*n).ok_or(Unreadable)?;
            let d = if d > Decimal::ZERO && d < Decimal::ONE { d * Decimal::from(100) } else { d };
            Ok(Some(d.round_dp(2).normalize()))
        }
        Cell::Text(t) if t.trim().is_empty() => Ok(None),
        Cell::Text(t) => {
            let (value, rest) = leading_number(t).ok_or(Unreadable)?;
            matches!(rest.as_str(), "" | "%" | "％").then_some(Some(value)).ok_or(Unreadable)
        }
        _ => Err(Unreadable),
    }
}

/// "14条" → 14 条; "288.6亿元" → 288.6 亿元. A bare number has no measure
/// word and is refused: the target needs one.
pub fn target(cell: &Cell) -> Result<Option<Target>, Unreadable> {
    let text = cell.text();
    if text.is_empty() {
        return Ok(None);
    }
    let (value, measure) = leading_number(&text).ok_or(Unreadable)?;
    if measure.is_empty() {
        return Err(Unreadable);
    }
    Ok(Some(Target { value, measure }))
}

/// Splits a cell listing several names: "区住建局、区城管局", "甲，乙；丙",
/// one per line.
pub fn names(text: &str) -> Vec<String> {
    text.split(['、', '，', ',', '；', ';', '/', '／', '\n', ' ', '\u{3000}'])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// "林志远（区委副书记、区长）" → ("林志远", "区委副书记、区长"). Leaders are
/// split on the separators outside brackets.
pub fn leaders(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in text.chars() {
        match c {
            '（' | '(' => {
                depth += 1;
                current.push(c);
            }
            '）' | ')' => {
                depth -= 1;
                current.push(c);
            }
            '、' | '，' | ',' | '；' | ';' | '/' | '／' | '\n' | ' ' | '\u{3000}' if depth <= 0 => {
                out.push(std::mem::take(&mut current));
            }
            _ => current.push(c),
        }
    }
    out.push(current);
    out.into_iter()
        .filter_map(|s| {
            let s = s.trim();
            let open = s.find(['（', '(']);
            let (name, title) = match open {
                Some(i) => (&s[..i], s[i..].trim_start_matches(['（', '(']).trim_end_matches(['）', ')'])),
                None => (s, ""),
            };
            let name = name.trim();
            (!name.is_empty()).then(|| (name.to_string(), title.trim().to_string()))
        })
        .collect()
}

/// A task code as written: 3 → "3", "1.2" → "1-2" only when the cell is
/// text (a number 1.2 stays "1.2"), "（一）" as it is.
pub fn code(cell: &Cell) -> String {
    match cell {
        Cell::Number(n) => super::grid::number_text(*n),
        other => other.text().chars().filter(|c| !c.is_whitespace()).collect(),
    }
}

/// The code of the parent of a sub-task code: "3-2-1" → "3-2".
pub fn parent_code(code: &str) -> Option<&str> {
    code.rfind('-').map(|i| &code[..i]).filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn amounts_in_ten_thousand_yuan() {
        let one = Decimal::ONE;
        assert_eq!(amount(&Cell::Number(3000.0), one), Ok(Some(dec("3000"))));
        assert_eq!(amount(&Cell::Number(1.2), Decimal::from(10_000)), Ok(Some(dec("12000"))));
        assert_eq!(amount(&Cell::of("1.2亿元"), one), Ok(Some(dec("12000"))));
        assert_eq!(amount(&Cell::of("3,000万元"), one), Ok(Some(dec("3000"))));
        assert_eq!(amount(&Cell::of("１２"), one), Ok(Some(dec("12"))));
        assert_eq!(amount(&Cell::Empty, one), Ok(None));
        assert_eq!(amount(&Cell::of("约三千万"), one), Err(Unreadable));
        assert_eq!(amount(&Cell::of("12美元"), one), Err(Unreadable));
    }

    #[test]
    fn percentages() {
        assert_eq!(percent(&Cell::Number(60.0)), Ok(Some(dec("60"))));
        assert_eq!(percent(&Cell::Number(0.6)), Ok(Some(dec("60"))));
        assert_eq!(percent(&Cell::Number(1.0)), Ok(Some(dec("1"))));
        assert_eq!(percent(&Cell::of("75%")), Ok(Some(dec("75"))));
        assert_eq!(percent(&Cell::of("过半")), Err(Unreadable));
    }

    #[test]
    fn targets_need_a_measure_word() {
        assert_eq!(target(&Cell::of("14条")), Ok(Some(Target { value: dec("14"), measure: "条".into() })));
        assert_eq!(target(&Cell::of("288.6亿元")), Ok(Some(Target { value: dec("288.6"), measure: "亿元".into() })));
        assert_eq!(target(&Cell::Number(14.0)), Err(Unreadable));
        assert_eq!(target(&Cell::Empty), Ok(None));
    }

    #[test]
    fn lists_of_names() {
        assert_eq!(names("区住建局、区城管局，区发改委"), ["区住建局", "区城管局", "区发改委"]);
        assert_eq!(names(" "), Vec::<String>::new());
    }

    #[test]
    fn leaders_with_titles() {
        assert_eq!(
            leaders("林志远（区委副书记、区长）、王强"),
            [("林志远".to_string(), "区委副书记、区长".to_string()), ("王强".to_string(), String::new())]
        );
    }

    #[test]
    fn codes() {
        assert_eq!(code(&Cell::Number(3.0)), "3");
        assert_eq!(code(&Cell::of(" 1-2 ")), "1-2");
        assert_eq!(parent_code("3-2-1"), Some("3-2"));
        assert_eq!(parent_code("3"), None);
    }
}
