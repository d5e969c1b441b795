//! An explanation's bars: contributions sorted, scaled and worded, and what a screen reader
//! hears in place of the drawing.

use super::{percent, points};
use lifeboat_api_types::Contribution;

/// One bar of an explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// The input, its value and its effect in words: `"Sex = female: +31 points"`.
    pub label: String,
    pub input: &'static str,
    pub value: String,
    pub effect: String,
    pub contribution: f64,
}

/// The bars of an explanation, the largest effect (either way) first.
pub fn bars(contributions: &[Contribution]) -> Vec<Bar> {
    let mut sorted: Vec<&Contribution> = contributions.iter().collect();
    sorted.sort_unstable_by(|a, b| b.contribution.abs().total_cmp(&a.contribution.abs()));
    sorted
        .into_iter()
        .map(|c| {
            let effect = points(c.contribution);
            Bar {
                label: format!("{} = {}: {effect}", c.feature.label(), c.value),
                input: c.feature.label(),
                value: c.value.clone(),
                effect,
                contribution: c.contribution,
            }
        })
        .collect()
}

/// Drawing units per unit of contribution, so that the longest bar spans `half_width` on its
/// side of the zero line (tiny explanations are not blown up past a 25-point bar).
pub fn bar_scale(bars: &[Bar], half_width: f64) -> f64 {
    let longest = bars
        .iter()
        .map(|b| b.contribution.abs())
        .fold(0.25, f64::max);
    half_width / longest
}

/// The length to squeeze `label` into when, at `font_size`, it would run past `width` (all in
/// drawing units); `None` when it fits. Estimated at half an em and a bit per character, a
/// little generous for the system fonts.
pub fn squeeze(label: &str, font_size: f64, width: f64) -> Option<f64> {
    let estimate = label.chars().count() as f64 * font_size * 0.56;
    (estimate > width).then_some(width)
}

/// What a screen reader hears for an explanation chart.
pub fn explanation_summary(model: &str, prob: f64, base: f64, bars: &[Bar]) -> String {
    let lines: Vec<&str> = bars.iter().map(|b| b.label.as_str()).collect();
    format!(
        "Contributions to the {model} answer of {}: average passenger {}; {}",
        percent(prob),
        percent(base),
        lines.join("; ")
    )
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;
    use lifeboat_api_types::Feature;

    fn contribution(feature: Feature, value: &str, contribution: f64) -> Contribution {
        Contribution {
            feature,
            value: value.into(),
            contribution,
        }
    }

    #[test]
    fn bars_come_largest_effect_first_and_read_as_sentences() {
        let bars = bars(&[
            contribution(Feature::Age, "29", -0.02),
            contribution(Feature::Sex, "female", 0.31),
            contribution(Feature::Pclass, "3", -0.12),
        ]);
        let labels: Vec<&str> = bars.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Sex = female: +31 points",
                "Ticket class = 3: −12 points",
                "Age = 29: −2 points"
            ]
        );
        assert!((bar_scale(&bars, 155.0) - 500.0).abs() < 1e-9);
        let summary = explanation_summary("Random forest", 0.55, 0.38, &bars);
        assert!(
            summary.starts_with(
                "Contributions to the Random forest answer of 55 %: average passenger 38 %; Sex = female"
            ),
            "{summary}"
        );
    }

    #[test]
    fn only_labels_too_long_for_the_chart_are_squeezed() {
        assert_eq!(squeeze("Sex = female: +31 points", 13.0, 340.0), None);
        let long = "Port of embarkation = unknown (taken as Southampton): −3 points";
        assert_eq!(squeeze(long, 13.0, 340.0), Some(340.0));
    }

    #[test]
    fn small_effects_are_not_blown_up_to_full_width() {
        let bars = bars(&[contribution(Feature::Fare, "8.05", 0.01)]);
        assert!((bar_scale(&bars, 100.0) - 400.0).abs() < 1e-9);
        assert!(bar_scale(&[], 100.0).is_finite());
    }
}
