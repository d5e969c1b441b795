//! A what-if curve: its drawing area and scale, where it is at or above the threshold, and
//! its story in sentences for screen readers.

use super::percent;
use lifeboat_api_types::{Counterfactual, CurvePoint, SURVIVAL_THRESHOLD};

/// The drawing area of a curve chart, in viewBox units, and the range of its x axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plot {
    pub width: f64,
    pub height: f64,
    /// Room for the y axis labels on the left and the x axis labels below.
    pub left: f64,
    pub bottom: f64,
    pub top: f64,
    pub right: f64,
    pub x_min: f64,
    pub x_max: f64,
}

impl Plot {
    /// A 320 × 170 chart whose x axis spans the points' range.
    pub fn for_points(points: &[CurvePoint]) -> Self {
        let x_min = points.iter().map(|p| p.x).fold(f64::INFINITY, f64::min);
        let x_max = points.iter().map(|p| p.x).fold(f64::NEG_INFINITY, f64::max);
        let (x_min, x_max) = if x_min.is_finite() && x_max > x_min {
            (x_min, x_max)
        } else {
            (0.0, 1.0)
        };
        Self {
            width: 320.0,
            height: 170.0,
            left: 40.0,
            bottom: 26.0,
            top: 8.0,
            right: 12.0,
            x_min,
            x_max,
        }
    }

    /// Horizontal position of `value`, clamped to the axis.
    pub fn x(&self, value: f64) -> f64 {
        let share = ((value - self.x_min) / (self.x_max - self.x_min)).clamp(0.0, 1.0);
        self.left + share * (self.width - self.left - self.right)
    }

    /// Vertical position of probability `prob` (0 at the bottom).
    pub fn y(&self, prob: f64) -> f64 {
        let bottom = self.height - self.bottom;
        bottom - prob.clamp(0.0, 1.0) * (bottom - self.top)
    }

    /// The SVG path through `points`, in their order (the API sends them by x).
    pub fn path(&self, points: &[CurvePoint]) -> String {
        points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let command = if i == 0 { 'M' } else { 'L' };
                format!("{command}{:.1} {:.1}", self.x(p.x), self.y(p.prob))
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The stretches of x where the curve is at or above the survival threshold, as
/// `(from, to)` between sample points.
pub fn stretches_above(points: &[CurvePoint]) -> Vec<(f64, f64)> {
    let mut stretches = Vec::new();
    let mut open: Option<(f64, f64)> = None;
    for p in points {
        match (&mut open, p.prob >= SURVIVAL_THRESHOLD) {
            (Some((_, to)), true) => *to = p.x,
            (None, true) => open = Some((p.x, p.x)),
            (Some(_), false) => stretches.extend(open.take()),
            (None, false) => {}
        }
    }
    stretches.extend(open);
    stretches
}

/// What a screen reader hears for a curve: its ends, its extremes, where it reaches the
/// survival threshold, and the passenger's own point. `name` is the input (`"age"`), `show` writes a value.
pub fn curve_summary(
    name: &str,
    points: &[CurvePoint],
    current: Option<(f64, f64)>,
    show: fn(f64) -> String,
) -> String {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return format!("Chance of survival over {name}: no data.");
    };
    let extreme = |better: fn(f64, f64) -> bool| {
        points.iter().fold(
            first,
            |best, p| if better(p.prob, best.prob) { p } else { best },
        )
    };
    let (high, low) = (extreme(|a, b| a > b), extreme(|a, b| a < b));
    let above = match stretches_above(points).as_slice() {
        [] => format!("below {} everywhere", percent(SURVIVAL_THRESHOLD)),
        stretches => {
            let parts: Vec<String> = stretches
                .iter()
                .map(|&(from, to)| match from == to {
                    true => show(from),
                    false => format!("{} to {}", show(from), show(to)),
                })
                .collect();
            let threshold = percent(SURVIVAL_THRESHOLD);
            format!("{threshold} or more for {name} {}", parts.join(", "))
        }
    };
    let here = match current {
        Some((x, prob)) => format!("This passenger, {name} {}: {}.", show(x), percent(prob)),
        None => format!("This passenger's {name} is unknown."),
    };
    format!(
        "Chance of survival over {name}: {} at {}, {} at {}; highest {} at {}, lowest {} at {}; {above}. {here}",
        percent(first.prob),
        show(first.x),
        percent(last.prob),
        show(last.x),
        percent(high.prob),
        show(high.x),
        percent(low.prob),
        show(low.x),
    )
}

/// A counterfactual's changes in words: `"Ticket class 3 → 1 and Fare 8.05 → 30"`.
pub fn changes(counterfactual: &Counterfactual) -> String {
    counterfactual
        .changes
        .iter()
        .map(|c| format!("{} {} → {}", c.feature.label(), c.from, c.to))
        .collect::<Vec<_>>()
        .join(" and ")
}

/// The nearest change that flips the verdict, or that none does.
pub fn flip_sentence(counterfactual: Option<&Counterfactual>) -> String {
    match counterfactual {
        Some(c) => format!(
            "The verdict flips if: {} (chance {}).",
            changes(c),
            percent(c.prob)
        ),
        None => "No change of up to two inputs flips the verdict.".to_owned(),
    }
}

/// The nearest flip when age may change too, or that none does.
pub fn age_sentence(alternative: Option<&Counterfactual>) -> String {
    match alternative {
        Some(c) => format!(
            "Allowing age to change too: {} (chance {}).",
            changes(c),
            percent(c.prob)
        ),
        None => "No change of up to two inputs that involves age flips the verdict.".to_owned(),
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::super::number;
    use super::*;
    use lifeboat_api_types::{Change, Feature, InferenceRequest};

    fn curve(probs: &[f64]) -> Vec<CurvePoint> {
        probs
            .iter()
            .enumerate()
            .map(|(x, &prob)| CurvePoint { x: x as f64, prob })
            .collect()
    }

    #[test]
    fn a_plot_maps_its_range_onto_the_drawing_area() {
        let points = curve(&[0.2, 0.8, 0.4]);
        let plot = Plot::for_points(&points);
        assert_eq!(plot.x(0.0), plot.left);
        assert_eq!(plot.x(2.0), plot.width - plot.right);
        assert_eq!(plot.x(99.0), plot.width - plot.right);
        assert_eq!(plot.y(0.0), plot.height - plot.bottom);
        assert_eq!(plot.y(1.0), plot.top);
        assert_eq!(plot.path(&points), "M40.0 116.8 L174.0 35.2 L308.0 89.6");
        assert_eq!(Plot::for_points(&[]).x_max, 1.0);
    }

    #[test]
    fn stretches_at_or_above_half_are_found() {
        let points = curve(&[0.6, 0.7, 0.3, 0.5, 0.2, 0.9]);
        assert_eq!(
            stretches_above(&points),
            [(0.0, 1.0), (3.0, 3.0), (5.0, 5.0)]
        );
        assert!(stretches_above(&curve(&[0.1, 0.2])).is_empty());
    }

    #[test]
    fn a_curve_summary_names_ends_extremes_and_the_passenger() {
        let points = curve(&[0.6, 0.7, 0.3, 0.2]);
        let summary = curve_summary("age", &points, Some((2.0, 0.3)), number);
        assert_eq!(
            summary,
            "Chance of survival over age: 60 % at 0, 20 % at 3; highest 70 % at 1, \
             lowest 20 % at 3; 50 % or more for age 0 to 1. This passenger, age 2: 30 %."
        );
        let flat = curve_summary("fare", &curve(&[0.1, 0.2]), None, number);
        assert!(flat.contains("below 50 % everywhere"), "{flat}");
        assert!(
            flat.ends_with("This passenger's fare is unknown."),
            "{flat}"
        );
        assert_eq!(
            curve_summary("age", &[], None, number),
            "Chance of survival over age: no data."
        );
    }

    #[test]
    fn counterfactuals_read_as_sentences() {
        let flip = Counterfactual {
            changes: vec![
                Change {
                    feature: Feature::Pclass,
                    from: "3".into(),
                    to: "1".into(),
                },
                Change {
                    feature: Feature::Fare,
                    from: "8.05".into(),
                    to: "30".into(),
                },
            ],
            passenger: InferenceRequest::default(),
            prob: 0.62,
            distance: 1.4,
        };
        assert_eq!(
            flip_sentence(Some(&flip)),
            "The verdict flips if: Ticket class 3 → 1 and Fare 8.05 → 30 (chance 62 %)."
        );
        assert_eq!(
            flip_sentence(None),
            "No change of up to two inputs flips the verdict."
        );
        assert!(age_sentence(Some(&flip)).starts_with("Allowing age to change too: Ticket"));
        assert!(age_sentence(None).contains("involves age"));
    }
}
