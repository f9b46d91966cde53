//! Lamps through the API and the pages: a task's lamp with its reasons in
//! the caller's language, the roll-up per key work and unit, the lamp on
//! the ledger, the task page with its trajectory, and the overview's red list.

use crate::helpers::{body, spawn_app, task_body};
use crate::web::{browser, page, sign_in, user_with_password, PASSWORD};
use chrono::{Days, Local};
use serde_json::json;

#[tokio::test]
async fn lamps_explain_themselves_and_roll_up() {
    let app = spawn_app().await;
    let s = app.seed().await; // task "1": due 2021-12-31, long past
    let today = Local::now().date_naive();
    // A task on plan: started a while ago, due far ahead, progress matching the line.
    let mut on_plan = task_body(s.key_work, "2", s.unit_b, s.person);
    on_plan["start_date"] = json!((today - Days::new(10)).to_string());
    on_plan["due_date"] = json!((today + Days::new(90)).to_string());
    on_plan["percent_complete"] = json!("15");
    let green = app.create("/tasks", on_plan).await["id"].as_i64().unwrap();
    // A milestone due in 3 days with nothing done yet: yellow.
    let mut soon = task_body(s.key_work, "3", s.unit_b, s.person);
    soon["start_date"] = json!((today - Days::new(10)).to_string());
    soon["due_date"] = json!((today + Days::new(90)).to_string());
    soon["percent_complete"] = json!("10");
    let yellow = app.create("/tasks", soon).await["id"].as_i64().unwrap();
    app.create(
        &format!("/tasks/{yellow}/milestones"),
        json!({"title": "完成前3条", "planned_date": (today + Days::new(3)).to_string(), "planned_value": "3"}),
    )
    .await;

    // This period's reports are in, so no lamp is yellow for a late report
    // (which would depend on the day of the week the test runs).
    for id in [green, yellow] {
        let url = format!("{}/api/v1/tasks/{id}/reports/{}", app.addr, crate::permissions::this_monday());
        let req =
            app.client.put(url).bearer_auth(&app.admin).json(&json!({"action": "submit", "progress": "按计划推进"}));
        assert_eq!(req.send().await.unwrap().status(), reqwest::StatusCode::OK);
    }
    let lamp = |id: i64, lang: &'static str| {
        let req = app.client.get(format!("{}/api/v1/tasks/{id}/lamp", app.addr)).bearer_auth(&app.leader);
        async move { body(req.header("accept-language", lang).send().await.unwrap()).await.1 }
    };
    let red = lamp(s.task, "zh-CN").await;
    assert_eq!(red["color"], "red", "{red}");
    assert_eq!(red["reasons"][0]["code"], "due_date_passed");
    assert!(red["reason_texts"][0].as_str().unwrap().starts_with("已超过完成时限"), "{red}");
    let red_en = lamp(s.task, "en").await;
    assert!(red_en["reason_texts"][0].as_str().unwrap().ends_with("past the due date"), "{red_en}");
    let g = lamp(green, "zh-CN").await;
    assert_eq!((g["color"].as_str(), g["reasons"].as_array().map(Vec::len)), (Some("green"), Some(0)), "{g}");
    let y = lamp(yellow, "zh-CN").await;
    assert_eq!(y["color"], "yellow", "{y}");
    assert!(
        y["reason_texts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_str().unwrap().contains("节点“完成前3条”将于3天后到期")),
        "{y}"
    );

    let (_, board) = body(app.get("/lamps", &app.leader).await).await;
    assert_eq!(board["key_works"][0]["red"], 1, "{board}");
    assert_eq!(board["key_works"][0]["yellow"], 1);
    assert_eq!(board["key_works"][0]["green"], 1);
    assert_eq!(board["red"], json!([s.task]));
    let units = board["units"].as_array().unwrap();
    let unit_b = units.iter().find(|u| u["id"] == s.unit_b).unwrap();
    assert_eq!((unit_b["yellow"].as_i64(), unit_b["green"].as_i64()), (Some(1), Some(1)));

    // The same on the pages.
    user_with_password(&app, "lm").await;
    let c = browser();
    sign_in(&app, &c, "lm", PASSWORD).await;
    let (_, html) = page(&app, &c, "/ledger").await;
    assert!(html.contains("class=\"lamp lamp-red\"") && html.contains("class=\"lamp lamp-yellow\""), "{html}");
    let (_, html) = page(&app, &c, &format!("/tasks/{yellow}")).await;
    assert!(html.contains("黄灯") && html.contains("将于3天后到期"), "{html}");
    assert!(html.contains("<svg class=\"trajectory\"") && html.contains("class=\"plan\""), "a trajectory chart");
    let (_, html) = page(&app, &c, "/").await;
    assert!(html.contains("红灯任务（1）") && html.contains("已超过完成时限"), "{html}");
    assert!(html.contains("各单位灯色"));
    assert!(
        html.contains("<svg class=\"trend\"") && html.contains("红灯 1 黄灯 1 绿灯 1"),
        "this period's bar of the trend"
    );
    let recorded = app.store.lamp_history(today - Days::new(7)).await.unwrap();
    assert_eq!(recorded.len(), 1, "one key work, this period: {recorded:?}");
    assert_eq!((recorded[0].2.red, recorded[0].2.yellow, recorded[0].2.green), (1, 1, 1));
}
