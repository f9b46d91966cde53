//! 工作专报 (the upward report): prose for the higher level — overall
//! progress with its figures, each key work's highlights (milestones done
//! in the period, progress reported), problems and requests for
//! coordination, next week's plan — and the task table as an annex.

use super::briefing::{counts_sentence, investment_sentence, progress_table};
use super::facts::{Facts, ReportLine};
use super::model::Document;
use super::{issuer, period_text};
use tuijin_domain::Lang;

/// Reports with something in the chosen field, as "任务（单位）：文字".
fn items(f: &Facts, field: fn(&ReportLine) -> &str, lang: Lang) -> Vec<String> {
    f.reports
        .iter()
        .filter(|r| !field(r).trim().is_empty())
        .map(|r| match lang {
            Lang::Zh => format!("{}（{}）：{}", r.title, r.lead_unit, field(r).trim()),
            Lang::En => format!("{} ({}): {}", r.title, r.lead_unit, field(r).trim()),
        })
        .collect()
}

fn list_or(d: &mut Document, lines: Vec<String>, empty: &str) {
    if lines.is_empty() {
        d.paragraph(empty);
    }
    for (i, l) in lines.into_iter().enumerate() {
        d.paragraph(format!("{}. {l}", i + 1));
    }
}

pub fn document(f: &Facts, lang: Lang) -> Document {
    let mut d = Document::new(lang.pick("关于重点工作推进情况的报告", "Report on the Progress of Key Work"), lang);
    d.issued(issuer(lang), f.today, lang);
    let period = period_text(f.period_start, f.period_end, lang);
    d.paragraph(match lang {
        Lang::Zh => format!("现将{period}重点工作推进情况报告如下："),
        Lang::En => format!("We report the progress of key work for {period} as follows."),
    });

    d.heading(1, lang.pick("总体进展", "Overall progress"));
    let t = f.totals();
    let mut text = match lang {
        Lang::Zh => format!("纳入调度的重点工作{}项，{}", f.key_works.len(), counts_sentence(&t, lang)),
        Lang::En => format!("{} key works are supervised, with {}", f.key_works.len(), counts_sentence(&t, lang)),
    };
    if let Some(s) = investment_sentence(&t, lang) {
        text.push_str(lang.pick("；", "; "));
        text.push_str(&s);
    }
    text.push_str(match lang {
        Lang::Zh => "。",
        Lang::En => ".",
    });
    text.push_str(&match lang {
        Lang::Zh => format!("本期完成节点{}个，各单位报送进展{}条。", f.milestones_done.len(), f.reports.len()),
        Lang::En => {
            format!(
                " {} milestones were completed and {} reports sent this period.",
                f.milestones_done.len(),
                f.reports.len()
            )
        }
    });
    d.paragraph(text);

    d.heading(1, lang.pick("重点工作进展", "Progress of the key works"));
    for k in &f.key_works {
        d.heading(2, &k.name);
        let mut text = counts_sentence(k, lang);
        text.push_str(lang.pick("。", "."));
        let done: Vec<String> = f
            .milestones_done
            .iter()
            .filter(|m| m.key_work == k.name)
            .map(|m| match lang {
                Lang::Zh => format!("{}“{}”（{}）", m.task, m.title, lang.date(m.date)),
                Lang::En => format!("{} \"{}\" ({})", m.task, m.title, lang.date(m.date)),
            })
            .collect();
        if !done.is_empty() {
            text.push_str(&match lang {
                Lang::Zh => format!("本期完成节点：{}。", done.join("；")),
                Lang::En => format!(" Milestones completed: {}.", done.join("; ")),
            });
        }
        d.paragraph(text);
        for r in f.reports.iter().filter(|r| r.key_work == k.name && !r.progress.trim().is_empty()) {
            d.paragraph(match lang {
                Lang::Zh => format!("{}：{}", r.title, r.progress.trim()),
                Lang::En => format!("{}: {}", r.title, r.progress.trim()),
            });
        }
    }

    d.heading(1, lang.pick("存在问题及需协调事项", "Problems and requests for coordination"));
    d.heading(2, lang.pick("存在问题", "Problems"));
    let problems = items(f, |r| &r.problems, lang);
    list_or(&mut d, problems, lang.pick("本期各单位未报告问题。", "No problems were reported."));
    d.heading(2, lang.pick("需协调事项", "Requests for coordination"));
    let asks = items(f, |r| &r.coordination, lang);
    list_or(&mut d, asks, lang.pick("本期无需协调事项。", "No coordination was requested."));
    if !f.red.is_empty() {
        d.paragraph(match lang {
            Lang::Zh => format!("目前红灯任务{}项，已督促责任单位限期整改。", f.red.len()),
            Lang::En => {
                format!("{} red; their lead units have been told to act.", super::briefing::tasks_en(f.red.len()))
            }
        });
    }

    d.heading(1, lang.pick("下步工作计划", "Plan for next week"));
    let next = items(f, |r| &r.next_steps, lang);
    list_or(&mut d, next, lang.pick("继续按计划推进各项任务。", "Work continues as planned."));

    d.paragraph(lang.pick("附件：重点工作任务进展情况表", "Annex: progress of the key work tasks"));
    d.signature(issuer(lang), lang.date(f.today));
    d.table(progress_table(lang.pick("附件 任务进展情况表", "Annex tasks"), &f.key_works, true, lang));
    d
}
