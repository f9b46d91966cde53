//! Dates as offices write them in a ledger: "2021-06-30", "2021年6月底",
//! "6月30日前", "9月中旬", "年底前", "三季度末", "长期坚持". A date without a
//! year takes the import's reference year. Vague dates resolve to the
//! last day they allow ("6月底" → 30 June, "9月中旬" → 20 September),
//! because a time limit means "by then".

use chrono::{Datelike, NaiveDate};

/// What a date cell says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateText {
    Date(NaiveDate),
    /// 长期坚持 / 持续推进: no time limit.
    Ongoing,
}

/// Reads a whole cell. `None` when the text is not a date.
pub fn parse(text: &str, year: i32) -> Option<DateText> {
    let t = squeeze(text);
    if t.is_empty() {
        return None;
    }
    if ONGOING.iter().any(|w| t == *w) {
        return Some(DateText::Ongoing);
    }
    let (date, used) = prefix(&t, year)?;
    let rest = trim_suffix_words(&t[used..]);
    rest.is_empty().then_some(DateText::Date(date))
}

/// Reads a date at the start of `text` ("6月30日前完成征收"), returning the
/// date and how many bytes of the squeezed text it took, including a
/// trailing 前/之前/以前 and separators.
pub fn prefix(text: &str, year: i32) -> Option<(NaiveDate, usize)> {
    let s = text;
    let (date, mut used) = iso(s).or_else(|| chinese(s, year))?;
    used += suffix_len(&s[used..]);
    Some((date, used))
}

/// Words that mean "no time limit".
const ONGOING: &[&str] = &["长期坚持", "长期", "持续推进", "持续", "常态化", "长期推进"];

/// Removes every kind of space, so "2021 年 6 月" reads like "2021年6月".
pub fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && *c != '\u{3000}').collect()
}

fn trim_suffix_words(s: &str) -> &str {
    s.trim_matches(|c: char| matches!(c, '。' | '；' | ';' | '，' | ',' | '）' | ')'))
}

/// 前 / 之前 / 以前 / 完成前, then separators such as "：" and "，".
fn suffix_len(s: &str) -> usize {
    let mut used = 0;
    for w in ["之前", "以前", "前"] {
        if s.starts_with(w) {
            used += w.len();
            break;
        }
    }
    for c in s[used..].chars() {
        if matches!(c, '：' | ':' | '，' | ',' | '、' | '-' | '—') {
            used += c.len_utf8();
        } else {
            break;
        }
    }
    used
}

/// "2021-06-30", "2021/6/30", "2021.6.30".
fn iso(s: &str) -> Option<(NaiveDate, usize)> {
    let (y, a) = digits(s)?;
    if a != 4 {
        return None;
    }
    let sep = s[a..].chars().next().filter(|c| matches!(c, '-' | '/' | '.'))?;
    let (m, b) = two_digits(&s[a + 1..])?;
    let rest = &s[a + 1 + b..];
    if !rest.starts_with(sep) {
        return None;
    }
    // At most two digits: "2027-02-2646栋…" is the 26th, then "46栋…".
    let (d, c) = two_digits(&rest[1..])?;
    let date = NaiveDate::from_ymd_opt(y as i32, m, d)?;
    Some((date, a + 1 + b + 1 + c))
}

/// The leading ASCII digits as a number, and how many there were.
fn digits(s: &str) -> Option<(u32, usize)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 || n > 4 {
        return None;
    }
    s[..n].parse().ok().map(|v| (v, n))
}

/// One or two leading digits.
fn two_digits(s: &str) -> Option<(u32, usize)> {
    let n = s.bytes().take(2).take_while(u8::is_ascii_digit).count();
    (n > 0).then(|| s[..n].parse().ok().map(|v| (v, n))).flatten()
}

/// A month as 6 or 六 or 十二, with how many bytes it took.
fn month_number(s: &str) -> Option<(u32, usize)> {
    if let Some((m, n)) = digits(s) {
        return Some((m, n));
    }
    const WORDS: [&str; 12] = ["十二", "十一", "十", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    const VALUES: [u32; 12] = [12, 11, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    WORDS.iter().zip(VALUES).find(|(w, _)| s.starts_with(**w)).map(|(w, v)| (v, w.len()))
}

fn last_day(year: i32, month: u32) -> Option<NaiveDate> {
    let first_next = if month == 12 {
        // The reference year may be any number (`tuijin import --year`).
        NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }?;
    first_next.pred_opt()
}

/// "2021年6月30日", "6月底", "年底", "2021年三季度末", "上半年", "2022年".
fn chinese(s: &str, default_year: i32) -> Option<(NaiveDate, usize)> {
    let mut used = 0;
    let mut year = default_year;
    let mut explicit_year = false;
    if let Some((y, n)) = digits(s) {
        if n == 4 && s[n..].starts_with('年') {
            year = y as i32;
            used = n + '年'.len_utf8();
            explicit_year = true;
        }
    }
    let rest = &s[used..];
    // The parts of a year: 年底 / 上半年 / 三季度末…
    for (words, month) in [
        (&["年底", "年末", "年内", "底", "末"][..], 12),
        (&["上半年"][..], 6),
        (&["下半年"][..], 12),
        (&["第一季度末", "第一季度", "一季度末", "一季度", "1季度末", "1季度"][..], 3),
        (&["第二季度末", "第二季度", "二季度末", "二季度", "2季度末", "2季度"][..], 6),
        (&["第三季度末", "第三季度", "三季度末", "三季度", "3季度末", "3季度"][..], 9),
        (&["第四季度末", "第四季度", "四季度末", "四季度", "4季度末", "4季度"][..], 12),
    ] {
        // "底"/"末" alone only right after an explicit year ("2021年底").
        if let Some(w) = words.iter().find(|w| rest.starts_with(**w) && (explicit_year || w.chars().count() > 1)) {
            return Some((last_day(year, month)?, used + w.len()));
        }
    }
    let (month, n) = month_number(rest)?;
    let rest = &rest[n..];
    if !rest.starts_with('月') || !(1..=12).contains(&month) {
        return None;
    }
    used += n + '月'.len_utf8();
    let rest = &s[used..];
    if let Some((day, n)) = digits(rest) {
        let after = &rest[n..];
        let unit = ["日", "号"].into_iter().find(|u| after.starts_with(*u))?;
        let date = NaiveDate::from_ymd_opt(year, month, day)?;
        return Some((date, used + n + unit.len()));
    }
    let last = last_day(year, month)?;
    for (w, day) in [
        ("上旬", 10),
        ("中旬", 20),
        ("下旬", last.day()),
        ("月底", last.day()),
        ("月末", last.day()),
        ("底", last.day()),
        ("末", last.day()),
        ("初", 10),
        ("中", 15),
    ] {
        if rest.starts_with(w) {
            return Some((NaiveDate::from_ymd_opt(year, month, day)?, used + w.len()));
        }
    }
    // "6月" alone: by the end of June.
    Some((last, used))
}

/// An Excel serial day number (1900 date system, as every modern Excel
/// writes) as a date; `None` outside 1900–9999.
pub fn from_excel_serial(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    // 1899-12-30 absorbs Excel's phantom 29 February 1900 for every date after it.
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    base.checked_add_days(chrono::Days::new(serial.floor() as u64))
}

/// The four-digit year a title like "2021年重点工作推进台账" names, if any.
pub fn year_in(text: &str) -> Option<i32> {
    let s = squeeze(text);
    let pos = s.find('年')?;
    let head = &s[..pos];
    let digits: String = head.chars().rev().take_while(char::is_ascii_digit).collect();
    let year: i32 = digits.chars().rev().collect::<String>().parse().ok()?;
    (digits.len() == 4 && (1990..=2100).contains(&year)).then_some(year)
}

/// The reference year: the one the workbook names, or today's.
pub fn reference_year(named: Option<i32>, today: NaiveDate) -> i32 {
    named.unwrap_or(today.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<DateText> {
        Some(DateText::Date(NaiveDate::from_ymd_opt(y, m, day).unwrap()))
    }

    #[test]
    fn iso_and_slashed_dates() {
        assert_eq!(parse("2021-06-30", 2020), d(2021, 6, 30));
        assert_eq!(parse("2021/6/3", 2020), d(2021, 6, 3));
        assert_eq!(parse("2021.12.31", 2020), d(2021, 12, 31));
        assert_eq!(parse("2021-02-30", 2020), None);
    }

    #[test]
    fn chinese_dates_with_and_without_year() {
        assert_eq!(parse("2021年6月30日", 2020), d(2021, 6, 30));
        assert_eq!(parse("2021年6月底", 2020), d(2021, 6, 30));
        assert_eq!(parse("6月30日前", 2022), d(2022, 6, 30));
        assert_eq!(parse("6月底前", 2022), d(2022, 6, 30));
        assert_eq!(parse("2 月底", 2024), d(2024, 2, 29));
        assert_eq!(parse("六月底", 2021), d(2021, 6, 30));
        assert_eq!(parse("十二月中旬", 2021), d(2021, 12, 20));
        assert_eq!(parse("9月上旬", 2021), d(2021, 9, 10));
        assert_eq!(parse("9月下旬", 2021), d(2021, 9, 30));
        assert_eq!(parse("2021年9月", 2020), d(2021, 9, 30));
        assert_eq!(parse("10月15号", 2021), d(2021, 10, 15));
    }

    #[test]
    fn parts_of_a_year() {
        assert_eq!(parse("年底前", 2021), d(2021, 12, 31));
        assert_eq!(parse("2022年底", 2021), d(2022, 12, 31));
        assert_eq!(parse("2022年", 2021), None, "a bare year is not a time limit");
        assert_eq!(parse("上半年", 2021), d(2021, 6, 30));
        assert_eq!(parse("下半年", 2021), d(2021, 12, 31));
        assert_eq!(parse("三季度末", 2021), d(2021, 9, 30));
        assert_eq!(parse("2023年第一季度", 2021), d(2023, 3, 31));
    }

    #[test]
    fn no_time_limit() {
        assert_eq!(parse("长期坚持", 2021), Some(DateText::Ongoing));
        assert_eq!(parse("持续推进", 2021), Some(DateText::Ongoing));
    }

    #[test]
    fn not_dates() {
        for t in ["", "尽快", "完成征收", "13月1日", "6月32日", "6月30"] {
            assert_eq!(parse(t, 2021), None, "{t}");
        }
    }

    #[test]
    fn a_date_at_the_start_of_a_milestone() {
        let s = squeeze("6月30日前：完成土地征收");
        let (date, used) = prefix(&s, 2021).unwrap();
        assert_eq!(date, NaiveDate::from_ymd_opt(2021, 6, 30).unwrap());
        assert_eq!(&s[used..], "完成土地征收");
        let s = squeeze("2021-06-30 完成前7条");
        let (_, used) = prefix(&s, 2020).unwrap();
        assert_eq!(&s[used..], "完成前7条");
        let s = squeeze("2027-02-26 46栋建筑立面改造全部完成");
        let (date, used) = prefix(&s, 2020).unwrap();
        assert_eq!((date, &s[used..]), (NaiveDate::from_ymd_opt(2027, 2, 26).unwrap(), "46栋建筑立面改造全部完成"));
        assert!(prefix("完成土地征收", 2021).is_none());
    }

    #[test]
    fn any_reference_year_is_safe() {
        // Found by the fuzz test: "年底" in year i32::MAX overflowed.
        for year in [i32::MAX, i32::MIN, 262_143, -262_144] {
            assert_eq!(parse("年底", year), None, "{year}");
            assert_eq!(parse("12月", year), None, "{year}");
        }
        assert_eq!(parse("年底", 9999), d(9999, 12, 31));
    }

    #[test]
    fn excel_serials() {
        assert_eq!(from_excel_serial(44377.0), NaiveDate::from_ymd_opt(2021, 6, 30));
        assert_eq!(from_excel_serial(61.0), NaiveDate::from_ymd_opt(1900, 3, 1));
        assert_eq!(from_excel_serial(0.0), None);
        assert_eq!(from_excel_serial(-3.0), None);
    }

    #[test]
    fn the_year_a_title_names() {
        assert_eq!(year_in("二七区2021年重点工作推进台账"), Some(2021));
        assert_eq!(year_in("重点工作推进台账（截至2026年11月28日）"), Some(2026));
        assert_eq!(year_in("推进台账"), None);
        assert_eq!(year_in("第12年"), None);
    }
}
