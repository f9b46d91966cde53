//! What the briefing and the upward report are written from: plain data
//! gathered once from storage (`gather.rs`), so that the documents
//! themselves are pure functions of it and can be tested on hand-built
//! facts.

use crate::supervision::load::UnitLoad;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use tuijin_domain::lamp::{LampCounts, Reason};

/// Everything about the chosen key works in the chosen period.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The date the document is issued on (and lamps are judged on).
    pub today: NaiveDate,
    /// The reporting period: first and last day (key works on other
    /// cadences widen it).
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// 第N期: the number of the period since the ledger began.
    pub issue: u32,
    pub key_works: Vec<KeyWorkFacts>,
    /// Red and yellow tasks with why, earliest due first.
    pub red: Vec<LampLine>,
    pub yellow: Vec<LampLine>,
    /// Reporting load per unit in the period.
    pub load: Vec<LoadLine>,
    /// Reports submitted or accepted for the period, in ledger order.
    pub reports: Vec<ReportLine>,
    /// Milestones completed in the period.
    pub milestones_done: Vec<MilestoneLine>,
}

#[derive(Debug, Clone, Default)]
pub struct KeyWorkFacts {
    pub name: String,
    pub lead_body: String,
    pub total: usize,
    pub done: usize,
    pub in_progress: usize,
    pub overdue: usize,
    pub lamps: LampCounts,
    /// 万元.
    pub planned_investment: Decimal,
    pub completed_investment: Decimal,
    pub tasks: Vec<TaskLine>,
}

/// A task's row in the briefing's progress table.
#[derive(Debug, Clone, Default)]
pub struct TaskLine {
    pub code: String,
    pub title: String,
    pub lead_unit: String,
    pub due: Option<NaiveDate>,
    pub percent: Decimal,
    /// "red", "yellow", "green"; none for closed tasks.
    pub lamp: Option<&'static str>,
    /// The latest accepted report's progress text.
    pub progress: String,
}

#[derive(Debug, Clone)]
pub struct LampLine {
    pub key_work: String,
    pub code: String,
    pub title: String,
    pub lead_unit: String,
    pub due: Option<NaiveDate>,
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Clone)]
pub struct LoadLine {
    pub unit: String,
    pub load: UnitLoad,
}

#[derive(Debug, Clone, Default)]
pub struct ReportLine {
    pub key_work: String,
    pub code: String,
    pub title: String,
    pub lead_unit: String,
    pub progress: String,
    pub problems: String,
    pub next_steps: String,
    pub coordination: String,
}

#[derive(Debug, Clone)]
pub struct MilestoneLine {
    pub key_work: String,
    pub code: String,
    pub task: String,
    pub title: String,
    pub date: NaiveDate,
}

impl Facts {
    /// The sums over the chosen key works.
    pub fn totals(&self) -> KeyWorkFacts {
        let mut t = KeyWorkFacts::default();
        for k in &self.key_works {
            t.total += k.total;
            t.done += k.done;
            t.in_progress += k.in_progress;
            t.overdue += k.overdue;
            t.lamps.red += k.lamps.red;
            t.lamps.yellow += k.lamps.yellow;
            t.lamps.green += k.lamps.green;
            t.planned_investment += k.planned_investment;
            t.completed_investment += k.completed_investment;
        }
        t
    }

    /// Reports due, on time, late and returned over all units.
    pub fn load_total(&self) -> UnitLoad {
        let mut t = UnitLoad::default();
        for l in &self.load {
            t.due += l.load.due;
            t.on_time += l.load.on_time;
            t.late += l.load.late;
            t.returned += l.load.returned;
        }
        t
    }

    /// Units ranked: best on-time rate first, then fewer late, then name.
    pub fn load_ranked(&self) -> Vec<&LoadLine> {
        let mut v: Vec<&LoadLine> = self.load.iter().filter(|l| l.load.due > 0).collect();
        v.sort_by(|a, b| {
            b.load
                .on_time_percent()
                .cmp(&a.load.on_time_percent())
                .then(a.load.late.cmp(&b.load.late))
                .then(a.unit.cmp(&b.unit))
        });
        v
    }
}

/// 12000.5 → "12000.5", 3.14159 → "3.14": amounts as offices write them.
pub fn amount(d: Decimal) -> String {
    d.round_dp(2).normalize().to_string()
}

/// An investment in running text: 万元 below 1亿, 亿元 from there
/// ("288.6亿元"), as offices write large sums.
pub fn money(wan: Decimal, lang: tuijin_domain::Lang) -> String {
    let yi = Decimal::from(10_000);
    match lang {
        tuijin_domain::Lang::Zh if wan.abs() >= yi => format!("{}亿元", amount(wan / yi)),
        tuijin_domain::Lang::Zh => format!("{}万元", amount(wan)),
        tuijin_domain::Lang::En if wan.abs() >= yi => format!("CNY {} billion", amount(wan / Decimal::from(100_000))),
        tuijin_domain::Lang::En => format!("CNY {} million", amount(wan / Decimal::from(100))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(unit: &str, due: usize, on_time: usize, late: usize) -> LoadLine {
        LoadLine { unit: unit.into(), load: UnitLoad { due, on_time, late, returned: 0 } }
    }

    #[test]
    fn units_rank_by_on_time_rate_then_fewer_late_and_idle_units_drop_out() {
        let f = Facts {
            load: vec![line("乙", 4, 2, 2), line("甲", 2, 2, 0), line("丙", 0, 0, 0), line("丁", 4, 2, 1)],
            ..Default::default()
        };
        let ranked: Vec<&str> = f.load_ranked().iter().map(|l| l.unit.as_str()).collect();
        assert_eq!(ranked, ["甲", "丁", "乙"]);
        assert_eq!(f.load_total(), UnitLoad { due: 10, on_time: 6, late: 3, returned: 0 });
    }

    #[test]
    fn amounts_lose_trailing_zeros_and_keep_two_decimals() {
        assert_eq!(amount(Decimal::new(1200050, 2)), "12000.5");
        assert_eq!(amount(Decimal::new(314159, 5)), "3.14");
        assert_eq!(amount(Decimal::ZERO), "0");
    }

    #[test]
    fn large_sums_read_in_yi() {
        use tuijin_domain::Lang;
        assert_eq!(money(Decimal::from(2_886_000), Lang::Zh), "288.6亿元");
        assert_eq!(money(Decimal::new(1_250_005, 1), Lang::Zh), "12.5亿元");
        assert_eq!(money(Decimal::from(350), Lang::Zh), "350万元");
        assert_eq!(money(Decimal::from(350), Lang::En), "CNY 3.5 million");
    }
}
