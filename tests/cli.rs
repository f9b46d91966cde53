//! The `tuijin` binary as a user runs it.

mod common;

use common::process::{bin, stderr, stdout, token, tuijin, Server};
use std::io::Write;
use std::process::{Command, Output, Stdio};

#[test]
fn migrate_demo_user_token_and_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let db = db.to_str().unwrap();

    let o = tuijin(db, &["migrate"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("migrations applied (sqlite)"));

    let o = tuijin(db, &["demo"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("5 key works"), "{}", stdout(&o));
    let o = tuijin(db, &["demo"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("already holds a ledger"));

    // A liaison with a password from standard input.
    let mut child = Command::new(bin())
        .args([
            "--database-url",
            db,
            "user",
            "add",
            "zhangqian",
            "--role",
            "liaison",
            "--unit",
            "区城市管理局",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"a long password\n").unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = tuijin(db, &["user", "add", "x", "--role", "wizard"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("unknown role"), "{}", stderr(&o));
    let o = tuijin(db, &["user", "add", "y", "--role", "liaison"]);
    assert!(stderr(&o).contains("liaison must be bound to a unit"), "{}", stderr(&o));
    let o = tuijin(db, &["user", "list"]);
    assert!(stdout(&o).contains("zhangqian\tliaison"));

    // The token command prints only the token, for scripts.
    let o = tuijin(db, &["token", "create", "--user", "zhangqian"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1);
    assert!(out.trim().starts_with("tj_") && out.trim().len() == 43, "{out}");
    assert!(!tuijin(db, &["token", "create", "--user", "nobody"]).status.success());

    let copy = dir.path().join("copy.db");
    let o = tuijin(db, &["backup", copy.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = tuijin(copy.to_str().unwrap(), &["user", "list"]);
    assert!(stdout(&o).contains("zhangqian"), "the backup holds the data");
    let o = tuijin(db, &["backup", copy.to_str().unwrap()]);
    assert!(!o.status.success(), "an existing file is never overwritten");
}

#[tokio::test]
async fn serve_demo_prints_the_address_and_logins_and_answers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("serve.db");
    let db = db.to_str().unwrap().to_string();
    let server = Server::start(&db, &["--demo"]);
    let (addr, printed) = (&server.addr, &server.printed);
    let text = printed.join("\n");
    for who in ["admin", "supervisor", "leader", "liaison"] {
        assert!(text.contains(who), "demo login {who} printed: {text}");
    }
    assert!(text.contains(tuijin::demo::PASSWORD));

    let token = token(&db, "leader");
    let client = reqwest::Client::new();
    let health = client.get(format!("{addr}/healthz")).send().await.unwrap();
    assert_eq!(health.text().await.unwrap(), "ok");
    let page: serde_json::Value = client
        .get(format!("{addr}/api/v1/tasks?overdue=true"))
        .bearer_auth(token.trim())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(page["total"].as_i64().unwrap() > 0, "{page}");
}

#[test]
fn report_writes_the_documents_of_the_demo_district() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let db = db.to_str().unwrap();
    assert!(tuijin(db, &["demo"]).status.success());
    let out = |name: &str| dir.path().join(name).to_str().unwrap().to_string();

    let file = out("briefing.docx");
    let o = tuijin(db, &["report", "briefing", "-o", &file]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("督查通报 written to"), "{}", stdout(&o));
    assert!(std::fs::read(&file).unwrap().starts_with(b"PK"), "a .docx is a zip");

    let file = out("upward.xlsx");
    let o = tuijin(
        db,
        &["report", "upward", "--key-work", "二七商圈区域城市复兴", "--format", "xlsx", "--lang", "en", "-o", &file],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Report on the Progress of Key Work"), "{}", stdout(&o));

    let file = out("briefing.html");
    let o = tuijin(db, &["report", "briefing", "--format", "html", "-o", &file]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read_to_string(&file).unwrap().contains("<h1 class=\"title\">督查通报</h1>"));

    let record = out("meeting.json");
    std::fs::write(
        &record,
        r#"{"title": "重点工作推进周例会", "held_on": "2021-03-12", "place": "三楼会议室", "chair": "林志远",
            "attendees": ["林志远"], "key_works": [], "minutes": "听取汇报。",
            "decisions": [{"content": "完成管线迁改", "lead_unit": "区住建局", "leader": "林志远", "deadline": "2021-07-31"}]}"#,
    )
    .unwrap();
    let o = tuijin(db, &["report", "minutes", "--from-json", &record, "-o", &out("minutes.docx")]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("重点工作推进周例会纪要"), "{}", stdout(&o));

    let o = tuijin(db, &["report", "briefing", "--period", "2021-02-30", "-o", &out("x.docx")]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("填报周期格式不正确"), "{}", stderr(&o));
    let o = tuijin(db, &["report", "briefing", "--key-work", "无此工作", "--lang", "en", "-o", &out("x.docx")]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("no such key work (无此工作)"), "{}", stderr(&o));
}

/// `tuijin import`: problems printed by sheet, row and column with nothing
/// written, then the same file with --create-missing goes in.
#[test]
fn import_prints_every_problem_then_writes_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let db = db.to_str().unwrap();
    assert!(tuijin(db, &["demo"]).status.success());
    let file = dir.path().join("台账.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("基础设施建设").unwrap();
    for (c, h) in ["序号", "工作任务", "责任领导", "责任单位", "完成时限"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["99", "雨污分流改造", "林志远", "区排水中心", "2027年6月底"].iter().enumerate() {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    for (c, v) in ["100", "管网巡查", "林志远", "区排水中心", "尽快"].iter().enumerate() {
        ws.write_string(2, c as u16, *v).unwrap();
    }
    wb.save(&file).unwrap();
    let path = file.to_str().unwrap();

    let o = tuijin(db, &["import", path]);
    assert!(!o.status.success());
    let out = stdout(&o);
    assert!(out.contains("工作表「基础设施建设」第2行 D列（责任单位）：单位“区排水中心”不存在"), "{out}");
    assert!(out.contains("工作表「基础设施建设」第3行 E列（完成时限）：“尽快”不是可识别的日期"), "{out}");
    assert!(stderr(&o).contains("未写入任何内容"), "{}", stderr(&o));

    // With the date fixed and the unit created, it goes in.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("基础设施建设").unwrap();
    for (c, h) in ["序号", "工作任务", "责任领导", "责任单位", "完成时限"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in [
        ["99", "雨污分流改造", "林志远", "区排水中心", "2027年6月底"],
        ["100", "管网巡查", "林志远", "区排水中心", "长期坚持"],
    ]
    .iter()
    .enumerate()
    {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    wb.save(&file).unwrap();
    let o = tuijin(db, &["import", path, "--create-missing", "--lang", "en"]);
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("imported: 2 tasks created"), "{}", stdout(&o));
    let o = tuijin(db, &["import", path, "--dry-run"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("新增任务 0，更新任务 0，无变化 2"), "re-importing changes nothing: {}", stdout(&o));
}

/// Runs `tuijin` with `input` on standard input.
fn tuijin_with_input(db: &str, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(bin())
        .arg("--database-url")
        .arg(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn accounts_and_tokens_can_be_taken_back_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let db = db.to_str().unwrap();
    assert!(tuijin(db, &["migrate"]).status.success());

    // Without --password-stdin an account gets a strong password, shown once
    // (it used to get none at all).
    let o = tuijin(db, &["user", "add", "ops", "--role", "admin"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let password = out.lines().find_map(|l| l.strip_prefix("password: ")).expect("the password is printed");
    assert_eq!(password.chars().count(), 16, "{out}");
    // An API-only account, on purpose.
    let o = tuijin(db, &["user", "add", "robot", "--role", "leader", "--no-password"]);
    assert!(o.status.success() && !stdout(&o).contains("password:"), "{}", stdout(&o));
    // Passwords people guess are refused, in words.
    for weak in ["password\n", "        \n", "12345678\n"] {
        let o = tuijin_with_input(db, &["user", "add", "weak", "--role", "leader", "--password-stdin"], weak);
        assert!(!o.status.success(), "{weak:?}");
        assert!(stderr(&o).contains("password"), "{}", stderr(&o));
    }
    let o = tuijin_with_input(db, &["user", "password", "ops"], "river-lamp-stone-9\n");
    assert!(o.status.success(), "{}", stderr(&o));

    // Tokens: made with a name and an expiry, listed, revoked.
    let o = tuijin(db, &["token", "create", "--user", "robot", "--name", "市平台对接", "--expires-in-days", "30"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let token = stdout(&o).trim().to_string();
    let o = tuijin(db, &["token", "list", "--user", "robot"]);
    let listed = stdout(&o);
    let line = listed.lines().find(|l| l.contains("市平台对接")).unwrap_or_else(|| panic!("{listed}"));
    assert!(line.contains("\trobot\t") && line.ends_with("\tunused") && !line.contains("never"), "{line}");
    assert!(!listed.contains(&token), "never shown again");
    let id = line.split('\t').next().unwrap();
    let o = tuijin(db, &["token", "create", "--user", "robot", "--expires-in-days", "0"]);
    assert!(!o.status.success() && stderr(&o).contains("days valid"), "{}", stderr(&o));
    let o = tuijin(db, &["token", "revoke", id]);
    assert!(o.status.success() && stdout(&o).contains("revoked"), "{}", stderr(&o));
    assert!(!stdout(&tuijin(db, &["token", "list"])).contains("市平台对接"));

    tuijin(db, &["token", "create", "--user", "robot"]);
    let o = tuijin(db, &["user", "sign-out", "robot"]);
    assert!(stdout(&o).contains("robot: 0 sessions ended, 1 API tokens revoked"), "{}", stdout(&o));
}

/// `tuijin import` of the attack's files (issue 11) under a 1 GiB address
/// space: each is refused with the limit and the sheet or part named, and
/// nothing aborts (the old reader asked for 4–105 GB on these).
#[test]
fn import_refuses_hostile_workbooks_within_bounded_memory() {
    use common::workbooks::*;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let db = db.to_str().unwrap();
    assert!(tuijin(db, &["migrate"]).status.success());
    for (name, bytes, expected) in [
        ("wide.xlsx", one_cell_per_row(100_000, 16_383), "工作表「台账」第1行有内容超出第200列，台账最多读取200列"),
        ("strings.xlsx", one_huge_shared_string(300 << 20), "文件中的“xl/sharedStrings.xml”有一段文字超过256 KB"),
        ("merges.xlsx", merged_over_everything(20_000, 50_000, "A1:A20000"), "工作表「台账」：合并单元格超过40万处"),
        ("declared.xlsx", declared_strings(4_000_000_000), "uniqueCount"),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        let o = Command::new("sh")
            .arg("-c")
            .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
            .arg(bin())
            .args(["--database-url", db, "import", file.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{name}: refused, not killed: {}", stderr(&o));
        assert!(stderr(&o).contains(expected), "{name}: {}", stderr(&o));
    }
}
