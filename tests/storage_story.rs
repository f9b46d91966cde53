//! One scripted walk through every storage operation, run against SQLite
//! and PostgreSQL alike: two databases, one behaviour.

mod common;

use chrono::NaiveDate;
use chrono::SubsecRound;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::Arc;
use tuijin::storage::{connect, system_actor, NewToken, NewUser, Store, StoreError, Task, TaskQuery, TaskSort};
use tuijin_domain::access::Role;
use tuijin_domain::key_work::KeyWorkFields;
use tuijin_domain::milestone::MilestoneFields;
use tuijin_domain::person::PersonFields;
use tuijin_domain::relation::RelationFields;
use tuijin_domain::task::{Priority, Status, Target, TaskFields};
use tuijin_domain::unit::UnitFields;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::from_str(s).unwrap()
}

fn code_of(e: StoreError) -> String {
    match e {
        StoreError::Invalid(i) => format!("{}:{}", i.0[0].field, i.0[0].problem.code()),
        StoreError::Conflict { .. } => "conflict".into(),
        StoreError::NotFound { entity, .. } => format!("not_found:{entity}"),
        other => panic!("unexpected error {other}"),
    }
}

async fn story(store: Arc<dyn Store>) {
    let actor = system_actor();
    assert!(store.is_empty().await.unwrap());

    // Units.
    let unit =
        |name: &str| UnitFields { name: name.into(), short_name: String::new(), sort_order: 0 }.validate().unwrap();
    let zj = store.create_unit(&actor, unit("区住建局")).await.unwrap();
    let cg = store.create_unit(&actor, unit("区城管局")).await.unwrap();
    assert!(!store.is_empty().await.unwrap());
    assert_eq!(code_of(store.create_unit(&actor, unit("区城管局")).await.unwrap_err()), "name:duplicate");
    let cg2 = store.update_unit(&actor, &cg, unit("区城市管理局")).await.unwrap();
    assert_eq!((cg2.version, cg2.fields.name.as_str()), (2, "区城市管理局"));
    assert_eq!(store.get_unit(cg.id).await.unwrap(), cg2);
    assert_eq!(code_of(store.update_unit(&actor, &cg, unit("x")).await.unwrap_err()), "conflict");
    assert_eq!(store.list_units().await.unwrap().len(), 2);
    assert_eq!(store.get_unit(zj.id).await.unwrap().fields.name, "区住建局");

    // People.
    let person = |name: &str, unit_id| {
        PersonFields { name: name.into(), title: "副区长".into(), unit_id, sort_order: 0 }.validate().unwrap()
    };
    let chen = store.create_person(&actor, person("陈立民", zj.id)).await.unwrap();
    assert_eq!(
        code_of(store.create_person(&actor, person("无名", 999)).await.unwrap_err()),
        "unit_id:unknown_reference"
    );
    let chen2 = store.update_person(&actor, &chen, person("陈立民", cg.id)).await.unwrap();
    assert_eq!(chen2.fields.unit_id, cg.id);
    let tmp = store.create_person(&actor, person("临时", zj.id)).await.unwrap();
    store.delete_person(&actor, tmp.id).await.unwrap();
    assert_eq!(store.list_people().await.unwrap().len(), 1);
    assert_eq!(code_of(store.get_person(tmp.id).await.unwrap_err()), "not_found:person");

    // Key works.
    let kw = |name: &str| {
        KeyWorkFields {
            name: name.into(),
            lead_body_unit_id: zj.id,
            lead_leader_id: chen.id,
            description: String::new(),
            sort_order: 1,
            report_cadence: Default::default(),
            report_deadline: Default::default(),
        }
        .validate()
        .unwrap()
    };
    let one = store.create_key_work(&actor, kw("二七商圈区域城市复兴")).await.unwrap();
    let two = store.create_key_work(&actor, kw("基础设施建设")).await.unwrap();
    store.update_key_work(&actor, &two, kw("基础设施建设（专班）")).await.unwrap();
    store.delete_key_work(&actor, two.id).await.unwrap();
    assert_eq!(store.list_key_works().await.unwrap().len(), 1);
    assert_eq!(store.get_key_work(one.id).await.unwrap().fields.name, "二七商圈区域城市复兴");

    // Tasks: exact numbers, link tables and dates survive the round trip.
    let task = |code: &str, due: &str, status: Status, parent: Option<i64>| TaskFields {
        key_work_id: one.id,
        parent_id: parent,
        code: code.into(),
        title: format!("道路有机更新 {code}"),
        description: String::new(),
        lead_unit_id: zj.id,
        supporting_unit_ids: vec![cg.id],
        leader_ids: vec![chen.id],
        priority: Priority::UrgentImportant,
        status,
        start_date: Some(date("2021-03-01")),
        due_date: Some(date(due)),
        target: Some(Target { value: d("288.6"), measure: "亿元".into() }),
        planned_investment: Some(d("28860000")),
        completed_investment: Some(d("0.0001")),
        percent_complete: d("37.5"),
        tags: vec!["时序".into()],
    };
    let t1 =
        store.create_task(&actor, task("1", "2021-12-31", Status::InProgress, None).validate().unwrap()).await.unwrap();
    assert_eq!(t1.fields, *task("1", "2021-12-31", Status::InProgress, None).validate().unwrap());
    let t2 = store
        .create_task(&actor, task("1-2", "2021-06-30", Status::Done, Some(t1.id)).validate().unwrap())
        .await
        .unwrap();
    let t10 = store
        .create_task(&actor, task("1-10", "2021-05-31", Status::InProgress, Some(t1.id)).validate().unwrap())
        .await
        .unwrap();
    assert_eq!(
        code_of(
            store
                .create_task(&actor, task("1", "2021-12-31", Status::InProgress, None).validate().unwrap())
                .await
                .unwrap_err()
        ),
        "code:duplicate"
    );
    let mut cyclic = task("1", "2021-12-31", Status::InProgress, Some(t2.id));
    cyclic.code = "1".into();
    assert_eq!(
        code_of(store.update_task(&actor, &t1, cyclic.validate().unwrap()).await.unwrap_err()),
        "parent_id:cycle"
    );

    let today = date("2021-07-01");
    let mut q = TaskQuery::new(today);
    q.sort = TaskSort::Ledger;
    let codes: Vec<String> = store.list_tasks(&q).await.unwrap().items.into_iter().map(|t| t.fields.code).collect();
    assert_eq!(codes, vec!["1", "1-2", "1-10"]);
    q.overdue = true;
    assert_eq!(store.list_tasks(&q).await.unwrap().total, 1, "1-10 is past due and open; 1-2 is done");
    let mut q = TaskQuery::new(today);
    q.parent_id = Some(t1.id);
    q.sort = TaskSort::DueDate;
    q.descending = true;
    let page = store.list_tasks(&q).await.unwrap();
    assert_eq!((page.total, page.items[0].id), (2, t2.id));
    let mut q = TaskQuery::new(today);
    q.statuses = vec![Status::Done];
    q.leader_id = Some(chen.id);
    q.lead_unit_id = Some(zj.id);
    q.priorities = vec![Priority::UrgentImportant];
    q.due_from = Some(date("2021-06-01"));
    q.due_to = Some(date("2021-06-30"));
    q.text = Some("更新 1-2".into());
    assert_eq!(store.list_tasks(&q).await.unwrap().items[0].id, t2.id);
    let mut q = TaskQuery::new(today);
    q.key_work_id = Some(one.id);
    q.per_page = 1;
    q.page = 3;
    let page = store.list_tasks(&q).await.unwrap();
    assert_eq!((page.total, page.items.len()), (3, 1));
    q.text = Some("100%_".into());
    assert_eq!(store.list_tasks(&q).await.unwrap().total, 0, "wildcards in the search text are literal");

    let mut changed = t10.fields.clone();
    changed.due_date = Some(date("2021-08-31"));
    changed.supporting_unit_ids = vec![];
    changed.leader_ids = vec![chen.id];
    let t10b = store.update_task(&actor, &t10, changed.clone().validate().unwrap()).await.unwrap();
    assert_eq!((t10b.version, t10b.fields.due_date), (2, Some(date("2021-08-31"))));
    assert!(t10b.fields.supporting_unit_ids.is_empty());
    assert_eq!(store.get_task(t10.id).await.unwrap(), t10b, "what a write returns is what a read gives");
    assert_eq!(store.get_task(t1.id).await.unwrap(), t1);
    // A stale write of an unchanged-links update (the fast path) is refused and leaves no trace.
    let mut p = t1.fields.clone();
    p.percent_complete = d("50");
    let t1 = store.update_task(&actor, &t1, p.clone().validate().unwrap()).await.unwrap();
    let stale = Task { version: 1, ..t1.clone() };
    p.percent_complete = d("60");
    assert_eq!(code_of(store.update_task(&actor, &stale, p.validate().unwrap()).await.unwrap_err()), "conflict");
    assert_eq!(store.get_task(t1.id).await.unwrap(), t1);
    assert!(!store.task_history(t1.id).await.unwrap().iter().any(|e| e.new_value.as_deref() == Some("60")));
    assert_eq!(code_of(store.update_task(&actor, &t10, changed.validate().unwrap()).await.unwrap_err()), "conflict");

    // Milestones.
    let ms = |title: &str, planned: &str| MilestoneFields {
        title: title.into(),
        planned_date: date(planned),
        planned_value: Some(d("7")),
        actual_date: None,
        actual_value: None,
        done: false,
    };
    let m = store.create_milestone(&actor, t1.id, ms("完成7条", "2021-06-30").validate().unwrap()).await.unwrap();
    store.create_milestone(&actor, t1.id, ms("完成方案", "2021-04-30").validate().unwrap()).await.unwrap();
    assert_eq!(
        code_of(store.create_milestone(&actor, 9999, ms("x", "2021-01-01").validate().unwrap()).await.unwrap_err()),
        "not_found:task"
    );
    let mut done = m.fields.clone();
    done.done = true;
    done.actual_date = Some(date("2021-06-28"));
    done.actual_value = Some(d("7.5"));
    let m2 = store.update_milestone(&actor, &m, done.clone().validate().unwrap()).await.unwrap();
    assert_eq!((m2.fields.actual_value, m2.version), (Some(d("7.5")), 2));
    assert_eq!(store.get_milestone(m.id).await.unwrap(), m2);
    assert_eq!(code_of(store.update_milestone(&actor, &m, done.validate().unwrap()).await.unwrap_err()), "conflict");
    let list = store.list_milestones(t1.id).await.unwrap();
    assert_eq!(list.iter().map(|m| m.fields.title.as_str()).collect::<Vec<_>>(), vec!["完成方案", "完成7条"]);
    store.delete_milestone(&actor, list[0].id).await.unwrap();
    assert!(store.get_milestone(m.id).await.unwrap().fields.done);

    // Relations.
    let rel =
        |a, b, lag| RelationFields {
            predecessor_id: a, successor_id: b, lag_days: lag, note: "先地下后地上".into()
        };
    let r = store.create_relation(&actor, rel(t2.id, t10.id, 7).validate().unwrap()).await.unwrap();
    assert_eq!(
        code_of(store.create_relation(&actor, rel(t10.id, t2.id, 0).validate().unwrap()).await.unwrap_err()),
        "successor_id:cycle"
    );
    assert_eq!(
        code_of(store.create_relation(&actor, rel(t2.id, t10.id, 0).validate().unwrap()).await.unwrap_err()),
        "successor_id:duplicate"
    );
    let r2 = store.update_relation(&actor, &r, rel(t2.id, t10.id, 14).validate().unwrap()).await.unwrap();
    assert_eq!(r2.fields.lag_days, 14);
    assert_eq!(store.list_relations(Some(t10.id)).await.unwrap().len(), 1);
    assert_eq!(store.list_relations(None).await.unwrap().len(), 1);
    assert_eq!(store.get_relation(r.id).await.unwrap().version, 2);
    store.delete_relation(&actor, r.id).await.unwrap();
    assert!(store.list_relations(None).await.unwrap().is_empty());

    // History: every change, with old and new values; it survives deletion.
    let h = store.task_history(t10.id).await.unwrap();
    let due = h.iter().find(|e| e.field == "due_date" && e.action == "update").unwrap();
    assert_eq!((due.old_value.as_deref(), due.new_value.as_deref()), (Some("2021-05-31"), Some("2021-08-31")));
    assert!(h.iter().any(|e| e.entity == "relation" && e.action == "delete"));
    store.delete_task(&actor, t10.id).await.unwrap();
    assert_eq!(code_of(store.get_task(t10.id).await.unwrap_err()), "not_found:task");
    assert!(store.task_history(t10.id).await.unwrap().iter().any(|e| e.entity == "task" && e.action == "delete"));
    let h1 = store.task_history(t1.id).await.unwrap();
    assert!(h1
        .iter()
        .any(|e| e.entity == "milestone" && e.field == "actual_value" && e.new_value.as_deref() == Some("7.5")));
    assert!(h1.iter().all(|e| e.user_name == "系统"));
    // Deleting a unit still in use is refused, and the failed write does not
    // block the next one (a write that follows a refused delete at once
    // once met SQLITE_BUSY).
    for i in 0..30 {
        assert_eq!(code_of(store.delete_unit(&actor, zj.id).await.unwrap_err()), "id:conflicting");
        let p = store.create_person(&actor, person(&format!("临时{i}"), zj.id)).await.unwrap();
        store.delete_person(&actor, p.id).await.unwrap();
    }

    // Accounts and tokens.
    let user = store
        .create_user(NewUser {
            username: "lly".into(),
            display_name: "联络员".into(),
            role: Role::Liaison,
            unit_id: Some(zj.id),
            password_hash: None,
        })
        .await
        .unwrap();
    let dup = NewUser {
        username: "lly".into(),
        display_name: String::new(),
        role: Role::Leader,
        unit_id: None,
        password_hash: None,
    };
    assert_eq!(code_of(store.create_user(dup).await.unwrap_err()), "username:duplicate");
    let system = system_actor();
    store.set_password(&system, user.id, "$argon2id$fake", None).await.unwrap();
    assert_eq!(store.find_user("lly").await.unwrap().unwrap().password_hash.as_deref(), Some("$argon2id$fake"));
    assert!(store.find_user("nobody").await.unwrap().is_none());
    credentials(&store, user.id, zj.id).await;
    assert_eq!(store.list_users().await.unwrap().len(), 1);
}

/// Tokens (expiring, listed, revoked), sessions ended by a password
/// change, the sign-in throttle's counts and the shared secret.
async fn credentials(store: &Arc<dyn Store>, user_id: i64, unit_id: i64) {
    let system = system_actor();
    let now = chrono::Utc::now();
    let token =
        |hash: &str, expires_at| NewToken { user_id, token_hash: hash.into(), name: format!("for {hash}"), expires_at };
    let made = store.create_token(&system, token("hash-a", None)).await.unwrap();
    assert_eq!((made.username.as_str(), made.name.as_str(), made.last_used_at), ("lly", "for hash-a", None));
    store.create_token(&system, token("hash-old", Some(now - chrono::Duration::seconds(1)))).await.unwrap();
    let live = store.token_actor("hash-a", now).await.unwrap().unwrap();
    assert_eq!(
        (live.actor.role, live.actor.unit_id, live.actor.display_name.as_str()),
        (Role::Liaison, Some(unit_id), "联络员")
    );
    assert!(store.token_actor("hash-old", now).await.unwrap().is_none(), "an expired token is refused");
    assert!(store.token_actor("other", now).await.unwrap().is_none());
    store.touch_token(live.token_id, now).await.unwrap();
    let listed = store.list_tokens(Some(user_id)).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed.iter().find(|t| t.id == live.token_id).unwrap().last_used_at, Some(now.trunc_subsecs(6)));
    store.revoke_token(&system, live.token_id).await.unwrap();
    assert!(store.token_actor("hash-a", now).await.unwrap().is_none(), "a revoked token stops at once");
    assert!(matches!(store.revoke_token(&system, live.token_id).await, Err(StoreError::NotFound { .. })));
    let history = store.account_history(user_id, 50).await.unwrap();
    let fields: Vec<&str> = history.iter().map(|h| h.field.as_str()).collect();
    assert!(fields.iter().filter(|f| **f == "api_token").count() >= 3, "made twice, revoked once: {fields:?}");

    // A password change ends every session but the one that made it.
    let later = now + chrono::Duration::hours(1);
    for s in ["s1", "s2", "s3"] {
        store.create_session(user_id, s, "csrf", later).await.unwrap();
    }
    assert_eq!(store.count_sessions(user_id, now).await.unwrap(), 3);
    store.set_password(&system, user_id, "$argon2id$other", Some("s2")).await.unwrap();
    assert!(store.session("s1", now).await.unwrap().is_none());
    assert!(store.session("s2", now).await.unwrap().is_some());
    assert_eq!(store.sign_out_everywhere(&system, user_id).await.unwrap(), (1, 1));
    assert_eq!(store.count_sessions(user_id, now).await.unwrap(), 0);
    assert!(store.list_tokens(Some(user_id)).await.unwrap().is_empty());

    // Sign-in failures: counted per key, stale counts start again, cleared on request.
    let keys = vec!["pair:lly|10.0.0.1".to_string(), "account:lly".to_string()];
    store.record_sign_in_failure(&keys, now).await.unwrap();
    store.record_sign_in_failure(&keys[..1], now).await.unwrap();
    let mut counts = store.sign_in_failures(&keys).await.unwrap();
    counts.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        counts.iter().map(|(k, f)| (k.as_str(), f.count)).collect::<Vec<_>>(),
        [("account:lly", 1), ("pair:lly|10.0.0.1", 2)]
    );
    let two_hours = now + chrono::Duration::hours(2);
    store.record_sign_in_failure(&keys[..1], two_hours).await.unwrap();
    let after = store.sign_in_failures(&keys).await.unwrap();
    assert_eq!(after.len(), 1, "the stale account count was forgotten: {after:?}");
    assert_eq!(after[0].1.count, 1, "the stale pair count started again");
    store.clear_sign_in_failures(&keys).await.unwrap();
    assert!(store.sign_in_failures(&keys).await.unwrap().is_empty());

    let secret = store.shared_secret("device_cookie").await.unwrap();
    assert_eq!(secret.len(), 64);
    assert_eq!(store.shared_secret("device_cookie").await.unwrap(), secret);
}

#[tokio::test]
async fn sqlite_story() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("story.db");
    let store = connect(path.to_str().unwrap()).await.unwrap();
    assert_eq!(store.backend(), "sqlite");
    story(store.clone()).await;
    let copy = dir.path().join("copy.db");
    store.backup_to(copy.to_str().unwrap()).await.unwrap();
    let restored = connect(copy.to_str().unwrap()).await.unwrap();
    assert_eq!(restored.list_units().await.unwrap().len(), 2);
}

#[tokio::test]
async fn postgres_story() {
    let Some(server) = common::postgres_url() else { return };
    let store = connect(&common::fresh_postgres(&server).await).await.unwrap();
    assert_eq!(store.backend(), "postgres");
    story(store.clone()).await;
    assert!(matches!(store.backup_to("/tmp/x").await, Err(StoreError::Unsupported(_))));
}
