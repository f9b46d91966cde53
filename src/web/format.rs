//! Dates, numbers and money in the conventions of each language:
//! 2021年2月22日 / 22 Feb 2021; 288.6亿元 / ¥28.86 bn.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use tuijin_domain::Lang;

pub fn date(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Lang::En => d.format("%-d %b %Y").to_string(),
    }
}

/// A moment in the server's local time, to the minute: 2026年12月1日 09:05 / 1 Dec 2026 09:05.
pub fn date_time(at: chrono::DateTime<chrono::Utc>, lang: Lang) -> String {
    let local = at.with_timezone(&chrono::Local);
    format!("{} {}", date(local.date_naive(), lang), local.format("%H:%M"))
}

/// For dense tables: month and day when the date falls in the current
/// year (6月30日 / 30 Jun), the full date otherwise.
pub fn short_date(d: NaiveDate, today: NaiveDate, lang: Lang) -> String {
    if d.year() != today.year() {
        return date(d, lang);
    }
    match lang {
        Lang::Zh => format!("{}月{}日", d.month(), d.day()),
        Lang::En => d.format("%-d %b").to_string(),
    }
}

/// Money stored in 万元 (10^4 yuan).
pub fn money_wan(wan: Decimal, lang: Lang) -> String {
    let yi = Decimal::new(10_000, 0);
    match lang {
        Lang::Zh if wan.abs() >= yi => format!("{}亿元", trim((wan / yi).round_dp(2))),
        Lang::Zh => format!("{}万元", trim(wan.round_dp(2))),
        Lang::En => {
            let yuan = wan * yi;
            let (div, suffix) = if yuan.abs() >= Decimal::new(1_000_000_000, 0) {
                (Decimal::new(1_000_000_000, 0), " bn")
            } else if yuan.abs() >= Decimal::new(1_000_000, 0) {
                (Decimal::new(1_000_000, 0), " m")
            } else {
                (Decimal::ONE, "")
            };
            format!("¥{}{suffix}", trim((yuan / div).round_dp(2)))
        }
    }
}

/// A plain decimal without trailing zeros: 14, 37.5.
pub fn number(v: Decimal) -> String {
    trim(v)
}

fn trim(v: Decimal) -> String {
    v.normalize().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn dates_follow_the_language() {
        let day = NaiveDate::from_ymd_opt(2021, 2, 22).unwrap();
        assert_eq!(date(day, Lang::Zh), "2021年2月22日");
        assert_eq!(date(day, Lang::En), "22 Feb 2021");
        let today = NaiveDate::from_ymd_opt(2021, 11, 28).unwrap();
        assert_eq!(short_date(day, today, Lang::Zh), "2月22日");
        assert_eq!(short_date(day, today, Lang::En), "22 Feb");
        let next_year = NaiveDate::from_ymd_opt(2022, 1, 31).unwrap();
        assert_eq!(short_date(next_year, today, Lang::Zh), "2022年1月31日");
    }

    #[test]
    fn money_uses_yi_yuan_in_chinese() {
        assert_eq!(money_wan(d("28860000"), Lang::Zh), "2886亿元");
        assert_eq!(money_wan(d("2886000"), Lang::Zh), "288.6亿元");
        assert_eq!(money_wan(d("12000.50"), Lang::Zh), "1.2亿元");
        assert_eq!(money_wan(d("9800"), Lang::Zh), "9800万元");
        assert_eq!(money_wan(d("0.5"), Lang::Zh), "0.5万元");
    }

    #[test]
    fn money_uses_millions_and_billions_in_english() {
        assert_eq!(money_wan(d("2886000"), Lang::En), "¥28.86 bn");
        assert_eq!(money_wan(d("9800"), Lang::En), "¥98 m");
        assert_eq!(money_wan(d("12.5"), Lang::En), "¥125000");
    }

    #[test]
    fn numbers_drop_trailing_zeros() {
        assert_eq!(number(d("14.000")), "14");
        assert_eq!(number(d("37.50")), "37.5");
    }
}
