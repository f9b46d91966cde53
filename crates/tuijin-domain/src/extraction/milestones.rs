//! The 时间节点 cell: one milestone per line (or per "；"), each a date and
//! what is due by it — as the export writes it ("2021-06-30 完成前7条（计划值
//! 7）【已完成】") or as offices do ("6月30日前：完成土地征收", "①9月底前开工").

use super::dates;
use crate::milestone::MilestoneFields;
use rust_decimal::Decimal;
use std::str::FromStr;

/// Reads every milestone of a cell, or the first line that has no date.
pub fn parse(text: &str, year: i32) -> Result<Vec<MilestoneFields>, String> {
    let mut out = Vec::new();
    for line in text.split(['\n', '；', ';']) {
        let line = strip_numbering(line.trim());
        if line.is_empty() {
            continue;
        }
        out.push(parse_line(line, year).ok_or_else(|| line.to_string())?);
    }
    Ok(out)
}

fn parse_line(line: &str, year: i32) -> Option<MilestoneFields> {
    let (date, rest) = match split_date(line, year) {
        Some(x) => x,
        None => trailing_date(line, year)?,
    };
    let mut title = rest.trim().to_string();
    let mut done = false;
    if let Some(t) = title.strip_suffix("【已完成】") {
        title = t.trim_end().to_string();
        done = true;
    }
    let mut planned_value = None;
    if let Some(open) = title.rfind("（计划值") {
        if let Some(v) = title[open..].strip_prefix("（计划值").and_then(|v| v.strip_suffix('）')) {
            planned_value = Some(Decimal::from_str(v.trim()).ok()?);
            title = title[..open].trim_end().to_string();
        }
    }
    if title.is_empty() {
        return None;
    }
    Some(MilestoneFields { title, planned_date: date, planned_value, actual_date: None, actual_value: None, done })
}

/// A date at the start, with what follows it as written (spaces kept
/// inside the title).
fn split_date(line: &str, year: i32) -> Option<(chrono::NaiveDate, &str)> {
    // The export's form, "2021-06-30 前期工作": the title starts after the
    // space, even when it begins with a word such as 前 that follows dates.
    if let Some((head, rest)) = line.split_once(' ') {
        if head.len() == 10 && head.as_bytes()[4] == b'-' && head.as_bytes()[7] == b'-' {
            if let Ok(date) = chrono::NaiveDate::parse_from_str(head, "%Y-%m-%d") {
                return Some((date, rest.trim_start()));
            }
        }
    }
    let squeezed = dates::squeeze(line);
    let (date, used) = dates::prefix(&squeezed, year)?;
    // Map the bytes used in the squeezed text back onto the line.
    let mut seen = 0;
    let mut cut = line.len();
    for (i, c) in line.char_indices() {
        if seen >= used {
            cut = i;
            break;
        }
        if !(c.is_whitespace() || c == '\u{3000}') {
            seen += c.len_utf8();
        }
    }
    Some((date, &line[cut..]))
}

/// "完成土地征收（6月30日前）": the date in brackets at the end.
fn trailing_date(line: &str, year: i32) -> Option<(chrono::NaiveDate, &str)> {
    let body = line.strip_suffix('）').or_else(|| line.strip_suffix(')'))?;
    let open = body.rfind(['（', '('])?;
    let inner = body[open..].trim_start_matches(['（', '(']);
    match dates::parse(inner, year)? {
        dates::DateText::Date(d) => Some((d, &line[..open])),
        dates::DateText::Ongoing => None,
    }
}

/// "1." "2、" "①" "（1）" "(一)" before a line.
fn strip_numbering(line: &str) -> &str {
    let mut s = line;
    if let Some(c) = s.chars().next() {
        if ('①'..='⑳').contains(&c) {
            return s[c.len_utf8()..].trim_start();
        }
    }
    if let Some(rest) = s.strip_prefix(['（', '(']) {
        if let Some(close) = rest.find(['）', ')']) {
            let inner = &rest[..close];
            if !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
            {
                s = rest[close..].trim_start_matches(['）', ')']);
                return s.trim_start();
            }
        }
    }
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && digits < 3 {
        let rest = &s[digits..];
        // "1." or "1、", not "1月": a date starts with digits too.
        if let Some(r) = rest.strip_prefix(['.', '、', '．']) {
            return r.trim_start();
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn reads_back_what_the_export_writes() {
        let ms = parse(
            "2021-06-30 完成前7条（计划值 7）【已完成】\n2021-12-31 全部 14 条通车\n2022-03-31 30座公厕全部开放",
            2020,
        )
        .unwrap();
        assert_eq!(ms.len(), 3);
        assert_eq!(ms[2].title, "30座公厕全部开放", "a title that starts with digits");
        let early = parse("2027-07-01 前三季度累计出让1000亩", 2020).unwrap();
        assert_eq!(early[0].title, "前三季度累计出让1000亩", "前 after the export's date is the title's");
        assert_eq!(ms[0].title, "完成前7条");
        assert_eq!(ms[0].planned_date, day(2021, 6, 30));
        assert_eq!(ms[0].planned_value, Some(Decimal::from(7)));
        assert!(ms[0].done);
        assert_eq!(ms[1].title, "全部 14 条通车", "spaces inside the title are kept");
        assert!(!ms[1].done);
    }

    #[test]
    fn reads_what_offices_write() {
        let ms = parse("1.6月30日前：完成土地征收；2、9月底前开工\n③年底前主体封顶", 2021).unwrap();
        let got: Vec<(NaiveDate, &str)> = ms.iter().map(|m| (m.planned_date, m.title.as_str())).collect();
        assert_eq!(
            got,
            [(day(2021, 6, 30), "完成土地征收"), (day(2021, 9, 30), "开工"), (day(2021, 12, 31), "主体封顶")]
        );
        let ms = parse("完成征收（2022年3月底前）", 2021).unwrap();
        assert_eq!((ms[0].planned_date, ms[0].title.as_str()), (day(2022, 3, 31), "完成征收"));
    }

    #[test]
    fn a_line_without_a_date_is_named() {
        assert_eq!(parse("6月底前开工\n尽快完成验收", 2021), Err("尽快完成验收".to_string()));
        assert_eq!(parse("", 2021), Ok(vec![]));
    }
}
