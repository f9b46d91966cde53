//! The documents (督查通报, 工作专报, 会议纪要): their text compared with
//! committed snapshots (built from fixed, hand-made facts), the Word and
//! Excel files' layout, and — for the demo district — each .docx
//! converted to PDF by LibreOffice with the expected words found in it.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::io::{Cursor, Read};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use tuijin::documents::facts::{Facts, KeyWorkFacts, LampLine, LoadLine, MilestoneLine, ReportLine, TaskLine};
use tuijin::documents::minutes::{DecisionRow, MeetingRecord};
use tuijin::documents::{briefing, docx, minutes, upward, xlsx};
use tuijin::supervision::load::UnitLoad;
use tuijin_domain::lamp::{LampCounts, Reason};
use tuijin_domain::Lang;

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, m, day).unwrap()
}

// ------------------------------------------------------------ snapshots

/// Compares `actual` with `tests/snapshots/NAME`; on a difference prints
/// the differing lines and fails. `UPDATE_SNAPSHOTS=1` rewrites the file
/// instead (never under CI, so a changed document is always reviewed).
fn assert_snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots").join(name);
    let update = std::env::var("UPDATE_SNAPSHOTS").as_deref() == Ok("1") && std::env::var_os("CI").is_none();
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected == actual {
        return;
    }
    if update {
        std::fs::write(&path, actual).unwrap();
        eprintln!("snapshot {name} written");
        return;
    }
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let mut diff = String::new();
    for i in 0..e.len().max(a.len()) {
        let (x, y) = (e.get(i).copied(), a.get(i).copied());
        if x != y {
            diff.push_str(&format!("line {}:\n- {}\n+ {}\n", i + 1, x.unwrap_or("∅"), y.unwrap_or("∅")));
        }
    }
    panic!("snapshot {name} differs (UPDATE_SNAPSHOTS=1 cargo test --test documents to accept):\n{diff}");
}

fn task(code: &str, title: &str, unit: &str, percent: i64, lamp: Option<&'static str>, progress: &str) -> TaskLine {
    TaskLine {
        code: code.into(),
        title: title.into(),
        lead_unit: unit.into(),
        due: Some(d(12, 31)),
        percent: Decimal::from(percent),
        lamp,
        progress: progress.into(),
    }
}

/// Two key works, one red and one yellow task, three units' reporting.
fn facts() -> Facts {
    let roads = KeyWorkFacts {
        name: "二七商圈区域城市复兴".into(),
        lead_body: "区委办".into(),
        total: 3,
        done: 1,
        in_progress: 2,
        overdue: 1,
        lamps: LampCounts { green: 0, yellow: 1, red: 1 },
        planned_investment: Decimal::new(2_886_000, 0),
        completed_investment: Decimal::new(1_250_005, 1),
        tasks: vec![
            task("1", "道路有机更新", "区住建局", 45, Some("red"), "已完成7条道路改造"),
            task("2", "架空线入地", "区城管局", 100, None, "已完成"),
            task("3", "老旧小区改造", "区住建局", 60, Some("yellow"), ""),
        ],
    };
    let parks = KeyWorkFacts {
        name: "产业园区建设".into(),
        lead_body: "区发改委".into(),
        total: 1,
        in_progress: 1,
        lamps: LampCounts { green: 1, yellow: 0, red: 0 },
        tasks: vec![task("1", "园区道路", "区发改委", 30, Some("green"), "路基施工")],
        ..Default::default()
    };
    Facts {
        today: d(3, 10),
        period_start: d(3, 8),
        period_end: d(3, 14),
        issue: 2,
        key_works: vec![roads, parks],
        red: vec![LampLine {
            key_work: "二七商圈区域城市复兴".into(),
            code: "1".into(),
            title: "道路有机更新".into(),
            lead_unit: "区住建局".into(),
            due: Some(d(3, 1)),
            reasons: vec![Reason::DueDatePassed { due: d(3, 1), days: 9 }],
        }],
        yellow: vec![LampLine {
            key_work: "二七商圈区域城市复兴".into(),
            code: "3".into(),
            title: "老旧小区改造".into(),
            lead_unit: "区住建局".into(),
            due: Some(d(12, 31)),
            reasons: vec![Reason::ReportLate { days: 2 }],
        }],
        load: vec![
            LoadLine { unit: "区住建局".into(), load: UnitLoad { due: 2, on_time: 1, late: 1, returned: 1 } },
            LoadLine { unit: "区城管局".into(), load: UnitLoad { due: 1, on_time: 1, late: 0, returned: 0 } },
            LoadLine { unit: "区发改委".into(), load: UnitLoad { due: 1, on_time: 0, late: 1, returned: 0 } },
        ],
        reports: vec![ReportLine {
            key_work: "二七商圈区域城市复兴".into(),
            code: "1".into(),
            title: "道路有机更新".into(),
            lead_unit: "区住建局".into(),
            progress: "本周完成大学路改造".into(),
            problems: "管线迁改滞后".into(),
            next_steps: "推进铭功路施工".into(),
            coordination: "请区供电公司配合迁改".into(),
        }],
        milestones_done: vec![MilestoneLine {
            key_work: "二七商圈区域城市复兴".into(),
            code: "1".into(),
            task: "道路有机更新".into(),
            title: "完成前7条".into(),
            date: d(3, 9),
        }],
    }
}

fn meeting() -> MeetingRecord {
    MeetingRecord {
        title: "重点工作推进周例会".into(),
        held_on: d(3, 12),
        place: "区政府三楼会议室".into(),
        chair: "林志远".into(),
        attendees: vec!["林志远".into(), "区住建局 王建平".into(), "区城管局 陈立民".into()],
        key_works: vec!["二七商圈区域城市复兴".into()],
        minutes: "会议听取了道路有机更新进展汇报。\n会议研究了管线迁改问题。".into(),
        decisions: vec![DecisionRow {
            content: "7月底前完成铭功路管线迁改".into(),
            lead_unit: "区住建局".into(),
            supporting_units: vec!["区城管局".into(), "区供电公司".into()],
            leader: "林志远".into(),
            deadline: Some(d(7, 31)),
            task_code: Some("1-4".into()),
            status: Some("推进中".into()),
        }],
    }
}

#[test]
fn the_briefing_reads_as_its_snapshot() {
    assert_snapshot("briefing.zh-CN.txt", &briefing::document(&facts(), Lang::Zh).outline());
    assert_snapshot("briefing.en.txt", &briefing::document(&facts(), Lang::En).outline());
}

#[test]
fn the_upward_report_reads_as_its_snapshot() {
    assert_snapshot("upward.zh-CN.txt", &upward::document(&facts(), Lang::Zh).outline());
}

#[test]
fn the_minutes_read_as_their_snapshot() {
    assert_snapshot("minutes.zh-CN.txt", &minutes::document(&meeting(), Lang::Zh).outline());
    assert_snapshot("minutes.en.txt", &minutes::document(&meeting(), Lang::En).outline());
}

#[test]
fn empty_facts_still_make_whole_documents() {
    let f = Facts { today: d(3, 10), period_start: d(3, 8), period_end: d(3, 14), issue: 1, ..Default::default() };
    let b = briefing::document(&f, Lang::Zh).outline();
    for words in ["未选择重点工作", "红灯预警任务", "本期无。", "本期无应报进展"] {
        assert!(b.contains(words), "{words}: {b}");
    }
    let u = upward::document(&f, Lang::Zh).outline();
    assert!(u.contains("本期各单位未报告问题") && u.contains("继续按计划推进"), "{u}");
    let mut m = meeting();
    m.decisions.clear();
    assert!(minutes::document(&m, Lang::Zh).outline().contains("本次会议无议定事项"));
}

// ------------------------------------------------------------ files

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn the_word_file_is_laid_out_like_an_official_document() {
    let bytes = docx::write(&briefing::document(&facts(), Lang::Zh)).unwrap();
    let doc = part(&bytes, "word/document.xml");
    // A4 in twips, GB/T 9704 margins: 37 / 35 / 28 / 26 mm.
    assert!(doc.contains(r#"w:w="11906""#) && doc.contains(r#"w:h="16838""#), "A4");
    for m in [r#"w:top="2098""#, r#"w:bottom="1984""#, r#"w:left="1587""#, r#"w:right="1474""#] {
        assert!(doc.contains(m), "margin {m}");
    }
    for font in ["方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"] {
        assert!(doc.contains(&format!(r#"w:eastAsia="{font}""#)), "{font}");
    }
    assert!(doc.contains(r#"w:sz w:val="44""#) && doc.contains(r#"w:sz w:val="32""#), "二号 title, 三号 body");
    assert!(doc.contains(r#"w:line="560" w:lineRule="exact""#), "fixed 28 pt lines");
    assert!(doc.contains(r#"w:firstLine="640""#), "two-character indent");
    assert!(doc.contains("道路有机更新") && doc.contains("<w:tbl>"), "the tasks' table");
    let footer = part(&bytes, "word/footer1.xml");
    assert!(footer.contains("PAGE") && footer.contains("— ") && footer.contains("宋体"), "{footer}");
}

#[test]
fn the_excel_file_holds_one_sheet_per_table() {
    use calamine::{Data, Reader, Xlsx};
    let doc = briefing::document(&facts(), Lang::Zh);
    let bytes = xlsx::write(&doc).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    let names = book.sheet_names();
    assert_eq!(names, ["主要指标", "二七商圈区域城市复兴", "产业园区建设", "红灯任务", "黄灯任务", "填报情况"]);
    let sheet = book.worksheet_range("填报情况").unwrap();
    assert_eq!(sheet.get_value((0, 0)).unwrap().to_string(), "督查通报　填报情况");
    assert_eq!(sheet.get_value((1, 1)).unwrap().to_string(), "单位");
    assert_eq!(sheet.get_value((2, 1)).unwrap().to_string(), "区城管局", "best on-time rate first");
    assert_eq!(sheet.get_value((2, 2)), Some(&Data::Float(1.0)), "counts are numbers");
    assert!(part(&bytes, "xl/worksheets/sheet1.xml").contains(r#"orientation="landscape""#));
}

// ------------------------------------------------------------ the demo district, through LibreOffice

/// `soffice` turns the .docx into PDF (a fresh profile, so parallel runs
/// do not clash) and `pdftotext` reads it back. `None` when LibreOffice
/// is not installed — which fails under CI.
fn pdf_text(docx: &Path) -> Option<String> {
    let found = Command::new("soffice").arg("--version").output().is_ok_and(|o| o.status.success())
        && Command::new("pdftotext").arg("-v").output().is_ok();
    if !found {
        if std::env::var_os("CI").is_some() {
            panic!("soffice and pdftotext are needed (libreoffice-writer-nogui, poppler-utils; scripts/test installs them)");
        }
        eprintln!(
            "\n!!!!!!!! LibreOffice (soffice) or pdftotext is missing: the .docx → PDF check is SKIPPED !!!!!!!!\n"
        );
        return None;
    }
    let dir = docx.parent().unwrap();
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.path().display()))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .arg(docx)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("soffice starts");
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "soffice failed on {}", docx.display());
            break;
        }
        if started.elapsed() > Duration::from_secs(90) {
            child.kill().ok();
            panic!("soffice took longer than 90 s on {}", docx.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let pdf = docx.with_extension("pdf");
    let out = Command::new("pdftotext").args(["-enc", "UTF-8"]).arg(&pdf).arg("-").output().unwrap();
    assert!(out.status.success(), "pdftotext failed on {}", pdf.display());
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[tokio::test]
async fn the_demo_districts_documents_open_in_libreoffice_with_their_words() {
    let dir = tempfile::tempdir().unwrap();
    let store = tuijin::storage::connect(dir.path().join("demo.db").to_str().unwrap()).await.unwrap();
    let today = chrono::Local::now().date_naive();
    tuijin::demo::load(store.as_ref(), today).await.unwrap();
    let state = tuijin::http::AppState::new(store.clone());
    let key_works = store.list_key_works().await.unwrap();
    let choice = tuijin::documents::choice::parse(&[], &key_works, today).unwrap();
    let facts = tuijin::documents::gather::gather(&state, &choice, today).await.unwrap();

    // The gathered figures hold together.
    assert_eq!(facts.key_works.len(), key_works.len());
    let totals = facts.totals();
    let listed: usize = facts.key_works.iter().map(|k| k.tasks.len()).sum();
    assert_eq!(totals.total, listed, "every task of the chosen key works is in the tables");
    assert_eq!(totals.lamps.red, facts.red.len(), "the red list matches the red count");
    assert_eq!(totals.lamps.yellow, facts.yellow.len(), "the yellow list matches the yellow count");
    assert!(facts.red.iter().chain(&facts.yellow).all(|l| !l.reasons.is_empty()), "every lamp says why");
    // Last week's reports and milestones reach the upward report.
    let last_week = (today - chrono::Days::new(7)).to_string();
    let choice = tuijin::documents::choice::parse(&[("period".into(), last_week)], &key_works, today).unwrap();
    let before = tuijin::documents::gather::gather(&state, &choice, today).await.unwrap();
    assert!(!before.reports.is_empty(), "the demo reported last week");
    let text = upward::document(&before, Lang::Zh).outline();
    assert!(text.contains(&format!("{}：{}", before.reports[0].title, before.reports[0].progress)), "{text}");
    // Which milestones fall in last week depends on the weekday the demo is loaded on.
    assert_eq!(text.contains("本期完成节点："), !before.milestones_done.is_empty(), "{text}");
    let first = &facts.key_works[0];
    let task = first.tasks[0].title.clone();
    let unit = first.tasks[0].lead_unit.clone();

    let docs = [
        ("briefing", briefing::document(&facts, Lang::Zh), "督查通报"),
        ("upward", upward::document(&facts, Lang::Zh), "关于重点工作推进情况的报告"),
        ("minutes", minutes::document(&meeting(), Lang::Zh), "重点工作推进周例会纪要"),
    ];
    for (name, doc, title) in docs {
        let path = dir.path().join(format!("{name}.docx"));
        std::fs::write(&path, docx::write(&doc).unwrap()).unwrap();
        let Some(text) = pdf_text(&path) else { return };
        // pdftotext may put spaces between wide characters; compare without them.
        let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let (task, unit) = if name == "minutes" {
            ("7月底前完成铭功路管线迁改", "区住建局")
        } else {
            (&*task, &*unit)
        };
        for words in [title, task, unit, "—1—"] {
            let words: String = words.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(flat.contains(&words), "{name}: {words:?} not in the PDF:\n{text}");
        }
    }
}
