use super::*;
use crate::testing::{date, dec, milestone, task, valued, with_target};
use chrono::Days;

/// Day k of the plan: the base task runs from day 0 (1 January 2021) to
/// day 100 (11 April 2021), so the planned percent on day k is k.
fn day(k: u64) -> NaiveDate {
    date(2021, 1, 1) + Days::new(k)
}

fn base() -> TaskFields {
    task(Some(day(0)), Some(day(100)))
}

fn at_percent(mut t: TaskFields, percent: f64) -> TaskFields {
    t.percent_complete = dec(percent);
    t
}

fn lamp(t: &TaskFields, ms: &[MilestoneFields], progress: &[Point], late: Option<i64>, today: NaiveDate) -> Lamp {
    lamp_with(t, ms, progress, late, today, &LampConfig::default())
}

fn lamp_with(
    t: &TaskFields,
    ms: &[MilestoneFields],
    progress: &[Point],
    late: Option<i64>,
    today: NaiveDate,
    config: &LampConfig,
) -> Lamp {
    evaluate(&LampInput { task: t, milestones: ms, progress, report_late_days: late, today }, config)
}

fn codes(l: &Lamp) -> Vec<&'static str> {
    l.reasons.iter().map(Reason::code).collect()
}

fn done(mut m: MilestoneFields) -> MilestoneFields {
    m.done = true;
    m
}

/// Weekly reports gaining 5 points a week up to 25% on day 49: 100% around day 154.
fn slow_progress() -> Vec<Point> {
    vec![(day(28), 10.0), (day(35), 15.0), (day(42), 20.0), (day(49), 25.0)]
}

// ---- green and closed tasks ----

#[test]
fn a_task_on_plan_is_green() {
    let l = lamp(&at_percent(base(), 50.0), &[], &[], None, day(50));
    assert_eq!(l.color, LampColor::Green);
    assert!(l.reasons.is_empty());
    assert_eq!(l.planned_percent, Some(50.0));
    assert_eq!(l.actual_percent, 50.0);
}

#[test]
fn a_done_task_is_green_whatever_its_dates() {
    let mut t = base();
    t.status = Status::Done;
    let l = lamp(&t, &[milestone("a", day(10))], &slow_progress(), Some(3), day(200));
    assert_eq!(l.color, LampColor::Green);
    assert!(l.reasons.is_empty());
    assert_eq!((l.forecast_finish, l.planned_percent), (None, None));
}

#[test]
fn a_cancelled_task_is_green_too() {
    let mut t = base();
    t.status = Status::Cancelled;
    let l = lamp(&t, &[milestone("a", day(10))], &[], None, day(200));
    assert_eq!((l.color, l.reasons.len()), (LampColor::Green, 0));
}

#[test]
fn a_task_without_dates_milestones_or_progress_is_green_without_a_plan() {
    let l = lamp(&task(None, None), &[], &[], None, day(50));
    assert_eq!(l.color, LampColor::Green);
    assert_eq!((l.planned_percent, l.forecast_finish), (None, None));
}

#[test]
fn a_task_not_yet_started_is_green() {
    let mut t = task(Some(day(30)), Some(day(100)));
    t.status = Status::NotStarted;
    let l = lamp(&t, &[], &[], None, day(10));
    assert_eq!(l.color, LampColor::Green);
    assert_eq!(l.planned_percent, Some(0.0));
}

// ---- red: milestones ----

#[test]
fn a_milestone_past_its_date_is_red_with_the_days() {
    let l = lamp(&at_percent(base(), 45.0), &[milestone("主体结构封顶", day(40))], &[], None, day(45));
    assert_eq!(l.color, LampColor::Red);
    assert_eq!(l.reasons, [Reason::MilestoneOverdue { title: "主体结构封顶".into(), planned_date: day(40), days: 5 }]);
}

#[test]
fn a_milestone_due_today_is_not_overdue() {
    let l = lamp(&at_percent(base(), 50.0), &[milestone("a", day(45))], &[], None, day(45));
    assert!(!codes(&l).contains(&"milestone_overdue"));
    assert_eq!(l.color, LampColor::Green);
}

#[test]
fn a_done_milestone_is_never_overdue() {
    let l = lamp(&at_percent(base(), 45.0), &[done(milestone("a", day(40)))], &[], None, day(45));
    assert_eq!(l.color, LampColor::Green);
}

#[test]
fn every_overdue_milestone_is_a_reason() {
    let ms = [milestone("a", day(10)), done(milestone("b", day(20))), milestone("c", day(30))];
    // Three milestones plan 25/50/75% on days 10/20/30; 85% is ahead of plan.
    let l = lamp(&at_percent(base(), 85.0), &ms, &[], None, day(45));
    assert_eq!(codes(&l), ["milestone_overdue", "milestone_overdue"]);
    assert!(matches!(&l.reasons[1], Reason::MilestoneOverdue { title, days: 15, .. } if title == "c"));
}

// ---- red: due date ----

#[test]
fn past_the_due_date_is_red() {
    let l = lamp(&at_percent(base(), 99.0), &[], &[], None, day(103));
    assert_eq!(l.reasons, [Reason::DueDatePassed { due: day(100), days: 3 }]);
    assert_eq!(l.color, LampColor::Red);
}

#[test]
fn the_due_date_itself_is_not_late() {
    let l = lamp(&at_percent(base(), 99.0), &[], &[], None, day(100));
    assert_eq!(l.color, LampColor::Green);
}

#[test]
fn without_a_due_date_nothing_is_past_due() {
    let t = at_percent(task(Some(day(0)), None), 5.0);
    let l = lamp(&t, &[], &slow_progress(), None, day(500));
    assert_eq!(l.color, LampColor::Green);
    assert!(l.forecast_finish.is_some());
}

// ---- red: forecast ----

#[test]
fn a_forecast_after_the_due_date_is_red() {
    let l = lamp(&base(), &[], &slow_progress(), None, day(49));
    assert_eq!(l.forecast_finish, Some(day(154)));
    assert_eq!(l.color, LampColor::Red);
    assert_eq!(l.reasons[0], Reason::ForecastAfterDue { forecast: day(154), due: day(100) });
    // 25% reported against 49% planned: also behind the trajectory.
    assert_eq!(codes(&l), ["forecast_after_due", "behind_trajectory"]);
}

#[test]
fn a_forecast_on_the_due_date_is_fine() {
    let progress = [(day(28), 28.0), (day(35), 35.0), (day(42), 42.0), (day(49), 49.0)];
    let l = lamp(&base(), &[], &progress, None, day(49));
    assert_eq!(l.forecast_finish, Some(day(100)));
    assert_eq!(l.color, LampColor::Green);
}

#[test]
fn a_paused_task_gets_no_forecast_but_the_other_rules() {
    let mut t = base();
    t.status = Status::Paused;
    let l = lamp(&t, &[], &slow_progress(), None, day(49));
    assert_eq!(l.forecast_finish, None);
    assert_eq!(codes(&l), ["behind_trajectory"]);
    assert_eq!(l.color, LampColor::Yellow);
}

#[test]
fn stalled_progress_has_no_forecast_and_shows_as_behind() {
    let progress = [(day(35), 20.0), (day(42), 20.0), (day(49), 20.0)];
    let l = lamp(&base(), &[], &progress, None, day(49));
    assert_eq!(l.forecast_finish, None);
    assert_eq!(codes(&l), ["behind_trajectory"]);
}

#[test]
fn an_overdue_task_keeps_both_the_overdue_and_the_forecast_reason() {
    let progress = [(day(80), 80.0), (day(87), 85.0), (day(94), 90.0), (day(101), 95.0)];
    let l = lamp(&base(), &[], &progress, None, day(103));
    assert_eq!(codes(&l), ["due_date_passed", "forecast_after_due"]);
    assert_eq!(l.forecast_finish, Some(day(108)));
}

// ---- yellow: milestone soon and behind ----

fn roads() -> TaskFields {
    with_target(at_percent(base(), 50.0), 14.0, "条")
}

#[test]
fn a_milestone_soon_and_behind_its_value_is_yellow() {
    let ms = [valued("打通七条断头路", day(50), 7.0, Some(4.0))];
    let l = lamp(&roads(), &ms, &[], None, day(47));
    assert_eq!(l.color, LampColor::Yellow);
    assert_eq!(
        l.reasons,
        [Reason::MilestoneSoonBehind {
            title: "打通七条断头路".into(),
            planned_date: day(50),
            in_days: 3,
            planned: 7.0,
            actual: 4.0,
            measure: "条".into()
        }]
    );
    assert_eq!(l.reasons[0].text(Lang::Zh), "节点“打通七条断头路”将于3天后到期，计划完成7条，实际完成4条");
}

#[test]
fn exactly_n_days_ahead_warns_and_one_more_does_not() {
    let ms = [valued("a", day(57), 7.0, Some(4.0))];
    assert_eq!(lamp(&roads(), &ms, &[], None, day(50)).color, LampColor::Yellow);
    assert_eq!(lamp(&roads(), &ms, &[], None, day(49)).color, LampColor::Green);
}

#[test]
fn a_milestone_due_today_and_behind_is_yellow() {
    let ms = [valued("a", day(50), 7.0, Some(6.0))];
    let l = lamp(&roads(), &ms, &[], None, day(50));
    assert_eq!(codes(&l), ["milestone_soon_behind"]);
    assert_eq!(l.reasons[0].text(Lang::Zh), "节点“a”今天到期，计划完成7条，实际完成6条");
    assert_eq!(l.reasons[0].text(Lang::En), "milestone \"a\" is due today: planned 7 条, actual 6 条");
}

#[test]
fn a_milestone_soon_but_on_plan_is_green() {
    let ms = [valued("a", day(50), 7.0, Some(7.0))];
    assert_eq!(lamp(&roads(), &ms, &[], None, day(47)).color, LampColor::Green);
}

#[test]
fn a_milestone_with_no_actual_value_counts_as_nothing_done() {
    let ms = [valued("a", day(50), 7.0, None)];
    let l = lamp(&roads(), &ms, &[], None, day(47));
    assert!(matches!(l.reasons[0], Reason::MilestoneSoonBehind { actual, .. } if actual == 0.0));
}

#[test]
fn a_milestone_without_values_compares_the_task_percentages() {
    // Planned 50% on the milestone's date; 45% reported three days before it.
    let l = lamp(&at_percent(base(), 45.0), &[milestone("方案审批", day(50))], &[], None, day(47));
    assert_eq!(codes(&l), ["milestone_soon_behind"]);
    assert_eq!(l.reasons[0].text(Lang::Zh), "节点“方案审批”将于3天后到期，计划完成50%，实际完成45%");
    assert_eq!(l.reasons[0].text(Lang::En), "milestone \"方案审批\" is due in 3 days: planned 50%, actual 45%");
    let ahead = lamp(&at_percent(base(), 50.0), &[milestone("方案审批", day(50))], &[], None, day(47));
    assert_eq!(ahead.color, LampColor::Green);
}

#[test]
fn the_warning_window_is_configurable() {
    let ms = [valued("a", day(53), 7.0, Some(4.0))];
    let narrow = LampConfig { milestone_warning_days: 2, ..LampConfig::default() };
    assert_eq!(lamp_with(&roads(), &ms, &[], None, day(50), &narrow).color, LampColor::Green);
    assert_eq!(lamp(&roads(), &ms, &[], None, day(50)).color, LampColor::Yellow);
}

// ---- yellow: behind the trajectory ----

#[test]
fn exactly_x_points_behind_is_still_green() {
    let l = lamp(&at_percent(base(), 40.0), &[], &[], None, day(50));
    assert_eq!(l.color, LampColor::Green);
}

#[test]
fn more_than_x_points_behind_is_yellow() {
    let l = lamp(&at_percent(base(), 39.9), &[], &[], None, day(50));
    assert_eq!(l.reasons, [Reason::BehindTrajectory { planned: 50.0, actual: 39.9, points: 10.1 }]);
    assert_eq!(l.color, LampColor::Yellow);
}

#[test]
fn the_behind_threshold_is_configurable() {
    let strict = LampConfig { behind_points: 5.0, ..LampConfig::default() };
    let l = lamp_with(&at_percent(base(), 44.0), &[], &[], None, day(50), &strict);
    assert_eq!(codes(&l), ["behind_trajectory"]);
}

#[test]
fn the_latest_reported_point_beats_the_task_percent() {
    let t = at_percent(base(), 50.0);
    let progress = [(day(49), 30.0), (day(21), 20.0), (day(42), 28.0)];
    let l = lamp(&t, &[], &progress, None, day(50));
    assert_eq!(l.actual_percent, 30.0);
    assert_eq!(l.reasons[0], Reason::ForecastAfterDue { forecast: day(245), due: day(100) });
    assert_eq!(l.reasons[1], Reason::BehindTrajectory { planned: 50.0, actual: 30.0, points: 20.0 });
}

// ---- yellow: late report ----

#[test]
fn a_late_report_is_yellow() {
    let l = lamp(&at_percent(base(), 50.0), &[], &[], Some(2), day(50));
    assert_eq!(l.reasons, [Reason::ReportLate { days: 2 }]);
    assert_eq!(l.color, LampColor::Yellow);
    assert_eq!(l.reasons[0].text(Lang::Zh), "本期进度未按时报送（逾期2天）");
}

#[test]
fn a_late_report_can_be_configured_not_to_count() {
    let lenient = LampConfig { report_late_is_yellow: false, ..LampConfig::default() };
    let l = lamp_with(&at_percent(base(), 50.0), &[], &[], Some(2), day(50), &lenient);
    assert_eq!(l.color, LampColor::Green);
}

// ---- several at once ----

#[test]
fn every_reason_is_kept_and_the_worst_colour_wins() {
    let ms = [milestone("a", day(90)), valued("b", day(105), 14.0, Some(10.0))];
    let t = with_target(at_percent(base(), 60.0), 14.0, "条");
    let l = lamp(&t, &ms, &[], Some(1), day(102));
    assert_eq!(
        codes(&l),
        ["milestone_overdue", "due_date_passed", "milestone_soon_behind", "behind_trajectory", "report_late"]
    );
    assert_eq!(l.color, LampColor::Red);
    assert!(l.reasons.iter().any(|r| r.color() == LampColor::Yellow));
}

// ---- texts ----

#[test]
fn red_reasons_read_well_in_chinese() {
    let r = Reason::MilestoneOverdue { title: "主体结构封顶".into(), planned_date: day(1), days: 5 };
    assert_eq!(r.text(Lang::Zh), "节点“主体结构封顶”已逾期5天");
    assert_eq!(Reason::DueDatePassed { due: day(1), days: 3 }.text(Lang::Zh), "已超过完成时限3天");
    let f = Reason::ForecastAfterDue { forecast: date(2021, 9, 15), due: date(2021, 6, 30) };
    assert_eq!(f.text(Lang::Zh), "按目前进度预计2021年9月15日完成，晚于完成时限2021年6月30日");
    let b = Reason::BehindTrajectory { planned: 60.0, actual: 45.0, points: 15.0 };
    assert_eq!(b.text(Lang::Zh), "进度落后计划15个百分点（计划60%，实际45%）");
}

#[test]
fn reasons_read_well_in_english() {
    let r = Reason::MilestoneOverdue { title: "topping out".into(), planned_date: day(1), days: 5 };
    assert_eq!(r.text(Lang::En), "milestone \"topping out\" is 5 days overdue");
    assert_eq!(Reason::DueDatePassed { due: day(1), days: 1 }.text(Lang::En), "1 day past the due date");
    let f = Reason::ForecastAfterDue { forecast: date(2021, 9, 15), due: date(2021, 6, 30) };
    assert_eq!(f.text(Lang::En), "at the current pace it will finish on 15 Sep 2021, after the due date 30 Jun 2021");
    let b = Reason::BehindTrajectory { planned: 60.0, actual: 45.5, points: 14.5 };
    assert_eq!(b.text(Lang::En), "progress is 14.5 points behind plan (planned 60%, actual 45.5%)");
    assert_eq!(Reason::ReportLate { days: 2 }.text(Lang::En), "this period's report is 2 days late");
    let s = Reason::MilestoneSoonBehind {
        title: "x".into(),
        planned_date: day(1),
        in_days: 1,
        planned: 2.0,
        actual: 1.0,
        measure: String::new(),
    };
    assert_eq!(s.text(Lang::En), "milestone \"x\" is due in 1 day: planned 2, actual 1");
}

#[test]
fn reasons_serialise_as_code_and_data() {
    let r = Reason::MilestoneOverdue { title: "a".into(), planned_date: date(2021, 6, 30), days: 5 };
    assert_eq!(
        serde_json::to_value(&r).unwrap(),
        serde_json::json!({"code": "milestone_overdue", "title": "a", "planned_date": "2021-06-30", "days": 5})
    );
    let all = [
        r,
        Reason::DueDatePassed { due: day(1), days: 1 },
        Reason::ForecastAfterDue { forecast: day(2), due: day(1) },
        Reason::MilestoneSoonBehind {
            title: "b".into(),
            planned_date: day(1),
            in_days: 0,
            planned: 1.0,
            actual: 0.0,
            measure: "%".into(),
        },
        Reason::BehindTrajectory { planned: 1.0, actual: 0.0, points: 1.0 },
        Reason::ReportLate { days: 1 },
    ];
    for r in all {
        assert_eq!(serde_json::to_value(&r).unwrap()["code"], r.code());
    }
}

#[test]
fn a_lamp_serialises_for_the_api() {
    let l = lamp(&at_percent(base(), 50.0), &[], &[], Some(2), day(50));
    let v = serde_json::to_value(&l).unwrap();
    assert_eq!(v["color"], "yellow");
    assert_eq!(v["reasons"][0]["code"], "report_late");
    assert_eq!(v["planned_percent"], 50.0);
}

// ---- colours, counts, config ----

#[test]
fn colours_order_by_severity() {
    assert!(LampColor::Red > LampColor::Yellow && LampColor::Yellow > LampColor::Green);
    assert_eq!([LampColor::Yellow, LampColor::Red, LampColor::Green].into_iter().max(), Some(LampColor::Red));
    for c in LampColor::ALL {
        assert_eq!(LampColor::parse(c.as_str()), Some(c));
        assert_eq!(LampColor::parse(c.label(Lang::Zh)), Some(c));
        assert_eq!(serde_json::to_string(&c).unwrap(), format!("\"{}\"", c.as_str()));
    }
    assert_eq!(LampColor::Red.label(Lang::Zh), "红灯");
    assert_eq!(LampColor::Yellow.label(Lang::En), "yellow");
}

#[test]
fn counts_roll_up() {
    let mut c: LampCounts = [LampColor::Green, LampColor::Yellow, LampColor::Green].into_iter().collect();
    assert_eq!((c.green, c.yellow, c.red, c.total()), (2, 1, 0, 3));
    assert_eq!(c.worst(), Some(LampColor::Yellow));
    c.add(LampColor::Red);
    assert_eq!(c.worst(), Some(LampColor::Red));
    let mut sum = LampCounts::default();
    assert_eq!(sum.worst(), None);
    sum.merge(&c);
    sum.merge(&c);
    assert_eq!((sum.green, sum.yellow, sum.red), (4, 2, 2));
    let greens: LampCounts = [LampColor::Green].into_iter().collect();
    assert_eq!(greens.worst(), Some(LampColor::Green));
}

#[test]
fn config_defaults_fill_what_is_missing() {
    let c: LampConfig = serde_json::from_str(r#"{"behind_points": 15}"#).unwrap();
    assert_eq!(c, LampConfig { behind_points: 15.0, ..LampConfig::default() });
    assert_eq!((c.milestone_warning_days, c.report_late_is_yellow), (7, true));
    assert!(serde_json::from_str::<LampConfig>(r#"{"behind_pionts": 15}"#).is_err());
}

#[test]
fn config_values_are_checked() {
    assert!(LampConfig::default().validate().is_ok());
    let bad = LampConfig { milestone_warning_days: -1, behind_points: 120.0, report_late_is_yellow: true };
    let fields: Vec<String> = bad.validate().unwrap_err().0.into_iter().map(|e| e.field).collect();
    assert_eq!(fields, ["milestone_warning_days", "behind_points"]);
}
