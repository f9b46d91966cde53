//! Instructions and extensions on the task page: a leader instructs, the
//! lead unit's liaison answers and asks for more time, the office approves
//! and the page shows the new date beside the original one.

use crate::helpers::spawn_app;
use crate::web::{
    account_with_password, browser, hidden, liaison_with_password, page, sign_in, user_with_password, PASSWORD,
};
use reqwest::StatusCode;
use tuijin_domain::access::Role;

#[tokio::test]
async fn follow_up_happens_on_the_task_page() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let task = format!("/tasks/{}", s.task);
    account_with_password(&app, "chen", Role::Leader, None).await;
    let leader = browser();
    sign_in(&app, &leader, "chen", PASSWORD).await;
    let (_, html) = page(&app, &leader, &task).await;
    let csrf = hidden(&html, "csrf");
    let res = leader
        .post(format!("{}/tasks/{}/instructions", app.addr, s.task))
        .form(&[("csrf", csrf.as_str()), ("text", "请月底前完成管线迁改"), ("respond_within_days", "3")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    liaison_with_password(&app, "own", s.unit_a).await;
    let l = browser();
    sign_in(&app, &l, "own", PASSWORD).await;
    let (_, html) = page(&app, &l, &task).await;
    assert!(html.contains("请月底前完成管线迁改") && html.contains("待反馈"), "{html}");
    let lcsrf = hidden(&html, "csrf");
    let instruction = app.store.instructions_of(s.task).await.unwrap()[0].id;
    let res = l
        .post(format!("{}/instructions/{instruction}/replies", app.addr))
        .form(&[("csrf", lcsrf.as_str()), ("text", "已对接供电公司")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = l
        .post(format!("{}/tasks/{}/extensions", app.addr, s.task))
        .form(&[("csrf", lcsrf.as_str()), ("milestone_id", ""), ("requested_date", "2021-12-01"), ("reason", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("申请的日期须晚于现在的日期"));
    let res = l
        .post(format!("{}/tasks/{}/extensions", app.addr, s.task))
        .form(&[
            ("csrf", lcsrf.as_str()),
            ("milestone_id", ""),
            ("requested_date", "2022-03-31"),
            ("reason", "等待停电窗口"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&app, &l, &task).await;
    assert!(html.contains("已反馈") && html.contains("已对接供电公司") && html.contains("待审批"), "{html}");
    assert!(!html.contains("/decision"), "a liaison cannot decide");

    user_with_password(&app, "lm").await;
    let o = browser();
    sign_in(&app, &o, "lm", PASSWORD).await;
    let (_, html) = page(&app, &o, &task).await;
    let ocsrf = hidden(&html, "csrf");
    let ext = app.store.extensions_of(s.task).await.unwrap()[0].id;
    let res = o
        .post(format!("{}/extensions/{ext}/decision", app.addr))
        .form(&[("csrf", ocsrf.as_str()), ("version", "1"), ("decision", "approve"), ("note", "同意")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&app, &o, &task).await;
    assert!(html.contains("2022年3月31日（已逾期）（原定2021年12月31日）") && html.contains("已批准"), "{html}");
}
