//! The words and numbers behind the calculator's explanation and what-if charts, as plain
//! Rust: numbers as people write them here; the explanation's bars in [`bars`]; the what-if
//! curves' scales, paths and sentences in [`curve`].

mod bars;
mod curve;

pub use bars::{Bar, bar_scale, bars, explanation_summary, squeeze};
pub use curve::{Plot, age_sentence, changes, curve_summary, flip_sentence, stretches_above};

/// A probability as a whole percentage for people: `"38 %"`.
pub fn percent(prob: f64) -> String {
    format!("{:.0} %", (prob * 100.0).clamp(0.0, 100.0).round())
}

/// The verdict in words, as the calculator says it.
pub fn verdict(survived: bool) -> &'static str {
    if survived {
        "Likely survived"
    } else {
        "Likely did not survive"
    }
}

/// A number as people write it: at most two decimals, none when whole (`8.05`, `30`).
pub fn number(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0" } else { text }.to_owned()
}

/// A contribution (0–1 scale) in percentage points, its direction in the text as well as in
/// the colour: `"+31 points"`, `"−4 points"`, `"about 0 points"`.
pub fn points(contribution: f64) -> String {
    let points = (contribution * 100.0).round() as i64;
    let unit = if points.abs() == 1 { "point" } else { "points" };
    match points {
        0 => "about 0 points".to_owned(),
        p if p > 0 => format!("+{p} {unit}"),
        p => format!("−{} {unit}", -p),
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn points_carry_their_sign_in_words() {
        assert_eq!(points(0.314), "+31 points");
        assert_eq!(points(-0.04), "−4 points");
        assert_eq!(points(0.01), "+1 point");
        assert_eq!(points(0.004), "about 0 points");
        assert_eq!(percent(0.384), "38 %");
        assert_eq!(percent(1.2), "100 %");
    }

    #[test]
    fn numbers_drop_needless_decimals() {
        assert_eq!(number(8.05), "8.05");
        assert_eq!(number(30.0), "30");
        assert_eq!(number(7.5), "7.5");
        assert_eq!(number(-0.001), "0");
    }
}
