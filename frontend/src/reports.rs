//! MFA reports as the Reports page draws them: the period asked for, the report's URLs, and the
//! daily chart's bars (scaled to the busiest day, successes and problems stacked). Pure, so it
//! is tested natively; the page only renders.

use elevate_shared::api::paths;
use elevate_shared::api::reports::DayCounts;
use elevate_shared::domain::mfa_report::{Counts, Tally};
use elevate_shared::time::UnixMillis;

/// The chart's drawing area, in SVG units (the SVG scales to its box).
pub const CHART_WIDTH: f64 = 600.0;
pub const CHART_HEIGHT: f64 = 160.0;

/// The `days` days up to and including `now`'s.
pub fn period(now: UnixMillis, days: u64) -> (UnixMillis, UnixMillis) {
    (UnixMillis(now.0.saturating_sub(days.saturating_sub(1) * 86_400_000)), now)
}

pub fn report_url(from: UnixMillis, to: UnixMillis, csv: bool) -> String {
    let format = if csv { "&format=csv" } else { "" };
    format!("{}?from={}&to={}{format}", paths::REPORTS_MFA, from.0, to.0)
}

/// What went right: sign-ins, verifications, activations with MFA.
pub fn good(c: &Counts) -> u64 {
    Tally::ALL.iter().filter(|t| !t.is_problem()).map(|t| c.get(*t)).sum()
}

/// What went wrong or around MFA: failures, lockouts, fraud reports, bare activations, bypasses.
pub fn problems(c: &Counts) -> u64 {
    Tally::ALL.iter().filter(|t| t.is_problem()).map(|t| c.get(*t)).sum()
}

/// One day's bar: where it stands and how tall each part is.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub width: f64,
    pub good: u64,
    pub problems: u64,
    /// Heights in SVG units; the problems part sits on top of the good part.
    pub good_height: f64,
    pub problems_height: f64,
    pub day: UnixMillis,
}

/// A bar per day, the busiest day full height, and the scale's top value.
pub fn bars(days: &[DayCounts]) -> (Vec<Bar>, u64) {
    let top = days.iter().map(|d| good(&d.counts) + problems(&d.counts)).max().unwrap_or(0).max(1);
    let slot = CHART_WIDTH / days.len().max(1) as f64;
    let bars = days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let (g, p) = (good(&d.counts), problems(&d.counts));
            Bar {
                x: i as f64 * slot + slot * 0.15,
                width: slot * 0.7,
                good: g,
                problems: p,
                good_height: CHART_HEIGHT * g as f64 / top as f64,
                problems_height: CHART_HEIGHT * p as f64 / top as f64,
                day: d.day,
            }
        })
        .collect();
    (bars, top)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: u64, sign_ins: u64, failures: u64) -> DayCounts {
        let mut c = Counts::default();
        c.add(Tally::SignIns, sign_ins);
        c.add(Tally::SignInFailures, failures);
        DayCounts { day: UnixMillis(n * 86_400_000), counts: c }
    }

    #[test]
    fn the_busiest_day_is_full_height_and_parts_stack() {
        let (bars, top) = bars(&[day(0, 2, 0), day(1, 6, 2), day(2, 0, 0)]);
        assert_eq!(top, 8);
        assert_eq!(bars.len(), 3);
        assert!((bars[1].good_height + bars[1].problems_height - CHART_HEIGHT).abs() < 1e-9);
        assert!((bars[0].good_height - CHART_HEIGHT / 4.0).abs() < 1e-9);
        assert_eq!((bars[2].good, bars[2].problems), (0, 0));
        assert!(bars[2].x > bars[1].x && bars[1].x > bars[0].x);
        assert_eq!(super::bars(&[]).1, 1, "an empty period still has a scale");
    }

    #[test]
    fn a_period_ends_today_and_urls_carry_it() {
        let now = UnixMillis(10 * 86_400_000 + 5);
        let (from, to) = period(now, 7);
        assert_eq!((from.0, to.0), (4 * 86_400_000 + 5, now.0));
        assert_eq!(
            report_url(from, to, true),
            format!("/api/v1/reports/mfa?from={}&to={}&format=csv", from.0, to.0)
        );
    }

    #[test]
    fn bypasses_and_bare_activations_count_as_problems() {
        let mut c = Counts::default();
        c.add(Tally::Verified, 3);
        c.add(Tally::BypassesUsed, 1);
        c.add(Tally::ActivationsWithoutMfa, 2);
        assert_eq!((good(&c), problems(&c)), (3, 3));
    }
}
