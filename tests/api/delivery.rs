//! Reminder delivery end to end: the outbox in the test database, the
//! worker, and real receivers on loopback — an SMTP server and a group
//! robot. Time is passed to `run_once`, so backoff is tested without
//! sleeping.

use crate::helpers::{account, spawn_app, TestApp};
use crate::receivers::{RobotReceiver, SmtpReceiver};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use std::collections::HashSet;
use std::sync::Arc;
use tuijin::notify::{Config, Worker};
use tuijin::storage::{connect, Channel, DeliveryStatus, NewNotification, NotificationQuery, RobotKind, Store};
use tuijin::storage::{Delivery, NewWebhook};
use tuijin_domain::access::Role;

fn config() -> Config {
    Config { public_url: "http://tuijin.test".into(), ..Config::default() }
}

fn worker(store: &Arc<dyn Store>, config: Config) -> Worker {
    Worker::new(store.clone(), config).unwrap()
}

fn late_report(task: i64, unit: i64, key: &str) -> NewNotification {
    NewNotification {
        kind: "report_late".into(),
        dedupe_key: key.into(),
        task_id: Some(task),
        unit_id: Some(unit),
        title: "进展填报逾期：道路有机更新".into(),
        body: "区住建局：本周进展尚未填报，请于今日12:00前补报。".into(),
        link: format!("/tasks/{task}"),
        ..Default::default()
    }
}

async fn robot(app: &TestApp, unit: i64, kind: RobotKind, url: String, secret: &str) -> i64 {
    let new = NewWebhook { kind, url, secret: secret.into(), enabled: true };
    app.store.create_webhook(unit, &new).await.unwrap().id
}

async fn deliveries(app: &TestApp, key: &str) -> Vec<Delivery> {
    let n = app.store.notification_by_key(key).await.unwrap().expect("stored");
    app.store.deliveries_of(n.id).await.unwrap()
}

fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::SubsecRound;
    t.trunc_subsecs(6)
}

#[tokio::test]
async fn an_email_reaches_a_real_smtp_server_with_its_chinese_subject_and_body() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let token = account(&app.store, "zj", Role::Liaison, Some(s.unit_a)).await;
    let zj = app.store.find_user("zj").await.unwrap().unwrap();
    let res = app.patch(&format!("/users/{}", zj.id), &app.admin, json!({"email": "zj-liaison@zq.gov.cn"})).await;
    assert_eq!(res.status(), 200);
    let _ = token;
    let smtp = SmtpReceiver::start().await;
    let w = worker(
        &app.store,
        Config { smtp_url: Some(smtp.url()), smtp_from: "推进系统 <tuijin@zq.gov.cn>".into(), ..config() },
    );

    let n = late_report(s.task, s.unit_a, "report_late:mail");
    assert_eq!(app.store.enqueue(&[n]).await.unwrap(), 1);
    let round = w.run_once(Utc::now()).await.unwrap();
    assert_eq!((round.claimed, round.sent), (1, 1), "{round:?}");

    let mails = smtp.mails();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.to, ["zj-liaison@zq.gov.cn"]);
    assert_eq!(mail.from, "tuijin@zq.gov.cn");
    assert_eq!(mail.header("Subject").as_deref(), Some("进展填报逾期：道路有机更新"));
    assert!(mail.header("Content-Type").unwrap().to_ascii_lowercase().contains("charset=utf-8"));
    let body = mail.body();
    assert!(body.contains("区住建局：本周进展尚未填报，请于今日12:00前补报。"), "{body}");
    assert!(body.contains(&format!("http://tuijin.test/tasks/{}", s.task)), "{body}");

    let d = deliveries(&app, "report_late:mail").await;
    let email = d.iter().find(|d| d.channel == Channel::Email).unwrap();
    assert_eq!(
        (email.status, email.attempts, email.target.as_str()),
        (DeliveryStatus::Sent, 1, "zj-liaison@zq.gov.cn")
    );
    let in_app = d.iter().find(|d| d.channel == Channel::InApp).unwrap();
    assert_eq!((in_app.status, in_app.user_id), (DeliveryStatus::Sent, Some(zj.id)));
}

#[tokio::test]
async fn a_refusing_robot_is_retried_with_backoff_until_it_takes_the_message() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let receiver = RobotReceiver::start(
        &[(500, "upstream down"), (200, r#"{"errcode":310000,"errmsg":"keywords not in content"}"#)],
        std::time::Duration::ZERO,
    )
    .await;
    robot(&app, s.unit_a, RobotKind::Dingtalk, receiver.url("/robot/send?access_token=T"), "SECdemo").await;
    let w = worker(&app.store, config());
    app.store.enqueue(&[late_report(s.task, s.unit_a, "retry")]).await.unwrap();
    let dingtalk = |d: Vec<Delivery>| d.into_iter().find(|d| d.channel == Channel::Dingtalk).unwrap();

    // HTTP 500: tried again after a minute (plus up to 10 %).
    let t0 = Utc::now();
    let r = w.run_once(t0).await.unwrap();
    assert_eq!((r.claimed, r.retrying), (1, 1), "{r:?}");
    let d = dingtalk(deliveries(&app, "retry").await);
    assert_eq!((d.status, d.attempts), (DeliveryStatus::Pending, 1));
    assert!(d.last_error.contains("HTTP 500"), "{}", d.last_error);
    assert!(d.next_attempt_at >= micros(t0 + Duration::seconds(60)) && d.next_attempt_at <= t0 + Duration::seconds(66));
    assert_eq!(w.run_once(t0 + Duration::seconds(30)).await.unwrap().claimed, 0, "not before its time");

    // HTTP 200 with an error code is a refusal too: two minutes this time.
    let t1 = t0 + Duration::seconds(70);
    let r = w.run_once(t1).await.unwrap();
    assert_eq!((r.claimed, r.retrying), (1, 1), "{r:?}");
    let d = dingtalk(deliveries(&app, "retry").await);
    assert_eq!((d.status, d.attempts), (DeliveryStatus::Pending, 2));
    assert!(d.last_error.contains("310000"), "{}", d.last_error);
    assert!(
        d.next_attempt_at >= micros(t1 + Duration::seconds(120)) && d.next_attempt_at <= t1 + Duration::seconds(132)
    );
    assert_eq!(w.run_once(t1 + Duration::seconds(100)).await.unwrap().claimed, 0);

    // The third attempt gets errcode 0: sent, and never again.
    let t2 = t1 + Duration::minutes(3);
    assert_eq!(w.run_once(t2).await.unwrap().sent, 1);
    let d = dingtalk(deliveries(&app, "retry").await);
    assert_eq!((d.status, d.attempts, d.sent_at), (DeliveryStatus::Sent, 3, Some(micros(t2))));
    assert_eq!(d.target, receiver.url("/robot/send"), "the record keeps the robot without its token");
    assert_eq!(w.run_once(t2 + Duration::days(2)).await.unwrap().claimed, 0);

    let requests = receiver.requests();
    assert_eq!(requests.len(), 3);
    let last = &requests[2];
    assert!(last.uri.starts_with("/robot/send?access_token=T&timestamp="), "{}", last.uri);
    assert!(last.uri.contains("&sign="), "signed with the secret: {}", last.uri);
    assert_eq!(last.body["msgtype"], "markdown");
    assert_eq!(last.body["markdown"]["title"], "进展填报逾期：道路有机更新");
    let text = last.body["markdown"]["text"].as_str().unwrap();
    assert!(text.contains(&format!("(http://tuijin.test/tasks/{})", s.task)), "{text}");
}

#[tokio::test]
async fn a_robot_that_keeps_refusing_is_given_up_and_mail_without_a_relay_at_once() {
    let app = spawn_app().await;
    let s = app.seed().await;
    account(&app.store, "zj", Role::Liaison, Some(s.unit_a)).await;
    let zj = app.store.find_user("zj").await.unwrap().unwrap();
    app.patch(&format!("/users/{}", zj.id), &app.admin, json!({"email": "zj@zq.gov.cn"})).await;
    let failing = [(503, "busy"); 5];
    let receiver = RobotReceiver::start(&failing, std::time::Duration::ZERO).await;
    robot(&app, s.unit_a, RobotKind::Wecom, receiver.url("/cgi-bin/webhook/send?key=K"), "").await;
    // No SMTP relay configured, and three attempts at most.
    let w = worker(&app.store, Config { max_attempts: 3, ..config() });
    app.store.enqueue(&[late_report(s.task, s.unit_a, "give-up")]).await.unwrap();

    let t = Utc::now();
    let r = w.run_once(t).await.unwrap();
    assert_eq!((r.claimed, r.retrying, r.failed), (2, 1, 1), "{r:?}");
    let email = deliveries(&app, "give-up").await.into_iter().find(|d| d.channel == Channel::Email).unwrap();
    assert_eq!((email.status, email.attempts), (DeliveryStatus::Failed, 1));
    assert!(email.last_error.contains("TUIJIN_SMTP_URL"), "{}", email.last_error);

    w.run_once(t + Duration::minutes(2)).await.unwrap();
    let r = w.run_once(t + Duration::minutes(10)).await.unwrap();
    assert_eq!((r.claimed, r.failed), (1, 1), "{r:?}");
    let wecom = deliveries(&app, "give-up").await.into_iter().find(|d| d.channel == Channel::Wecom).unwrap();
    assert_eq!((wecom.status, wecom.attempts), (DeliveryStatus::Failed, 3));
    assert!(wecom.last_error.contains("HTTP 503"), "{}", wecom.last_error);
    assert_eq!(w.run_once(t + Duration::days(1)).await.unwrap().claimed, 0);
    assert_eq!(receiver.requests().len(), 3);
    assert_eq!(receiver.requests()[0].body["msgtype"], "markdown");
}

#[tokio::test]
async fn enqueueing_the_same_reminders_again_after_a_restart_sends_nothing_twice() {
    let app = spawn_app().await;
    let s = app.seed().await;
    account(&app.store, "zj", Role::Liaison, Some(s.unit_a)).await;
    let receiver = RobotReceiver::start(&[], std::time::Duration::ZERO).await;
    robot(&app, s.unit_a, RobotKind::Feishu, receiver.url("/open-apis/bot/v2/hook/x"), "").await;
    let batch =
        vec![late_report(s.task, s.unit_a, "late:1:2026-03-02"), late_report(s.task, s.unit_a, "late:1:2026-03-09")];
    assert_eq!(app.store.enqueue(&batch).await.unwrap(), 2);
    // The same key twice in one batch is one reminder.
    let twice =
        vec![late_report(s.task, s.unit_a, "late:1:2026-03-16"), late_report(s.task, s.unit_a, "late:1:2026-03-16")];
    assert_eq!(app.store.enqueue(&twice).await.unwrap(), 1);
    let w = worker(&app.store, config());
    assert_eq!(w.run_once(Utc::now()).await.unwrap().sent, 3);

    // A restart: a new connection and a new worker, and the rules enqueue what they enqueued before.
    let restarted = connect(&app.db_url).await.unwrap();
    assert_eq!(restarted.enqueue(&batch).await.unwrap(), 0);
    assert_eq!(restarted.enqueue(&twice).await.unwrap(), 0);
    let w = worker(&restarted, config());
    assert_eq!(w.run_once(Utc::now() + Duration::hours(1)).await.unwrap().claimed, 0);
    assert_eq!(receiver.requests().len(), 3);
    let all = restarted.list_notifications(&NotificationQuery { task_id: Some(s.task), ..Default::default() }).await;
    assert_eq!(all.unwrap().len(), 3);
    let zj = restarted.find_user("zj").await.unwrap().unwrap();
    assert_eq!(restarted.inbox(zj.id, false, 50).await.unwrap().len(), 3, "one inbox row per reminder");
    for key in ["late:1:2026-03-02", "late:1:2026-03-09", "late:1:2026-03-16"] {
        let d = deliveries(&app, key).await;
        assert_eq!(d.len(), 2, "in-app and Feishu, once each: {d:?}");
        assert!(d.iter().all(|d| d.status == DeliveryStatus::Sent));
    }
    assert_eq!(receiver.requests()[0].body["msg_type"], "post");
}

/// Several servers on one database each run a worker: every reminder still
/// reaches the robot exactly once. On PostgreSQL the claims skip each
/// other's locked rows; on SQLite the database's write lock serialises them
/// (two connection pools, as two processes would have).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_on_one_database_send_each_reminder_exactly_once() {
    let app = spawn_app().await;
    let s = app.seed().await;
    // Slow answers keep both workers busy at the same time.
    let receiver = RobotReceiver::start(&[], std::time::Duration::from_millis(40)).await;
    robot(&app, s.unit_a, RobotKind::Wecom, receiver.url("/cgi-bin/webhook/send?key=K"), "").await;
    let batch: Vec<NewNotification> = (0..40)
        .map(|i| NewNotification {
            title: format!("提醒 {i}"), ..late_report(s.task, s.unit_a, &format!("multi:{i}"))
        })
        .collect();
    assert_eq!(app.store.enqueue(&batch).await.unwrap(), 40);

    let second_server = connect(&app.db_url).await.unwrap();
    let a = worker(&app.store, Config { worker_id: "server-a".into(), batch: 8, ..config() });
    let b = worker(&second_server, Config { worker_id: "server-b".into(), batch: 8, ..config() });
    let drain = |w: Worker| async move {
        let mut sent = 0;
        loop {
            let r = w.run_once(Utc::now()).await.unwrap();
            assert_eq!(r.lost, 0, "{r:?}");
            sent += r.sent;
            if r.claimed == 0 {
                return sent;
            }
        }
    };
    // Each on its own task, so on two threads: their claims overlap in time.
    let (a, b) = (tokio::spawn(drain(a)), tokio::spawn(drain(b)));
    let (sent_a, sent_b) = (a.await.unwrap(), b.await.unwrap());
    assert_eq!(sent_a + sent_b, 40);
    assert!(sent_a > 0 && sent_b > 0, "both servers worked: {sent_a} + {sent_b}");

    let requests = receiver.requests();
    assert_eq!(requests.len(), 40, "one request per reminder");
    let titles: HashSet<String> = requests
        .iter()
        .map(|r| r.body["markdown"]["content"].as_str().unwrap().lines().next().unwrap().to_string())
        .collect();
    assert_eq!(titles.len(), 40, "no reminder twice");
    let mut workers = HashSet::new();
    for i in 0..40 {
        for d in deliveries(&app, &format!("multi:{i}")).await {
            assert_eq!((d.status, d.attempts), (DeliveryStatus::Sent, 1));
            workers.insert(d.claimed_by.unwrap());
        }
    }
    assert_eq!(workers, HashSet::from(["server-a".to_string(), "server-b".to_string()]));
}

#[tokio::test]
async fn a_lease_that_ran_out_is_claimed_again_and_the_old_holder_cannot_record() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let receiver = RobotReceiver::start(&[], std::time::Duration::ZERO).await;
    robot(&app, s.unit_a, RobotKind::Wecom, receiver.url("/send?key=K"), "").await;
    app.store.enqueue(&[late_report(s.task, s.unit_a, "lease")]).await.unwrap();
    let now = Utc::now();
    // A worker claims and dies without a word.
    let claimed = app.store.claim_deliveries("dead", now, 10, Duration::minutes(5)).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].target.as_deref(), Some(receiver.url("/send?key=K").as_str()));
    assert!(app
        .store
        .claim_deliveries("other", now + Duration::minutes(4), 10, Duration::minutes(5))
        .await
        .unwrap()
        .is_empty());
    let w = worker(&app.store, Config { worker_id: "alive".into(), ..config() });
    assert_eq!(w.run_once(now + Duration::minutes(6)).await.unwrap().sent, 1);
    assert!(!app.store.mark_sent(claimed[0].id, "dead", now).await.unwrap(), "the dead worker's lease is gone");
    assert_eq!(receiver.requests().len(), 1);
}

#[tokio::test]
async fn a_deleted_robot_gets_nothing_more() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let receiver = RobotReceiver::start(&[(500, "down")], std::time::Duration::ZERO).await;
    let hook = robot(&app, s.unit_a, RobotKind::Dingtalk, receiver.url("/robot/send?access_token=T"), "").await;
    app.store.enqueue(&[late_report(s.task, s.unit_a, "deleted-robot")]).await.unwrap();
    let w = worker(&app.store, config());
    let t = Utc::now();
    assert_eq!(w.run_once(t).await.unwrap().retrying, 1);
    let res = app.delete(&format!("/webhooks/{hook}"), &app.supervisor).await;
    assert_eq!(res.status(), 204);
    assert_eq!(w.run_once(t + Duration::minutes(5)).await.unwrap().failed, 1);
    let d = deliveries(&app, "deleted-robot").await.into_iter().find(|d| d.channel == Channel::Dingtalk).unwrap();
    assert_eq!((d.status, d.webhook_id), (DeliveryStatus::Failed, None));
    assert_eq!(receiver.requests().len(), 1);
}

#[tokio::test]
async fn invalid_reminders_are_refused_as_a_whole() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let bad = NewNotification { unit_id: Some(999_999), ..late_report(s.task, s.unit_a, "bad") };
    let err = app.store.enqueue(&[late_report(s.task, s.unit_a, "good"), bad]).await.unwrap_err();
    assert!(err.to_string().contains("unit"), "{err}");
    assert!(app.store.notification_by_key("good").await.unwrap().is_none());
    let no_addressee = NewNotification { unit_id: None, ..late_report(s.task, s.unit_a, "nobody") };
    assert!(app.store.enqueue(&[no_addressee]).await.is_err());
}

#[tokio::test]
async fn the_background_worker_delivers_by_itself_and_stops_when_asked() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let receiver = RobotReceiver::start(&[], std::time::Duration::ZERO).await;
    robot(&app, s.unit_a, RobotKind::Feishu, receiver.url("/hook"), "signing-secret").await;
    let poll = std::time::Duration::from_millis(20);
    let handle = tuijin::notify::spawn_worker(app.store.clone(), Config { poll, ..config() }).unwrap();
    app.store.enqueue(&[late_report(s.task, s.unit_a, "background")]).await.unwrap();
    for _ in 0..250 {
        if !receiver.requests().is_empty() {
            break;
        }
        tokio::time::sleep(poll).await;
    }
    handle.stop().await;
    let requests = receiver.requests();
    assert_eq!(requests.len(), 1);
    let body = &requests[0].body;
    assert_eq!(body["msg_type"], "post");
    assert!(body["timestamp"].is_string() && body["sign"].is_string(), "signed: {body}");
    let d = deliveries(&app, "background").await;
    assert!(d.iter().all(|d| d.status == DeliveryStatus::Sent), "{d:?}");
}
