use super::*;
use chrono::{NaiveTime, Weekday};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn noon(date: NaiveDate) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap())
}

fn weekly() -> Schedule {
    Schedule::new(Cadence::Weekly, ReportDeadline::default(), d(2021, 3, 1))
}

fn fortnightly(anchor: NaiveDate) -> Schedule {
    Schedule::new(Cadence::Fortnightly, ReportDeadline::default(), anchor)
}

fn monthly() -> Schedule {
    Schedule::new(Cadence::Monthly, ReportDeadline::default_for(Cadence::Monthly), d(2021, 3, 1))
}

fn span(p: &Period) -> (NaiveDate, NaiveDate) {
    (p.start, p.end)
}

#[test]
fn a_week_runs_monday_to_sunday_and_is_due_thursday_noon() {
    let p = weekly().period_containing(d(2021, 3, 3));
    assert_eq!(span(&p), (d(2021, 3, 1), d(2021, 3, 7)));
    assert_eq!(p.deadline, noon(d(2021, 3, 4)));
    assert_eq!(p.key(), d(2021, 3, 1));
    assert_eq!(weekly().period_containing(d(2021, 3, 1)), p);
    assert_eq!(weekly().period_containing(d(2021, 3, 7)), p);
}

#[test]
fn a_week_may_straddle_months_and_years() {
    let p = weekly().period_containing(d(2021, 3, 31));
    assert_eq!(span(&p), (d(2021, 3, 29), d(2021, 4, 4)));
    assert_eq!(p.deadline, noon(d(2021, 4, 1)));
    let p = weekly().period_containing(d(2021, 1, 1));
    assert_eq!(span(&p), (d(2020, 12, 28), d(2021, 1, 3)));
    assert_eq!(p.deadline, noon(d(2020, 12, 31)));
}

#[test]
fn weeks_over_a_leap_day() {
    let p = weekly().period_containing(d(2024, 2, 29));
    assert_eq!(span(&p), (d(2024, 2, 26), d(2024, 3, 3)));
    assert_eq!(p.deadline, noon(d(2024, 2, 29)));
    assert_eq!(weekly().next(&p).start, d(2024, 3, 4));
}

#[test]
fn the_deadline_weekday_and_time_are_configurable() {
    let s = Schedule::new(Cadence::Weekly, ReportDeadline::parse("mon 09:30").unwrap(), d(2021, 1, 1));
    let p = s.period_containing(d(2021, 3, 7));
    assert_eq!(p.deadline, d(2021, 3, 1).and_hms_opt(9, 30, 0).unwrap());
    let s = Schedule::new(Cadence::Weekly, ReportDeadline::parse("sun 23:59").unwrap(), d(2021, 1, 1));
    assert_eq!(s.period_containing(d(2021, 3, 1)).deadline, d(2021, 3, 7).and_hms_opt(23, 59, 0).unwrap());
}

#[test]
fn fortnights_pair_weeks_from_the_anchor_monday() {
    let s = fortnightly(d(2021, 3, 3)); // a Wednesday: its Monday is 1 March
    let p = s.period_containing(d(2021, 3, 10));
    assert_eq!(span(&p), (d(2021, 3, 1), d(2021, 3, 14)));
    assert_eq!(p.deadline, noon(d(2021, 3, 11)), "Thursday of the second week");
    let q = s.period_containing(d(2021, 3, 15));
    assert_eq!(span(&q), (d(2021, 3, 15), d(2021, 3, 28)));
    assert_eq!(q.deadline, noon(d(2021, 3, 25)));
    assert_eq!(fortnightly(d(2021, 3, 7)).period_containing(d(2021, 3, 10)), p, "any day of the anchor week");
}

#[test]
fn fortnights_before_the_anchor_and_across_the_new_year() {
    let s = fortnightly(d(2021, 3, 1));
    assert_eq!(span(&s.period_containing(d(2021, 2, 28))), (d(2021, 2, 15), d(2021, 2, 28)));
    assert_eq!(span(&s.period_containing(d(2021, 2, 14))), (d(2021, 2, 1), d(2021, 2, 14)));
    let s = fortnightly(d(2020, 12, 21));
    let p = s.period_containing(d(2021, 1, 1));
    assert_eq!(span(&p), (d(2020, 12, 21), d(2021, 1, 3)));
    assert_eq!(p.deadline, noon(d(2020, 12, 31)));
    assert_eq!(span(&s.next(&p)), (d(2021, 1, 4), d(2021, 1, 17)));
}

#[test]
fn a_month_is_the_calendar_month() {
    let p = monthly().period_containing(d(2021, 12, 15));
    assert_eq!(span(&p), (d(2021, 12, 1), d(2021, 12, 31)));
    assert_eq!(p.deadline, noon(d(2021, 12, 25)));
    assert_eq!(span(&monthly().next(&p)), (d(2022, 1, 1), d(2022, 1, 31)));
    assert_eq!(span(&monthly().previous(&p)), (d(2021, 11, 1), d(2021, 11, 30)));
    assert_eq!(p.days(), 31);
}

#[test]
fn february_knows_leap_years() {
    assert_eq!(monthly().period_containing(d(2024, 2, 10)).end, d(2024, 2, 29));
    assert_eq!(monthly().period_containing(d(2023, 2, 10)).end, d(2023, 2, 28));
    assert_eq!(monthly().period_containing(d(2000, 2, 10)).end, d(2000, 2, 29));
    assert_eq!(monthly().period_containing(d(2100, 2, 10)).end, d(2100, 2, 28));
    let late = Schedule::new(Cadence::Monthly, ReportDeadline::parse("28 18:00").unwrap(), d(2021, 1, 1));
    assert_eq!(late.period_containing(d(2023, 2, 1)).deadline, d(2023, 2, 28).and_hms_opt(18, 0, 0).unwrap());
}

#[test]
fn a_deadline_that_does_not_fit_falls_on_the_last_day() {
    let s = Schedule::new(Cadence::Monthly, ReportDeadline::default(), d(2021, 1, 1));
    assert_eq!(s.period_containing(d(2021, 4, 9)).deadline, noon(d(2021, 4, 30)));
    let s = Schedule::new(Cadence::Weekly, ReportDeadline::default_for(Cadence::Monthly), d(2021, 1, 1));
    assert_eq!(s.period_containing(d(2021, 3, 3)).deadline, noon(d(2021, 3, 7)));
}

#[test]
fn previous_and_next_step_one_period() {
    let p = weekly().period_containing(d(2021, 1, 1));
    assert_eq!(weekly().next(&p).start, d(2021, 1, 4));
    assert_eq!(weekly().previous(&p).start, d(2020, 12, 21));
    assert_eq!(weekly().previous(&weekly().next(&p)), p);
    let s = fortnightly(d(2021, 1, 4));
    let f = s.period_containing(d(2021, 1, 4));
    assert_eq!(s.previous(&f).start, d(2020, 12, 21));
}

#[test]
fn periods_tile_time_without_gaps() {
    for s in [weekly(), fortnightly(d(2021, 3, 3)), monthly()] {
        let mut p = s.period_containing(d(2019, 12, 20));
        for _ in 0..120 {
            let next = s.next(&p);
            assert_eq!(next.start, p.end + Days::new(1), "{:?}", s.cadence);
            assert!(p.contains(p.deadline.date()), "deadline inside the period: {p:?}");
            assert_eq!(s.period_containing(p.end), p);
            p = next;
        }
    }
}

#[test]
fn periods_between_covers_both_ends() {
    let ps = weekly().periods_between(d(2021, 3, 3), d(2021, 3, 15));
    let keys: Vec<NaiveDate> = ps.iter().map(Period::key).collect();
    assert_eq!(keys, [d(2021, 3, 1), d(2021, 3, 8), d(2021, 3, 15)]);
    assert_eq!(weekly().periods_between(d(2021, 3, 3), d(2021, 3, 3)).len(), 1);
    assert!(weekly().periods_between(d(2021, 3, 15), d(2021, 3, 3)).is_empty());
    let months = monthly().periods_between(d(2020, 11, 15), d(2021, 2, 1));
    assert_eq!(months.len(), 4);
    assert_eq!(months[3].end, d(2021, 2, 28));
}

#[test]
fn the_last_twelve_periods_end_with_the_current_one() {
    let today = d(2021, 3, 10);
    let ps = weekly().last_periods(12, today);
    assert_eq!(ps.len(), 12);
    assert!(ps[11].contains(today));
    assert_eq!(ps[0].start, d(2020, 12, 21));
    assert!(ps.windows(2).all(|w| w[1].start == w[0].end + Days::new(1)));
    assert_eq!(monthly().last_periods(3, today)[0].start, d(2021, 1, 1));
    assert!(weekly().last_periods(0, today).is_empty());
}

#[test]
fn cadences_parse_label_and_serialise() {
    for c in Cadence::ALL {
        assert_eq!(Cadence::parse(c.as_str()), Some(c));
        assert_eq!(Cadence::parse(c.label(Lang::Zh)), Some(c));
        assert_eq!(serde_json::to_string(&c).unwrap(), format!("\"{}\"", c.as_str()));
    }
    assert_eq!(Cadence::default(), Cadence::Weekly);
    assert_eq!(Cadence::Fortnightly.label(Lang::Zh), "每两周");
    assert_eq!(Cadence::Monthly.label(Lang::En), "monthly");
    assert_eq!(Cadence::parse("daily"), None);
    let c: Cadence = serde_json::from_str("\"每月\"").unwrap();
    assert_eq!(c, Cadence::Monthly);
}

#[test]
fn a_period_serialises_with_its_deadline() {
    let p = weekly().period_containing(d(2021, 3, 3));
    let v = serde_json::to_value(p).unwrap();
    assert_eq!(v["start"], "2021-03-01");
    assert_eq!(v["end"], "2021-03-07");
    assert_eq!(v["deadline"], "2021-03-04T12:00:00");
    assert!(p.contains(d(2021, 3, 7)) && !p.contains(d(2021, 3, 8)));
    assert_eq!(Weekday::Thu, p.deadline.date().weekday());
}
