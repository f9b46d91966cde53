use super::*;
use crate::testing::{date, milestone, task, valued, with_target};

fn jan(d: u32) -> NaiveDate {
    date(2021, 1, d)
}

fn round(path: Vec<Point>) -> Vec<(NaiveDate, f64)> {
    path.into_iter().map(|(d, p)| (d, (p * 10.0).round() / 10.0)).collect()
}

fn approx(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[test]
fn milestones_without_values_are_spread_evenly_before_a_later_due_date() {
    let t = task(Some(date(2021, 1, 1)), Some(date(2021, 4, 1)));
    let ms = [milestone("a", date(2021, 2, 1)), milestone("b", date(2021, 3, 1))];
    assert_eq!(
        round(planned_path(&t, &ms)),
        [(date(2021, 1, 1), 0.0), (date(2021, 2, 1), 33.3), (date(2021, 3, 1), 66.7), (date(2021, 4, 1), 100.0)]
    );
}

#[test]
fn the_last_milestone_on_the_due_date_is_the_hundred_percent_step() {
    let t = task(Some(jan(1)), Some(jan(30)));
    let ms = [milestone("a", jan(10)), milestone("b", jan(30))];
    assert_eq!(planned_path(&t, &ms), [(jan(1), 0.0), (jan(10), 50.0), (jan(30), 100.0)]);
}

#[test]
fn without_a_due_date_the_last_milestone_is_hundred_percent() {
    let t = task(Some(jan(1)), None);
    let ms = [milestone("a", jan(10)), milestone("b", jan(20)), milestone("c", jan(30))];
    let path = round(planned_path(&t, &ms));
    assert_eq!(path, [(jan(1), 0.0), (jan(10), 33.3), (jan(20), 66.7), (jan(30), 100.0)]);
}

#[test]
fn planned_values_over_the_target_give_the_percentages() {
    let t = with_target(task(Some(jan(1)), Some(date(2021, 12, 31))), 14.0, "条");
    let ms = [valued("七条", date(2021, 6, 30), 7.0, None), valued("全部", date(2021, 11, 30), 14.0, None)];
    assert_eq!(
        planned_path(&t, &ms),
        [(jan(1), 0.0), (date(2021, 6, 30), 50.0), (date(2021, 11, 30), 100.0), (date(2021, 12, 31), 100.0)]
    );
}

#[test]
fn unvalued_milestones_fill_in_between_valued_ones() {
    let t = with_target(task(Some(jan(1)), Some(date(2021, 12, 31))), 14.0, "条");
    let ms = [milestone("设计", date(2021, 3, 1)), valued("七条", date(2021, 6, 30), 7.0, None)];
    let path = planned_path(&t, &ms);
    assert_eq!(path[1], (date(2021, 3, 1), 25.0));
    assert_eq!(path[2], (date(2021, 6, 30), 50.0));
}

#[test]
fn a_zero_target_counts_as_no_target() {
    let t = with_target(task(Some(jan(1)), Some(jan(30))), 0.0, "个");
    let ms = [valued("a", jan(10), 1.0, None), valued("b", jan(30), 2.0, None)];
    assert_eq!(planned_path(&t, &ms)[1], (jan(10), 50.0));
}

#[test]
fn the_path_never_falls_and_never_leaves_0_to_100() {
    let t = with_target(task(Some(jan(1)), Some(jan(30))), 10.0, "个");
    let ms = [valued("a", jan(10), 6.0, None), valued("b", jan(20), 4.0, None), valued("c", jan(25), 30.0, None)];
    assert_eq!(
        planned_path(&t, &ms),
        [(jan(1), 0.0), (jan(10), 60.0), (jan(20), 60.0), (jan(25), 100.0), (jan(30), 100.0)]
    );
}

#[test]
fn points_on_one_date_merge_into_the_highest() {
    let t = task(Some(jan(1)), Some(jan(30)));
    let ms = [milestone("a", jan(15)), milestone("b", jan(15)), milestone("c", jan(1))];
    let path = round(planned_path(&t, &ms));
    // c on the start date, a and b on the 15th, the due date a step later.
    assert_eq!(path, [(jan(1), 25.0), (jan(15), 75.0), (jan(30), 100.0)]);
}

#[test]
fn without_a_start_date_the_path_begins_at_the_first_milestone() {
    let t = task(None, Some(jan(30)));
    let ms = [milestone("b", jan(20)), milestone("a", jan(10))];
    let path = planned_path(&t, &ms);
    assert_eq!(round(path.clone()), [(jan(10), 33.3), (jan(20), 66.7), (jan(30), 100.0)]);
    assert_eq!(planned_percent_at(&path, jan(9)), Some(0.0));
}

#[test]
fn a_task_without_dates_has_no_plan() {
    let path = planned_path(&task(None, None), &[]);
    assert!(path.is_empty());
    assert_eq!(planned_percent_at(&path, jan(1)), None);
    assert_eq!(planned_path(&task(None, Some(jan(30))), &[]), [(jan(30), 100.0)]);
}

#[test]
fn interpolation_is_linear_between_points() {
    let path = planned_path(&task(Some(jan(1)), Some(jan(31))), &[]);
    assert_eq!(planned_percent_at(&path, jan(1)), Some(0.0));
    assert!(approx(planned_percent_at(&path, jan(16)), 50.0));
    assert!(approx(planned_percent_at(&path, jan(4)), 10.0));
    assert_eq!(planned_percent_at(&path, jan(31)), Some(100.0));
    assert_eq!(planned_percent_at(&path, date(2020, 12, 31)), Some(0.0));
    assert_eq!(planned_percent_at(&path, date(2021, 2, 1)), Some(100.0));
}

#[test]
fn a_path_ending_on_a_partial_milestone_stays_there() {
    let t = with_target(task(Some(jan(1)), None), 14.0, "条");
    let path = planned_path(&t, &[valued("七条", jan(11), 7.0, None)]);
    assert!(approx(planned_percent_at(&path, jan(6)), 25.0));
    assert_eq!(planned_percent_at(&path, jan(30)), Some(50.0));
}

#[test]
fn steady_weekly_progress_is_extrapolated() {
    let pts = [(jan(1), 10.0), (jan(8), 20.0), (jan(15), 30.0), (jan(22), 40.0)];
    // 10 points a week; 60 to go → 42 days after 22 January.
    assert_eq!(forecast_finish(&pts, jan(22)), Some(date(2021, 3, 5)));
}

#[test]
fn the_recent_pace_counts_not_the_whole_history() {
    let pts =
        [(jan(1), 0.0), (jan(29), 5.0), (date(2021, 2, 5), 10.0), (date(2021, 2, 12), 20.0), (date(2021, 2, 19), 40.0)];
    // Last four points: 5 → 40 in 21 days = 5/3 a day; 60 to go → 36 days.
    assert_eq!(forecast_finish(&pts, date(2021, 2, 19)), Some(date(2021, 3, 27)));
}

#[test]
fn a_window_shorter_than_a_week_falls_back_to_all_points() {
    let pts = [(jan(1), 0.0), (jan(18), 25.0), (jan(19), 30.0), (jan(20), 35.0), (jan(21), 38.0), (jan(21), 40.0)];
    // The last four dates span 3 days (< 7): use all, 40 in 20 days = 2 a day.
    assert_eq!(forecast_finish(&pts, jan(21)), Some(date(2021, 2, 20)));
}

#[test]
fn no_progress_means_no_forecast() {
    assert_eq!(forecast_finish(&[(jan(1), 30.0), (jan(8), 30.0), (jan(15), 30.0)], jan(15)), None);
    assert_eq!(forecast_finish(&[(jan(1), 40.0), (jan(8), 35.0)], jan(15)), None);
    assert_eq!(forecast_finish(&[(jan(1), 40.0)], jan(15)), None);
    assert_eq!(forecast_finish(&[], jan(15)), None);
}

#[test]
fn a_task_at_hundred_percent_finished_on_that_date() {
    assert_eq!(forecast_finish(&[(jan(1), 50.0), (jan(8), 100.0)], jan(20)), Some(jan(8)));
    assert_eq!(forecast_finish(&[(jan(8), 100.0)], jan(20)), Some(jan(8)));
}

#[test]
fn input_order_does_not_matter_but_the_last_correction_does() {
    let sorted = [(jan(1), 10.0), (jan(8), 20.0), (jan(15), 30.0), (jan(22), 40.0)];
    let shuffled = [(jan(15), 30.0), (jan(1), 10.0), (jan(22), 40.0), (jan(8), 20.0)];
    assert_eq!(forecast_finish(&shuffled, jan(22)), forecast_finish(&sorted, jan(22)));
    // 22 January first reported 90, then corrected to 40.
    let corrected = [(jan(22), 90.0), (jan(1), 10.0), (jan(8), 20.0), (jan(15), 30.0), (jan(22), 40.0)];
    assert_eq!(forecast_finish(&corrected, jan(22)), forecast_finish(&sorted, jan(22)));
}

#[test]
fn a_forecast_never_lies_in_the_past() {
    let pts = [(jan(1), 10.0), (jan(8), 20.0), (jan(15), 30.0), (jan(22), 40.0)];
    assert_eq!(forecast_finish(&pts, date(2021, 6, 1)), Some(date(2021, 6, 1)));
}

#[test]
fn decimals_become_floats_at_the_edge() {
    assert_eq!(to_f64(&crate::testing::dec(37.5)), 37.5);
    assert_eq!(to_f64(&Decimal::ONE_HUNDRED), 100.0);
}
