//! The trajectory chart (进度轨迹) as server-rendered SVG: the planned path
//! (dashed), the reported actuals (solid, with dots), the forecast from
//! the last report to 100 % (dotted red) and today's line. Geometry only;
//! the template draws it.

use chrono::NaiveDate;
use tuijin_domain::trajectory::Point;

pub const WIDTH: f64 = 600.0;
pub const HEIGHT: f64 = 200.0;
const LEFT: f64 = 34.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 8.0;
const BOTTOM: f64 = 22.0;

pub struct Chart {
    pub plan: String,
    pub actual: String,
    pub dots: Vec<(String, String)>,
    pub forecast: Option<String>,
    pub today_x: String,
    /// (x, label) of the first and last dates on the axis.
    pub x_labels: Vec<(String, String)>,
}

/// Scales dates and percents into the drawing area.
struct Scale {
    from: NaiveDate,
    days: f64,
}

impl Scale {
    fn x(&self, d: NaiveDate) -> f64 {
        LEFT + (d - self.from).num_days() as f64 / self.days * (WIDTH - LEFT - RIGHT)
    }

    fn y(&self, percent: f64) -> f64 {
        TOP + (1.0 - percent.clamp(0.0, 100.0) / 100.0) * (HEIGHT - TOP - BOTTOM)
    }

    fn line(&self, points: &[Point]) -> String {
        points.iter().map(|(d, p)| format!("{:.1},{:.1}", self.x(*d), self.y(*p))).collect::<Vec<_>>().join(" ")
    }
}

/// The chart, or `None` when there is nothing to draw (no plan, no report).
pub fn trajectory(
    plan: &[Point],
    actual: &[Point],
    forecast: Option<NaiveDate>,
    today: NaiveDate,
    label: impl Fn(NaiveDate) -> String,
) -> Option<Chart> {
    if plan.is_empty() && actual.is_empty() {
        return None;
    }
    let mut actual = actual.to_vec();
    actual.sort_by_key(|(d, _)| *d);
    let dates = plan.iter().chain(actual.iter()).map(|(d, _)| *d).chain(forecast).chain([today]);
    let from = dates.clone().min()?;
    let to = dates.max()?;
    let s = Scale { from, days: ((to - from).num_days().max(1)) as f64 };
    let forecast = match (forecast, actual.last()) {
        (Some(f), Some(last)) => Some(s.line(&[*last, (f, 100.0)])),
        _ => None,
    };
    Some(Chart {
        plan: s.line(plan),
        dots: actual.iter().map(|(d, p)| (format!("{:.1}", s.x(*d)), format!("{:.1}", s.y(*p)))).collect(),
        actual: s.line(&actual),
        forecast,
        today_x: format!("{:.1}", s.x(today)),
        x_labels: vec![(format!("{LEFT:.1}"), label(from)), (format!("{:.1}", WIDTH - RIGHT), label(to))],
    })
}

/// y of a percent gridline, for the template's axis labels.
pub fn grid_y(percent: f64) -> String {
    format!("{:.1}", TOP + (1.0 - percent / 100.0) * (HEIGHT - TOP - BOTTOM))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, m, day).unwrap()
    }

    #[test]
    fn the_plan_spans_the_width_from_zero_to_a_hundred() {
        let c = trajectory(&[(d(1, 1), 0.0), (d(12, 31), 100.0)], &[], None, d(6, 1), |x| x.to_string()).unwrap();
        assert_eq!(c.plan, "34.0,178.0 592.0,8.0");
        assert_eq!(c.x_labels[0].1, "2021-01-01");
        assert_eq!(c.x_labels[1].1, "2021-12-31");
    }

    #[test]
    fn actuals_are_sorted_and_the_forecast_runs_from_the_last_to_a_hundred() {
        let plan = [(d(1, 1), 0.0), (d(1, 11), 100.0)];
        let c =
            trajectory(&plan, &[(d(1, 6), 50.0), (d(1, 2), 10.0)], Some(d(1, 21)), d(1, 6), |x| x.to_string()).unwrap();
        // 20 days wide: the 2nd is 1/20 of the way, the 6th 5/20.
        assert_eq!(c.actual, "61.9,161.0 173.5,93.0");
        assert_eq!(c.forecast.as_deref(), Some("173.5,93.0 592.0,8.0"));
        assert_eq!(c.dots.len(), 2);
    }

    #[test]
    fn nothing_to_draw_is_no_chart() {
        assert!(trajectory(&[], &[], None, d(1, 1), |x| x.to_string()).is_none());
    }

    #[test]
    fn percents_outside_the_scale_stay_inside_the_frame() {
        let c = trajectory(&[(d(1, 1), -5.0), (d(1, 2), 140.0)], &[], None, d(1, 1), |x| x.to_string()).unwrap();
        assert_eq!(c.plan, "34.0,178.0 592.0,8.0");
    }
}
