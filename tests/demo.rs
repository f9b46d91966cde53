//! The demo district: big enough, shaped like the scenario, and always a
//! mix of done, on time, near a deadline and overdue on the day it loads.

use chrono::{Days, NaiveDate};
use tuijin::storage::{connect, TaskQuery};
use tuijin_domain::task::Status;

#[tokio::test]
async fn the_demo_district_has_the_scenarios_shape_and_a_mix_of_states() {
    let dir = tempfile::tempdir().unwrap();
    let store = connect(dir.path().join("demo.db").to_str().unwrap()).await.unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let loaded = tuijin::demo::load(store.as_ref(), today).await.unwrap();
    assert!(loaded.units >= 25 && loaded.people >= 20, "{loaded:?}");
    assert!(loaded.tasks >= 60 && loaded.milestones >= 150 && loaded.relations >= 10, "{loaded:?}");
    assert_eq!(loaded.key_works, 5);
    assert_eq!(loaded.accounts, 4);
    assert!(loaded.reports >= 40, "weeks of reporting: {loaded:?}");
    assert_eq!((loaded.instructions, loaded.extensions), (3, 1));
    assert_eq!(loaded.meetings, 2);

    let units = store.list_units().await.unwrap();
    let people = store.list_people().await.unwrap();
    let unit_name = |id| units.iter().find(|u| u.id == id).unwrap().fields.name.clone();
    let title = |id| people.iter().find(|p| p.id == id).unwrap().fields.title.clone();
    let kws = store.list_key_works().await.unwrap();
    let lead = |name: &str| {
        let k = kws.iter().find(|k| k.fields.name.starts_with(name)).unwrap_or_else(|| panic!("key work {name}"));
        (unit_name(k.fields.lead_body_unit_id), title(k.fields.lead_leader_id))
    };
    assert_eq!(lead("二七商圈区域城市复兴"), ("区委".into(), "区委书记".into()));
    assert_eq!(lead("安置房建设及土地出让"), ("区人大常委会".into(), "区人大常委会主任".into()));
    assert_eq!(lead("基础设施建设"), ("区政协".into(), "区政协主席".into()));
    assert_eq!(lead("区政府年度重点工作").0, "区政府");

    let count = |f: &dyn Fn(&mut TaskQuery)| {
        let mut q = TaskQuery::new(today);
        f(&mut q);
        let store = store.clone();
        async move { store.list_tasks(&q).await.unwrap().total }
    };
    let week = today.checked_add_days(Days::new(7)).unwrap();
    let done = count(&|q| q.statuses = vec![Status::Done]).await;
    let overdue = count(&|q| q.overdue = true).await;
    let due_soon = count(&|q| {
        q.due_from = Some(today);
        q.due_to = Some(week);
        q.statuses = vec![Status::InProgress, Status::NotStarted];
    })
    .await;
    let on_time = count(&|q| {
        q.due_from = Some(week);
        q.statuses = vec![Status::InProgress];
    })
    .await;
    assert!(
        done >= 5 && overdue >= 3 && due_soon >= 3 && on_time >= 15,
        "done {done}, overdue {overdue}, due soon {due_soon}, on time {on_time}"
    );
    let mut all = TaskQuery::new(today);
    all.per_page = 500;
    let tasks = store.list_tasks(&all).await.unwrap().items;
    assert!(tasks.iter().filter(|t| t.fields.parent_id.is_some()).count() >= 20, "sub-tasks");

    // The square-area works are sequenced.
    assert!(store.list_relations(None).await.unwrap().len() >= 10);
    // Demo accounts sign in with the documented password.
    let admin = store.find_user("admin").await.unwrap().unwrap();
    assert!(tuijin::auth::verify_password(tuijin::demo::PASSWORD, admin.password_hash.as_deref().unwrap()));
    let liaison = store.find_user("liaison").await.unwrap().unwrap();
    assert!(liaison.unit_id.is_some());
}
