//! Work meetings in the browser: the office creates a meeting, builds and
//! edits its agenda, writes the minutes, records a decision that becomes a
//! task (whose page names the meeting); a liaison reads but cannot write.

use crate::helpers::spawn_app;
use crate::web::{browser, hidden, liaison_with_password, page, sign_in, user_with_password, PASSWORD};
use reqwest::{Client, StatusCode};

async fn post(c: &Client, url: String, form: &[(&str, &str)]) -> (StatusCode, String, String) {
    let res = c.post(url).form(form).send().await.unwrap();
    let status = res.status();
    let location = res.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (status, location, res.text().await.unwrap())
}

#[tokio::test]
async fn the_office_runs_a_meeting_from_its_pages() {
    let app = spawn_app().await;
    let s = app.seed().await;
    user_with_password(&app, "lm").await;
    let o = browser();
    sign_in(&app, &o, "lm", PASSWORD).await;
    let (status, html) = page(&app, &o, "/meetings").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("工作例会") && html.contains("/meetings/new"), "{html}");
    let (_, html) = page(&app, &o, "/meetings/new").await;
    let csrf = hidden(&html, "csrf");
    let (kw, chair, today) =
        (s.key_work.to_string(), s.person.to_string(), chrono::Local::now().date_naive().to_string());

    // A form that cannot be saved comes back with its values and the errors named.
    let (status, _, html) = post(
        &o,
        format!("{}/meetings", app.addr),
        &[
            ("csrf", &csrf),
            ("key_work_ids", &kw),
            ("held_on", &today),
            ("place", ""),
            ("chair_id", &chair),
            ("attendees", "区住建局"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("会议地点不能为空") && html.contains("区住建局"), "{html}");
    let (status, _, _) = post(&o, format!("{}/meetings", app.addr), &[("csrf", "forged"), ("key_work_ids", &kw)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "CSRF");
    assert!(app.store.list_meetings().await.unwrap().is_empty());

    let (status, to, _) = post(
        &o,
        format!("{}/meetings", app.addr),
        &[
            ("csrf", &csrf),
            ("key_work_ids", &kw),
            ("held_on", &today),
            ("starts_at", "9:30"),
            ("place", "区委三楼会议室"),
            ("chair_id", &chair),
            ("attendees", "区住建局、区城管局"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let id = app.store.list_meetings().await.unwrap()[0].id;
    assert_eq!(to, format!("/meetings/{id}"));
    let (_, html) = page(&app, &o, &to).await;
    assert!(
        html.contains("二七商圈区域城市复兴第1次工作例会") && html.contains("09:30") && html.contains("生成议程"),
        "{html}"
    );
    assert!(html.contains(&format!("/documents/minutes?meeting={id}")), "the hook for the 会议纪要 document");

    let (status, _, _) = post(&o, format!("{}/meetings/{id}/agenda/generate", app.addr), &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = post(
        &o,
        format!("{}/meetings/{id}/agenda", app.addr),
        &[("csrf", &csrf), ("title", "研究步行街创建"), ("detail", "")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = page(&app, &o, &to).await;
    assert!(
        html.contains("红灯：1 道路有机更新 1") && html.contains("研究步行街创建") && html.contains("重新生成议程"),
        "{html}"
    );
    let item = app.store.agenda_of(id).await.unwrap()[1].id;
    let (status, _, _) =
        post(&o, format!("{}/agenda-items/{item}", app.addr), &[("csrf", &csrf), ("action", "up")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(app.store.agenda_of(id).await.unwrap()[0].id, item);

    let (status, _, _) = post(
        &o,
        format!("{}/meetings/{id}/minutes", app.addr),
        &[("csrf", &csrf), ("version", "1"), ("minutes", "会议听取了汇报。")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, html) = post(
        &o,
        format!("{}/meetings/{id}/minutes", app.addr),
        &[("csrf", &csrf), ("version", "1"), ("minutes", "覆盖")],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{html}");
    assert!(
        html.contains("已有他人修改了会议记录")
            && html.contains("会议听取了汇报。")
            && html.contains(">覆盖</textarea>"),
        "{html}"
    );
    assert_eq!(hidden(&html, "version"), "2", "saving again is a deliberate overwrite");

    let (unit, deadline) =
        (s.unit_b.to_string(), (chrono::Local::now().date_naive() + chrono::Days::new(7)).to_string());
    let decision = [
        ("csrf", csrf.as_str()),
        ("content", "编制施工时序表"),
        ("lead_unit_id", &unit),
        ("leader_ids", &chair),
        ("deadline", &deadline),
    ];
    let (status, _, _) = post(&o, format!("{}/meetings/{id}/decisions", app.addr), &decision).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = page(&app, &o, &to).await;
    assert!(
        html.contains("会议听取了汇报。") && html.contains("编制施工时序表") && html.contains("交办 2</a>"),
        "{html}"
    );
    assert!(html.contains("未启动"), "the task's status");
    // Under a task of the ledger, by its code; an unknown code is named.
    let under = [
        ("csrf", csrf.as_str()),
        ("content", "明确夜间施工许可"),
        ("lead_unit_id", &unit),
        ("leader_ids", &chair),
        ("deadline", &deadline),
        ("parent_code", "1"),
    ];
    let (status, _, _) = post(&o, format!("{}/meetings/{id}/decisions", app.addr), &under).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let child = app.store.decisions_of(id).await.unwrap()[1].task_id.unwrap();
    let child = app.store.get_task(child).await.unwrap();
    assert_eq!((child.fields.code.as_str(), child.fields.parent_id), ("1-1", Some(s.task)));
    let (status, _, html) = post(
        &o,
        format!("{}/meetings/{id}/decisions", app.addr),
        &[("csrf", csrf.as_str()), ("content", ""), ("deadline", "")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("议定事项不能为空；责任单位不能为空；责任领导不能为空；完成时限不能为空"),
        "every missing field at once: {html}"
    );
    let mut unknown = under;
    unknown[5] = ("parent_code", "99");
    let (status, _, html) = post(&o, format!("{}/meetings/{id}/decisions", app.addr), &unknown).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("上级任务：找不到任务（99）"), "{html}");
    let task = app.store.decisions_of(id).await.unwrap()[0].task_id.unwrap();
    let (_, html) = page(&app, &o, &format!("/tasks/{task}")).await;
    assert!(html.contains("来源") && html.contains("二七商圈区域城市复兴第1次工作例会议定事项"), "{html}");
    assert!(html.contains("将来源设为"), "the task's history says where it came from");

    // A liaison reads the meeting; writing is refused.
    liaison_with_password(&app, "own", s.unit_a).await;
    let l = browser();
    sign_in(&app, &l, "own", PASSWORD).await;
    let (status, html) = page(&app, &l, &to).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("编制施工时序表") && !html.contains("/agenda/generate"), "{html}");
    let lcsrf = hidden(&html, "csrf");
    let (status, _, _) = post(&l, format!("{}/meetings/{id}/agenda/generate", app.addr), &[("csrf", &lcsrf)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, html) = page(&app, &l, "/").await;
    assert!(
        html.contains("下次工作例会") && html.contains(&format!("/meetings/{id}")),
        "the overview links the next meeting"
    );
    let (status, _) = page(&app, &l, "/meetings/new").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A meeting with decisions is not deleted; one without is.
    let (status, _, html) = post(&o, format!("{}/meetings/{id}/delete", app.addr), &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("已有议定事项"), "{html}");
    let (_, to, _) = post(
        &o,
        format!("{}/meetings", app.addr),
        &[("csrf", &csrf), ("key_work_ids", &kw), ("held_on", &today), ("place", "会议室"), ("chair_id", &chair)],
    )
    .await;
    let (_, html) = page(&app, &o, &to).await;
    assert!(html.contains("删除例会"), "{html}");
    let (status, back, _) = post(&o, format!("{}{to}/delete", app.addr), &[("csrf", &csrf)]).await;
    assert_eq!((status, back.as_str()), (StatusCode::SEE_OTHER, "/meetings"));
    assert_eq!(app.store.list_meetings().await.unwrap().len(), 1);
}
