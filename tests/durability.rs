//! Durability on SQLite, proven by crashing the real binary: `kill -9`
//! (SIGKILL — no destructor, rollback or checkpoint runs) in the middle of
//! a storm of writes to the server and in the middle of an import, then the
//! same file opened again and held to what was acknowledged.
//!
//! What a killed process proves: the kernel keeps every write the process
//! handed it, so these tests hold the program to its part — a write is
//! acknowledged only once committed, a transaction is all or nothing, a
//! crashed file opens intact. A power cut also needs the data on the disk
//! (`synchronous`); no test of a process can show that.

mod common;

use common::process::{bin, stderr, token, tuijin, Server};
use common::task_body;
use rand::Rng;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::Connection;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// Both tests time their kills against the speed of the machine, measured
/// as they go; beside each other on two cores they would skew each other.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The file opened by the test itself, as another program would.
async fn open(db: &str) -> SqliteConnection {
    SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(db)).await.expect("the database opens")
}

/// SQLite's own check of every page and index, and of every foreign key.
async fn assert_intact(conn: &mut SqliteConnection, what: &str) {
    let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("{what}: integrity_check: {e}"));
    assert_eq!(integrity, ["ok"], "{what}: integrity_check");
    let dangling = sqlx::query("PRAGMA foreign_key_check").fetch_all(&mut *conn).await.unwrap();
    assert!(dangling.is_empty(), "{what}: {} rows with a dangling foreign key", dangling.len());
}

async fn count(conn: &mut SqliteConnection, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&mut *conn).await.unwrap()
}

// ---------------------------------------------------------------------------
// 1. A storm of writers, the server killed under it, three times.

const WRITERS: usize = 8;
const ROUNDS: usize = 3;
/// Each created task is then updated this many times, by its creator.
const UPDATES: i64 = 2;

/// What the update that makes `version` writes, so a stored row tells
/// which write it holds (version 1 is the create: no description, 20 %).
fn description(code: &str, version: i64) -> String {
    if version == 1 {
        String::new()
    } else {
        format!("{code} 第{}次更新", version - 1)
    }
}

fn percent(version: i64) -> i64 {
    20 + 10 * (version - 1)
}

/// A task as the writers sent it.
#[derive(Debug, Clone)]
struct Sent {
    code: String,
    key_work: i64,
    unit: i64,
    leader: i64,
}

/// A task the server has acknowledged (or a later check found stored).
#[derive(Debug)]
struct Known {
    sent: Sent,
    /// The last version the server acknowledged.
    version: i64,
    /// An update to `version + 1` sent and not answered.
    in_flight: bool,
}

#[derive(Default)]
struct Ledger {
    tasks: BTreeMap<i64, Known>,
    /// Creates sent and not answered, by code.
    creating: BTreeMap<String, Sent>,
    acked_creates: usize,
    acked_updates: usize,
    /// Answers that were neither a success nor the server dying.
    refused: Vec<String>,
}

/// Ids of the demo district's key works, units and people.
struct Refs {
    key_works: Vec<i64>,
    units: Vec<i64>,
    people: Vec<i64>,
}

async fn ids(client: &Client, addr: &str, token: &str, what: &str) -> Vec<i64> {
    let list: Vec<Value> =
        client.get(format!("{addr}/api/v1/{what}")).bearer_auth(token).send().await.unwrap().json().await.unwrap();
    list.iter().map(|v| v["id"].as_i64().unwrap()).collect()
}

/// What every writer of a round shares.
#[derive(Clone)]
struct Storm {
    client: Client,
    addr: String,
    token: String,
    refs: Arc<Refs>,
    ledger: Arc<Mutex<Ledger>>,
}

/// One writer: creates a task, updates it, again, until the server dies.
/// A write counts as acknowledged once its whole success answer arrived.
async fn writer(storm: Storm, round: usize, w: usize) {
    let Storm { client, addr, token, refs, ledger } = storm;
    for n in 0.. {
        let sent = Sent {
            code: format!("S{round}-{w}-{n}"),
            key_work: refs.key_works[(w + n) % refs.key_works.len()],
            unit: refs.units[(w * 7 + n) % refs.units.len()],
            leader: refs.people[(w * 3 + n) % refs.people.len()],
        };
        ledger.lock().unwrap().creating.insert(sent.code.clone(), sent.clone());
        let body = task_body(sent.key_work, &sent.code, sent.unit, sent.leader);
        let Ok(res) = client.post(format!("{addr}/api/v1/tasks")).bearer_auth(&token).json(&body).send().await else {
            return;
        };
        let status = res.status();
        let Ok(created) = res.json::<Value>().await else { return };
        let Some(id) = created["id"].as_i64().filter(|_| status == StatusCode::CREATED) else {
            ledger.lock().unwrap().refused.push(format!("POST {}: {status} {created}", sent.code));
            return;
        };
        {
            let mut l = ledger.lock().unwrap();
            l.creating.remove(&sent.code);
            l.acked_creates += 1;
            l.tasks.insert(id, Known { sent: sent.clone(), version: 1, in_flight: false });
        }
        for version in 2..=1 + UPDATES {
            ledger.lock().unwrap().tasks.get_mut(&id).unwrap().in_flight = true;
            let patch = json!({
                "version": version - 1,
                "description": description(&sent.code, version),
                "percent_complete": percent(version).to_string(),
            });
            let Ok(res) =
                client.patch(format!("{addr}/api/v1/tasks/{id}")).bearer_auth(&token).json(&patch).send().await
            else {
                return;
            };
            let status = res.status();
            let Ok(answer) = res.json::<Value>().await else { return };
            if status != StatusCode::OK || answer["version"] != version {
                ledger.lock().unwrap().refused.push(format!("PATCH {}: {status} {answer}", sent.code));
                return;
            }
            let mut l = ledger.lock().unwrap();
            let t = l.tasks.get_mut(&id).unwrap();
            (t.version, t.in_flight) = (version, false);
            l.acked_updates += 1;
        }
    }
}

/// A storm task as stored, with its leaders and history.
#[derive(sqlx::FromRow, Debug)]
struct Stored {
    id: i64,
    code: String,
    title: String,
    key_work_id: i64,
    lead_unit_id: i64,
    leaders: Option<String>,
    version: i64,
    description: String,
    percent_complete: i64,
    /// History lines of the create that name its title.
    created: i64,
    /// History lines of updates, per field.
    described: i64,
    percented: i64,
    last_description: Option<String>,
}

const STORED: &str = "SELECT t.id, t.code, t.title, t.key_work_id, t.lead_unit_id,
        (SELECT group_concat(person_id) FROM task_leaders l WHERE l.task_id = t.id) AS leaders,
        t.version, t.description, t.percent_complete,
        (SELECT count(*) FROM history h WHERE h.task_id = t.id AND h.entity = 'task' AND h.entity_id = t.id AND h.action = 'create'
            AND h.field = 'title' AND h.new_value = t.title) AS created,
        (SELECT count(*) FROM history h WHERE h.task_id = t.id AND h.entity = 'task' AND h.entity_id = t.id AND h.action = 'update'
            AND h.field = 'description') AS described,
        (SELECT count(*) FROM history h WHERE h.task_id = t.id AND h.entity = 'task' AND h.entity_id = t.id AND h.action = 'update'
            AND h.field = 'percent_complete') AS percented,
        (SELECT new_value FROM history h WHERE h.task_id = t.id AND h.entity = 'task' AND h.entity_id = t.id AND h.action = 'update'
            AND h.field = 'description' ORDER BY h.id DESC LIMIT 1) AS last_description
    FROM tasks t WHERE t.code LIKE 'S%' ORDER BY t.id";

/// After a restart: every acknowledged write is there, whole, with its
/// history; a write in flight is there whole or not at all. What was
/// found becomes known, so later rounds hold it too. Returns how many
/// unacknowledged creates and updates were found stored.
async fn check_storm(db: &str, server: &Server, token: &str, ledger: &mut Ledger, round: usize) -> (usize, usize) {
    let what = format!("after kill {round}");
    let mut conn = open(db).await;
    assert_intact(&mut conn, &what).await;
    let orphans = count(
        &mut conn,
        "SELECT count(*) FROM tasks t WHERE NOT EXISTS
            (SELECT 1 FROM history h WHERE h.task_id = t.id AND h.entity = 'task' AND h.entity_id = t.id AND h.action = 'create')",
    )
    .await;
    assert_eq!(orphans, 0, "{what}: tasks without the history line of their create");
    let total = count(&mut conn, "SELECT count(*) FROM tasks").await;
    let stored: Vec<Stored> = sqlx::query_as(STORED).fetch_all(&mut conn).await.unwrap();
    conn.close().await.unwrap();

    let stored: BTreeMap<i64, Stored> = stored.into_iter().map(|s| (s.id, s)).collect();
    for (id, known) in &ledger.tasks {
        assert!(stored.contains_key(id), "{what}: acknowledged task {} (id {id}) is gone", known.sent.code);
    }
    let (mut late_creates, mut late_updates) = (0, 0);
    for s in stored.values() {
        let known = match ledger.tasks.get_mut(&s.id) {
            Some(k) => k,
            None => {
                // A create in flight when the server died, committed.
                let sent = ledger.creating.remove(&s.code).unwrap_or_else(|| panic!("{what}: unknown task {s:?}"));
                late_creates += 1;
                // Its writer stopped there, so nothing updated it since.
                ledger.tasks.entry(s.id).or_insert(Known { sent, version: 1, in_flight: false })
            }
        };
        let sent = &known.sent;
        assert_eq!(
            (&s.code, &s.title, s.key_work_id, s.lead_unit_id, s.leaders.as_deref()),
            (
                &sent.code,
                &format!("道路有机更新 {}", sent.code),
                sent.key_work,
                sent.unit,
                Some(&*sent.leader.to_string())
            ),
            "{what}: the fields of task {}",
            s.id
        );
        let may = if known.in_flight { known.version + 1 } else { known.version };
        assert!(
            (known.version..=may).contains(&s.version),
            "{what}: task {} holds version {}, acknowledged {}{}",
            s.code,
            s.version,
            known.version,
            if known.in_flight { " (+1 in flight)" } else { "" }
        );
        assert_eq!(
            (s.description.as_str(), s.percent_complete),
            (description(&s.code, s.version).as_str(), percent(s.version) * 10_000),
            "{what}: task {} at version {} holds another write's values",
            s.code,
            s.version
        );
        assert_eq!(s.created, 1, "{what}: task {} has {} create lines naming its title", s.code, s.created);
        assert_eq!(
            (s.described, s.percented),
            (s.version - 1, s.version - 1),
            "{what}: task {} at version {} has update lines (description, percent) ",
            s.code,
            s.version
        );
        if s.version > 1 {
            assert_eq!(s.last_description.as_deref(), Some(s.description.as_str()), "{what}: {}", s.code);
        }
        if s.version > known.version {
            late_updates += 1;
        }
        (known.version, known.in_flight) = (s.version, false);
    }
    // The creates not found were never acknowledged: they may be lost.
    ledger.creating.clear();

    // The restarted server serves what the file holds: every task counted,
    // and the last acknowledged write of each writer read back.
    let client = Client::new();
    let get = |path: String| client.get(format!("{}/api/v1{path}", server.addr)).bearer_auth(token).send();
    let page: Value = get("/tasks?per_page=1".into()).await.unwrap().json().await.unwrap();
    assert_eq!(page["total"], total, "{what}: the server's count of tasks");
    for (id, known) in ledger.tasks.iter().rev().take(2 * WRITERS) {
        let task: Value = get(format!("/tasks/{id}")).await.unwrap().json().await.unwrap();
        assert_eq!(
            (&task["version"], &task["description"]),
            (&json!(known.version), &json!(description(&known.sent.code, known.version))),
            "{what}: GET /tasks/{id}"
        );
    }
    (late_creates, late_updates)
}

#[tokio::test]
async fn acknowledged_writes_survive_kill_9_of_the_server_under_eight_writers() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("storm.db").to_str().unwrap().to_string();
    let o = tuijin(&db, &["demo"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let token = token(&db, "supervisor");
    // The reminder rounds are writers of their own, not the ones counted.
    let serve = ["--worker", "off"];
    let mut server = Server::start(&db, &serve);
    let client = Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
    let refs = Arc::new(Refs {
        key_works: ids(&client, &server.addr, &token, "key-works").await,
        units: ids(&client, &server.addr, &token, "units").await,
        people: ids(&client, &server.addr, &token, "people").await,
    });
    let mut ledger = Ledger::default();
    let mut acked = (0, 0);
    for round in 1..=ROUNDS {
        let storm = Storm {
            client: client.clone(),
            addr: server.addr.clone(),
            token: token.clone(),
            refs: refs.clone(),
            ledger: Arc::new(Mutex::new(std::mem::take(&mut ledger))),
        };
        let writers: Vec<_> = (0..WRITERS).map(|w| tokio::spawn(writer(storm.clone(), round, w))).collect();
        let after = Duration::from_millis(rand::thread_rng().gen_range(1000..=3000));
        tokio::time::sleep(after).await;
        server.kill();
        for w in writers {
            w.await.unwrap();
        }
        ledger = Arc::try_unwrap(storm.ledger).ok().unwrap().into_inner().unwrap();
        assert!(ledger.refused.is_empty(), "round {round}: the server refused writes: {:?}", ledger.refused);
        let in_flight_updates = ledger.tasks.values().filter(|t| t.in_flight).count();
        let in_flight_creates = ledger.creating.len();
        let (creates, updates) = (ledger.acked_creates - acked.0, ledger.acked_updates - acked.1);
        acked = (ledger.acked_creates, ledger.acked_updates);
        server = Server::start(&db, &serve);
        let (late_creates, late_updates) = check_storm(&db, &server, &token, &mut ledger, round).await;
        println!(
            "storm round {round}: SIGKILL {:.2} s into {WRITERS} writers, who had {creates} creates and {updates} \
             updates acknowledged; of the {in_flight_creates} creates and {in_flight_updates} updates in flight, \
             {late_creates} and {late_updates} were stored whole; restarted on the same file: all {} tasks written \
             so far are there with their fields and history, integrity ok",
            after.as_secs_f64(),
            ledger.tasks.len(),
        );
        assert!(creates > 0, "round {round}: no write was acknowledged before the kill");
    }
    println!("storm: {ROUNDS} rounds in {:.1} s", started.elapsed().as_secs_f64());
}

// ---------------------------------------------------------------------------
// 2. An import killed at points spread over its write.

/// Rows of the workbook: with their descriptions, enough that the write
/// outgrows SQLite's page cache (8 MB) and spills into the WAL before its
/// commit; few, because reading and planning each row is what takes time.
const IMPORT_ROWS: usize = 3_000;
/// The tables an import writes.
const IMPORTED: [&str; 8] =
    ["units", "people", "tasks", "task_leaders", "task_supporting_units", "milestones", "progress_reports", "history"];

/// A task's description as offices write them, a paragraph, here twice
/// over: bytes that cost the import little time but make its write larger
/// than SQLite's page cache, so the transaction spills into the WAL before
/// its commit and a kill leaves uncommitted pages there.
const DESCRIPTION: &str = "按照区委区政府工作部署，坚持规划引领、项目带动、民生优先，\
    统筹推进征收拆迁、基础设施建设、产业招商和公共服务配套，建立周调度、月通报、季考核工作机制，\
    明确责任领导、责任单位和完成时限，倒排工期、挂图作战，确保按期完成年度目标任务。\
    牵头单位每周报送进展，配合单位按职责分工落实，督查室跟踪问效，对进度滞后的及时预警、约谈，\
    重大问题提请区政府常务会议研究解决，形成工作闭环。征收安置坚持阳光操作，资金拨付专款专用，\
    工程建设严格落实质量安全责任，确保项目早开工、早建成、早见效，切实惠及群众。";

/// A ledger as offices keep it (key works as merged headings, the offices'
/// columns), written by the export: new tasks under the demo's key works,
/// naming units and leaders the ledger does not know yet.
fn workbook(key_works: &[String]) -> Vec<u8> {
    use tuijin::sheets::export::{write, Group, Row};
    let day = |n: usize, later: u64| {
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new((n % 300) as u64 + later)
    };
    let per = IMPORT_ROWS.div_ceil(key_works.len());
    let groups = key_works.iter().enumerate().map(|(k, name)| Group {
        name: name.clone(),
        rows: (k * per..((k + 1) * per).min(IMPORT_ROWS))
            .map(|n| Row {
                code: (1001 + n).to_string(),
                title: format!("导入任务 第{}项", n + 1),
                leaders: format!("导入领导{}", n % 8 + 1),
                lead_unit: format!("导入单位{}", n % 12 + 1),
                supporting: format!("导入单位{}", (n + 5) % 12 + 1),
                description: DESCRIPTION.repeat(2),
                milestones: format!(
                    "{} 完成前期手续\n{} 完成招标\n{} 主体完工\n{} 竣工验收",
                    day(n, 30),
                    day(n, 60),
                    day(n, 120),
                    day(n, 180)
                ),
                start_date: Some(day(n, 0)),
                due_date: Some(day(n, 200)),
                target: "14条".into(),
                planned_investment: Some((1000 + n).into()),
                percent_complete: (n % 100).into(),
                status: "推进中".into(),
                priority: "重要".into(),
                progress: format!("第{}项已开工", n + 1),
                ..Default::default()
            })
            .collect(),
    });
    write("重点工作推进台账", groups.collect::<Vec<_>>()).unwrap()
}

async fn counts(db: &str) -> Vec<i64> {
    let mut conn = open(db).await;
    let mut out = Vec::new();
    for table in IMPORTED {
        out.push(count(&mut conn, &format!("SELECT count(*) FROM {table}")).await);
    }
    conn.close().await.unwrap();
    out
}

fn plus(a: &[i64], b: &[i64]) -> Vec<i64> {
    a.iter().zip(b).map(|(a, b)| a + b).collect()
}

fn minus(a: &[i64], b: &[i64]) -> Vec<i64> {
    a.iter().zip(b).map(|(a, b)| a - b).collect()
}

/// The imported tasks as the file describes them, read back joined with
/// their key work, units, leaders and milestones.
async fn imported(db: &str) -> Vec<(String, String, String, String, String, i64)> {
    let mut conn = open(db).await;
    let rows = sqlx::query_as(
        "SELECT k.name, t.code, t.title, u.name,
                (SELECT group_concat(p.name) FROM task_leaders l JOIN people p ON p.id = l.person_id WHERE l.task_id = t.id),
                (SELECT count(*) FROM milestones m WHERE m.task_id = t.id)
         FROM tasks t JOIN key_works k ON k.id = t.key_work_id JOIN units u ON u.id = t.lead_unit_id
         WHERE t.title LIKE '导入任务%' ORDER BY CAST(t.code AS INTEGER)",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    rows
}

/// Checks an import's result line by line against the rows of the file.
async fn assert_complete(db: &str, key_works: &[String], what: &str) {
    let rows = imported(db).await;
    assert_eq!(rows.len(), IMPORT_ROWS, "{what}: imported tasks");
    let per = IMPORT_ROWS.div_ceil(key_works.len());
    for (n, (key_work, code, title, unit, leaders, milestones)) in rows.into_iter().enumerate() {
        assert_eq!(
            (key_work, code, title, unit, leaders, milestones),
            (
                key_works[n / per].clone(),
                (1001 + n).to_string(),
                format!("导入任务 第{}项", n + 1),
                format!("导入单位{}", n % 12 + 1),
                format!("导入领导{}", n % 8 + 1),
                4
            ),
            "{what}: row {n}"
        );
    }
}

/// `tuijin import FILE --create-missing` as a child, its output read as it
/// comes, each line with the time it arrived.
struct Import {
    child: Child,
    started: Instant,
    lines: mpsc::Receiver<(Duration, String)>,
    seen: Vec<(Duration, String)>,
}

/// The line printed once the plan is made, just before the write begins.
const PLANNED: &str = "新增任务";
/// The line printed once the write has committed.
const COMMITTED: &str = "已导入";

impl Import {
    fn start(db: &str, file: &Path) -> Import {
        let mut child = Command::new(bin())
            .args(["--database-url", db, "import", file.to_str().unwrap(), "--create-missing"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tuijin import starts");
        let started = Instant::now();
        let (tx, lines) = mpsc::channel();
        let out: [Box<dyn std::io::Read + Send>; 2] =
            [Box::new(child.stdout.take().unwrap()), Box::new(child.stderr.take().unwrap())];
        for stream in out {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = tx.send((started.elapsed(), line));
                }
            });
        }
        Import { child, started, lines, seen: Vec::new() }
    }

    /// Waits for the first line containing `needle`; returns when it came.
    fn wait_for(&mut self, needle: &str) -> Duration {
        loop {
            let (at, line) = self
                .lines
                .recv_timeout(Duration::from_secs(120))
                .unwrap_or_else(|_| panic!("the import never printed {needle:?}: {:?}", self.seen));
            self.seen.push((at, line.clone()));
            if line.contains(needle) {
                return at;
            }
        }
    }

    fn printed(&self, needle: &str) -> Option<Duration> {
        self.seen.iter().find(|(_, l)| l.contains(needle)).map(|(at, _)| *at)
    }

    /// The largest its WAL grows to, watched until it ends.
    fn largest_wal(&mut self, db: &str) -> u64 {
        let mut largest = 0;
        while self.child.try_wait().unwrap().is_none() {
            largest = largest.max(wal_size(db));
            std::thread::sleep(Duration::from_millis(1));
        }
        largest
    }

    /// Runs to its end; fails the test if the import did not succeed.
    fn finish(mut self) -> Import {
        let status = self.child.wait().unwrap();
        self.seen.extend(self.lines.iter());
        assert!(status.success(), "the import failed: {:?}", self.seen);
        self
    }

    /// `kill -9` at `at` after its start (unless it has ended); returns
    /// what it had printed by then.
    fn kill_at(mut self, at: Duration) -> Import {
        std::thread::sleep(at.saturating_sub(self.started.elapsed()));
        if self.child.try_wait().unwrap().is_none() {
            self.child.kill().unwrap();
        }
        self.child.wait().unwrap();
        self.seen.extend(self.lines.iter());
        self
    }
}

/// A consistent copy of a database in a new file.
async fn copy(from: &str, to: &str) {
    let mut conn = open(from).await;
    sqlx::query("VACUUM INTO $1").bind(to).execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
}

fn wal_size(db: &str) -> u64 {
    std::fs::metadata(format!("{db}-wal")).map(|m| m.len()).unwrap_or(0)
}

/// Where an import is killed.
#[derive(Clone, Copy, Debug)]
enum Cut {
    /// This fraction into its write (from its plan to its commit, as measured).
    Write(f64),
    /// This long after its start: reading, planning, writing or done.
    Anywhere(Duration),
    /// As soon as its WAL holds this many bytes: pages of the transaction
    /// spilled from the cache, or the commit being written.
    Wal(u64),
}

#[tokio::test]
async fn an_import_killed_mid_write_leaves_all_of_it_or_nothing() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let base = path("base.db");
    assert!(tuijin(&base, &["demo"]).status.success());
    let key_works: Vec<String> = {
        let mut conn = open(&base).await;
        let names = sqlx::query_scalar("SELECT name FROM key_works ORDER BY sort_order, id")
            .fetch_all(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        names
    };
    let file = dir.path().join("台账.xlsx");
    std::fs::write(&file, workbook(&key_works)).unwrap();
    // Each run imports into its own copy of the demo district, so a kill's
    // WAL holds only what that import wrote.
    let mut copies = 0;
    let mut fresh = async || {
        copies += 1;
        let db = path(&format!("import{copies}.db"));
        copy(&base, &db).await;
        db
    };

    // One uncut run: what a complete import adds, and how long its parts take.
    let db = fresh().await;
    let before = counts(&db).await;
    let mut run = Import::start(&db, &file);
    let planned = run.wait_for(PLANNED);
    let wal = run.largest_wal(&db);
    let run = run.finish();
    let committed = run.printed(COMMITTED).expect("the import says it is done");
    let added = minus(&counts(&db).await, &before);
    assert_eq!(added[2], IMPORT_ROWS as i64);
    assert_complete(&db, &key_works, "the uncut import").await;
    let mut write = committed - planned;
    let ended = run.started.elapsed();
    println!(
        "import of {IMPORT_ROWS} rows, uncut: planned at {:.2} s, committed at {:.2} s (write {:.2} s), exited at {:.2} s; \
         its WAL grew to {:.1} MB; it adds {added:?} rows to {IMPORTED:?}",
        planned.as_secs_f64(),
        committed.as_secs_f64(),
        write.as_secs_f64(),
        ended.as_secs_f64(),
        wal as f64 / 1e6,
    );

    let mut rng = rand::thread_rng();
    let mut cuts: Vec<Cut> = [0.1, 0.3, 0.5, 0.7, 0.9].into_iter().map(Cut::Write).collect();
    cuts.extend((0..2).map(|_| Cut::Anywhere(ended.mul_f64(rng.gen_range(0.05..1.0)))));
    // Pages the open transaction spilled, then (near the WAL's final size)
    // most likely the commit's own frames being written.
    cuts.extend([0.1, 0.9].map(|f| Cut::Wal((wal as f64 * f) as u64)));
    let (mut inside, mut spilled, mut whole, mut last_cut) = (0, 0, 0, None);
    for (i, cut) in cuts.into_iter().enumerate() {
        let db = fresh().await;
        // One kill with a server on the same file: it must go on serving
        // and writing once the importer is gone.
        let server = matches!(cut, Cut::Write(f) if f == 0.5).then(|| {
            let token = token(&db, "supervisor");
            (Server::start(&db, &["--worker", "off"]), token)
        });
        let before = counts(&db).await;
        let wal_before = wal_size(&db);
        let mut run = Import::start(&db, &file);
        let at = match cut {
            Cut::Write(f) => run.wait_for(PLANNED) + write.mul_f64(f),
            Cut::Anywhere(at) => at,
            Cut::Wal(bytes) => {
                run.wait_for(PLANNED);
                while wal_size(&db) < bytes && run.child.try_wait().unwrap().is_none() {
                    std::thread::sleep(Duration::from_millis(1));
                }
                run.started.elapsed()
            }
        };
        let run = run.kill_at(at);
        let wal = wal_size(&db);
        // The machine's speed varies; a run that committed sooner than
        // measured places the next cuts earlier, so they stay inside.
        if let (Some(p), Some(c)) = (run.printed(PLANNED), run.printed(COMMITTED)) {
            write = write.min(c - p);
        }
        let mut conn = open(&db).await;
        assert_intact(&mut conn, &format!("import kill {} ({cut:?}, at {at:?})", i + 1)).await;
        conn.close().await.unwrap();
        let now = counts(&db).await;
        let all = if now == before {
            false
        } else if now == plus(&before, &added) {
            true
        } else {
            panic!("import kill {} ({cut:?}, at {at:?}): half an import: {before:?} → {now:?}", i + 1)
        };
        let phase = match (run.printed(PLANNED), run.printed(COMMITTED)) {
            (None, _) => "while reading and planning",
            (Some(_), None) => {
                inside += 1;
                if wal > wal_before && !all {
                    spilled += 1;
                }
                "inside the write"
            }
            (Some(_), Some(_)) => "after the commit",
        };
        let mut served = String::new();
        if let Some((server, token)) = server {
            served_on(&server, &token, now[2]).await;
            served = ", a server on the same file served and wrote on".into();
        }
        println!(
            "import kill {}: SIGKILL at {:.2} s ({}) {phase}, WAL {:.1} MB → {}, integrity ok{served}",
            i + 1,
            at.as_secs_f64(),
            match cut {
                Cut::Write(f) => format!("{:.0} % into the write", f * 100.0),
                Cut::Anywhere(_) => "at random".into(),
                Cut::Wal(bytes) => format!("once the WAL held {:.1} MB", bytes as f64 / 1e6),
            },
            wal as f64 / 1e6,
            if all { "all written" } else { "nothing written" },
        );
        if all {
            whole += 1;
            assert_complete(&db, &key_works, "an import killed after its commit").await;
        } else {
            last_cut = Some(db);
        }
    }
    assert!(inside >= 3, "only {inside} kills fell inside the write: the test proved little");
    // What makes the kills strong: a transaction larger than the cache.
    assert!(wal > 8_000_000, "the import's WAL grew to {wal} bytes only: it should outgrow the page cache");
    assert!(spilled >= 1, "no kill left uncommitted pages in the WAL: is the import smaller than the page cache?");

    // A file that took a kill mid-write, imported uncut: complete.
    let db = last_cut.expect("a kill that left nothing");
    let before = counts(&db).await;
    Import::start(&db, &file).finish();
    assert_eq!(counts(&db).await, plus(&before, &added), "the import after the kill");
    assert_complete(&db, &key_works, "the import after the kill").await;
    let mut conn = open(&db).await;
    assert_intact(&mut conn, "the import after the kill").await;
    conn.close().await.unwrap();
    println!(
        "import: {inside} kills inside the write ({spilled} with its uncommitted pages in the WAL), {whole} after the \
         commit, every one all or nothing; then an uncut run on a killed file wrote all {IMPORT_ROWS} rows; {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// A server that was serving the file while an importer was killed sees
/// what the file holds (`tasks` of them) and still writes.
async fn served_on(server: &Server, token: &str, tasks: i64) {
    let client = Client::new();
    let get = |p: &str| client.get(format!("{}/api/v1{p}", server.addr)).bearer_auth(token).send();
    let page: Value = get("/tasks?per_page=1").await.unwrap().json().await.unwrap();
    assert_eq!(page["total"], tasks, "the server beside the import sees what the file holds");
    let mut first = Vec::new();
    for what in ["key-works", "units", "people"] {
        first.push(ids(&client, &server.addr, token, what).await[0]);
    }
    let body = task_body(first[0], "K1", first[1], first[2]);
    let res = client.post(format!("{}/api/v1/tasks", server.addr)).bearer_auth(token).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "the server writes after the importer died: {:?}", res.text().await);
}
