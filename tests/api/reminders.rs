//! The reminder round against a real database and outbox: a late unit is
//! chased once, however often the round runs; an ignored reminder climbs to
//! the responsible leader; an instruction is passed on to the lead unit.

use crate::helpers::{account, body, spawn_app};
use crate::permissions::this_monday;
use serde_json::json;
use std::sync::Arc;
use tuijin::supervision::board::Board;
use tuijin::supervision::reminders::run_once;
use tuijin_domain::access::Role;
use tuijin_domain::lamp::LampConfig;
use tuijin_domain::reminder::ReminderConfig;

#[tokio::test]
async fn late_units_are_chased_once_then_their_leaders() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let liaison = account(&app.store, "zj", Role::Liaison, Some(s.unit_a)).await;
    let leader_user = app.store.list_users().await.unwrap().into_iter().find(|u| u.username == "leader").unwrap();
    let (status, _) =
        body(app.patch(&format!("/users/{}", leader_user.id), &app.admin, json!({"person_id": s.person})).await).await;
    assert_eq!(status, reqwest::StatusCode::OK);
    app.create(&format!("/tasks/{}/instructions", s.task), json!({"text": "请加快管线迁改"})).await;

    // Past this week's Thursday-noon deadline, and not before the real now
    // (the reminders already sent carry the real time).
    let monday: chrono::NaiveDate = this_monday().parse().unwrap();
    let deadline = (monday + chrono::Days::new(3)).and_hms_opt(12, 0, 0).unwrap();
    let now =
        (deadline + chrono::Duration::hours(1)).max(chrono::Local::now().naive_local() + chrono::Duration::minutes(1));
    let board = Arc::new(Board::default());
    let lamps = Arc::new(LampConfig::default());
    let config = ReminderConfig { before_hours: 24, escalate_after_hours: 0 };

    let first = run_once(&app.store, &board, &lamps, &config, now).await.unwrap();
    assert_eq!(first, 3, "late report, red lamp, the instruction");
    let (_, inbox) = body(app.get("/notifications", &liaison).await).await;
    let titles: Vec<&str> = inbox["items"].as_array().unwrap().iter().map(|n| n["title"].as_str().unwrap()).collect();
    assert!(titles.contains(&"1项任务本期进展逾期未报"), "{inbox}");
    assert!(titles.contains(&"1项任务亮红灯"), "{inbox}");
    assert!(titles.iter().any(|t| t.ends_with("作出批示，请于") || t.contains("作出批示")), "{inbox}");

    // The next round: the late reminder went unacknowledged — the leader hears of it; nothing is repeated.
    let second = run_once(&app.store, &board, &lamps, &config, now).await.unwrap();
    assert_eq!(second, 1, "only the escalation is new");
    let (_, inbox) = body(app.get("/notifications", &app.leader).await).await;
    assert_eq!(inbox["items"][0]["title"], "您分管的1项任务逾期未报，催办未获响应", "{inbox}");
    assert_eq!(run_once(&app.store, &board, &lamps, &config, now).await.unwrap(), 0, "a third round adds nothing");
}
