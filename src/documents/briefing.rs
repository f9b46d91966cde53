//! 督查通报 (the weekly briefing): the figures of the period, each key
//! work's tasks with their latest progress, the red and yellow lists with
//! the reasons, and the units ranked by on-time reporting.

use super::facts::{amount, money, Facts, KeyWorkFacts, LampLine};
use super::model::{Document, Table};
use super::{issuer, period_text};
use tuijin_domain::Lang;

/// "红灯" / "red": the lamp as a word in a table cell.
pub fn lamp_word(lamp: Option<&str>, lang: Lang) -> &'static str {
    match lamp {
        Some("red") => lang.pick("红灯", "red"),
        Some("yellow") => lang.pick("黄灯", "yellow"),
        Some("green") => lang.pick("绿灯", "green"),
        _ => "",
    }
}

/// "1 task", "3 tasks".
pub fn tasks_en(n: usize) -> String {
    format!("{n} task{}", if n == 1 { "" } else { "s" })
}

/// "共12项任务，已完成3项，推进中8项；红灯1项、黄灯2项、绿灯6项": the
/// counts of a key work or of all of them.
pub fn counts_sentence(k: &KeyWorkFacts, lang: Lang) -> String {
    let l = &k.lamps;
    match lang {
        Lang::Zh => format!(
            "共{}项任务，已完成{}项，推进中{}项，逾期{}项；红灯{}项、黄灯{}项、绿灯{}项",
            k.total, k.done, k.in_progress, k.overdue, l.red, l.yellow, l.green
        ),
        Lang::En => format!(
            "{}: {} done, {} in progress, {} overdue; {} red, {} yellow, {} green",
            tasks_en(k.total),
            k.done,
            k.in_progress,
            k.overdue,
            l.red,
            l.yellow,
            l.green
        ),
    }
}

/// "计划投资X万元，已完成Y万元（Z%）", or nothing without planned investment.
pub fn investment_sentence(k: &KeyWorkFacts, lang: Lang) -> Option<String> {
    if k.planned_investment.is_zero() {
        return None;
    }
    let share = (k.completed_investment * rust_decimal::Decimal::ONE_HUNDRED / k.planned_investment).round_dp(1);
    Some(match lang {
        Lang::Zh => format!(
            "计划投资{}，已完成投资{}，完成{}%",
            money(k.planned_investment, lang),
            money(k.completed_investment, lang),
            share.normalize()
        ),
        Lang::En => format!(
            "investment planned {}, completed {} ({}%)",
            money(k.planned_investment, lang),
            money(k.completed_investment, lang),
            share.normalize()
        ),
    })
}

fn figures(f: &Facts, lang: Lang) -> (String, Table) {
    let t = f.totals();
    let load = f.load_total();
    let rate = load.on_time_percent().map(|p| format!("{p}%")).unwrap_or_else(|| "—".into());
    let mut text = match lang {
        Lang::Zh => format!("本期调度重点工作{}项，{}。", f.key_works.len(), counts_sentence(&t, lang)),
        Lang::En => format!("This period covers {} key works with {}.", f.key_works.len(), counts_sentence(&t, lang)),
    };
    text.push_str(&match lang {
        Lang::Zh => format!(
            "本期应报进展{}项，按时报送{}项，逾期{}项，被退回{}项，按时率{rate}。",
            load.due, load.on_time, load.late, load.returned
        ),
        Lang::En => format!(
            " Reports due: {}; on time {}, late {}, returned {}; on-time rate {rate}.",
            load.due, load.on_time, load.late, load.returned
        ),
    });
    if let Some(s) = investment_sentence(&t, lang) {
        text.push_str(&match lang {
            Lang::Zh => format!("{s}。"),
            Lang::En => format!(" The {s}."),
        });
    }
    let mut table = Table::new(
        lang.pick("主要指标", "Figures"),
        &[(lang.pick("指标", "Figure"), 3), (lang.pick("数值", "Value"), 2)],
    );
    let rows: [(&str, &str, String); 13] = [
        ("重点工作（项）", "Key works", f.key_works.len().to_string()),
        ("工作任务（项）", "Tasks", t.total.to_string()),
        ("已完成（项）", "Done", t.done.to_string()),
        ("推进中（项）", "In progress", t.in_progress.to_string()),
        ("红灯（项）", "Red", t.lamps.red.to_string()),
        ("黄灯（项）", "Yellow", t.lamps.yellow.to_string()),
        ("绿灯（项）", "Green", t.lamps.green.to_string()),
        ("应报进展（项）", "Reports due", load.due.to_string()),
        ("按时报送（项）", "On time", load.on_time.to_string()),
        ("逾期报送（项）", "Late", load.late.to_string()),
        ("按时率", "On-time rate", rate),
        ("计划投资（万元）", "Planned investment (10k CNY)", amount(t.planned_investment)),
        ("完成投资（万元）", "Completed investment (10k CNY)", amount(t.completed_investment)),
    ];
    for (zh, en, v) in rows {
        table.row(vec![lang.pick(zh, en).to_string(), v]);
    }
    (text, table)
}

/// The tasks' progress: one key work's (the briefing) or, with a key
/// work column first, all of them (the upward report's annex).
pub fn progress_table(caption: &str, key_works: &[KeyWorkFacts], with_key_work: bool, lang: Lang) -> Table {
    let mut columns = vec![
        (lang.pick("序号", "Code"), 3),
        (lang.pick("工作任务", "Task"), 8),
        (lang.pick("责任单位", "Lead unit"), 6),
        (lang.pick("完成时限", "Due"), 6),
        (lang.pick("进度（%）", "Done (%)"), 4),
        (lang.pick("灯色", "Lamp"), 3),
        (lang.pick("最新进展", "Latest progress"), 10),
    ];
    let first = usize::from(with_key_work);
    if with_key_work {
        columns.insert(0, (lang.pick("重点工作", "Key work"), 6));
    }
    let mut t = Table::new(caption, &columns).numbers(&[first + 4]);
    for k in key_works {
        for task in &k.tasks {
            let row = vec![
                task.code.clone(),
                task.title.clone(),
                task.lead_unit.clone(),
                task.due.map(|d| lang.date(d)).unwrap_or_default(),
                task.percent.normalize().to_string(),
                lamp_word(task.lamp, lang).to_string(),
                task.progress.clone(),
            ];
            t.row(if with_key_work { [vec![k.name.clone()], row].concat() } else { row });
        }
    }
    t
}

/// The red or yellow list as a table; `None` when empty.
pub fn lamp_table(caption: &str, lines: &[LampLine], lang: Lang) -> Option<Table> {
    if lines.is_empty() {
        return None;
    }
    let mut t = Table::new(
        caption,
        &[
            (lang.pick("重点工作", "Key work"), 6),
            (lang.pick("序号", "Code"), 3),
            (lang.pick("工作任务", "Task"), 8),
            (lang.pick("责任单位", "Lead unit"), 6),
            (lang.pick("完成时限", "Due"), 6),
            (lang.pick("原因", "Why"), 12),
        ],
    );
    let sep = lang.pick("；", "; ");
    for l in lines {
        t.row(vec![
            l.key_work.clone(),
            l.code.clone(),
            l.title.clone(),
            l.lead_unit.clone(),
            l.due.map(|d| lang.date(d)).unwrap_or_default(),
            l.reasons.iter().map(|r| r.text(lang)).collect::<Vec<_>>().join(sep),
        ]);
    }
    Some(t)
}

fn load_table(f: &Facts, lang: Lang) -> Table {
    let mut t = Table::new(
        lang.pick("填报情况", "Reporting"),
        &[
            (lang.pick("排名", "Rank"), 3),
            (lang.pick("单位", "Unit"), 10),
            (lang.pick("应报", "Due"), 3),
            (lang.pick("按时", "On time"), 3),
            (lang.pick("逾期", "Late"), 3),
            (lang.pick("被退回", "Returned"), 4),
            (lang.pick("按时率", "On-time rate"), 4),
        ],
    )
    .numbers(&[0, 2, 3, 4, 5]);
    for (i, l) in f.load_ranked().into_iter().enumerate() {
        let p = l.load.on_time_percent().map(|p| format!("{p}%")).unwrap_or_default();
        let n = [l.load.due, l.load.on_time, l.load.late, l.load.returned].map(|n| n.to_string());
        t.row([vec![(i + 1).to_string(), l.unit.clone()], n.to_vec(), vec![p]].concat());
    }
    t
}

/// The weekly briefing.
pub fn document(f: &Facts, lang: Lang) -> Document {
    let mut d = Document::new(lang.pick("督查通报", "Supervision Briefing"), lang);
    d.issue = Some(match lang {
        Lang::Zh => format!("第{}期", f.issue),
        Lang::En => format!("No. {}", f.issue),
    });
    d.issued(issuer(lang), f.today, lang);
    let period = period_text(f.period_start, f.period_end, lang);
    d.paragraph(match lang {
        Lang::Zh => format!("现将{period}重点工作推进情况通报如下。"),
        Lang::En => format!("This briefing reports the progress of key work for {period}."),
    });

    d.heading(1, lang.pick("总体情况", "Overview"));
    let (text, table) = figures(f, lang);
    d.paragraph(text);
    d.table(table);

    d.heading(1, lang.pick("各项重点工作推进情况", "Progress of each key work"));
    if f.key_works.is_empty() {
        d.paragraph(lang.pick("未选择重点工作。", "No key work was chosen."));
    }
    for k in &f.key_works {
        let head = match lang {
            Lang::Zh if !k.lead_body.is_empty() => format!("{}（牵头：{}）", k.name, k.lead_body),
            Lang::En if !k.lead_body.is_empty() => format!("{} (led by {})", k.name, k.lead_body),
            _ => k.name.clone(),
        };
        d.heading(2, &head);
        let mut text = counts_sentence(k, lang);
        if let Some(s) = investment_sentence(k, lang) {
            text.push_str(lang.pick("；", "; "));
            text.push_str(&s);
        }
        text.push_str(lang.pick("。", "."));
        d.paragraph(text);
        d.table(progress_table(&k.name, std::slice::from_ref(k), false, lang));
    }

    d.heading(1, lang.pick("红灯预警任务", "Red tasks"));
    lamp_section(&mut d, lang.pick("红灯任务", "Red"), &f.red, lang);
    d.heading(1, lang.pick("黄灯提示任务", "Yellow tasks"));
    lamp_section(&mut d, lang.pick("黄灯任务", "Yellow"), &f.yellow, lang);

    d.heading(1, lang.pick("各单位填报情况", "Reporting by unit"));
    if f.load_ranked().is_empty() {
        d.paragraph(lang.pick("本期无应报进展。", "No reports were due this period."));
    } else {
        d.paragraph(lang.pick(
            "按本期按时报送率排名，按时率相同的按逾期数由少到多排列。",
            "Ranked by this period's on-time rate; ties by fewer late reports.",
        ));
        d.table(load_table(f, lang));
    }
    d.signature(issuer(lang), lang.date(f.today));
    d
}

fn lamp_section(d: &mut Document, caption: &str, lines: &[LampLine], lang: Lang) {
    match lamp_table(caption, lines, lang) {
        Some(t) => {
            d.paragraph(match lang {
                Lang::Zh => format!("共{}项，请责任单位抓紧推进，并在下期报告整改情况。", lines.len()),
                Lang::En => {
                    format!("{}; the lead units are to act and report in the next period.", tasks_en(lines.len()))
                }
            });
            d.table(t);
        }
        None => d.paragraph(lang.pick("本期无。", "None this period.")),
    }
}
