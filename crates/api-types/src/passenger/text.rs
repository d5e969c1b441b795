//! Text → number: the one rule for everything typed or read from a file (the web form, a
//! batch file, the data set). It agrees with the JSON API ([`crate::whole`]): `2` and `2.0`
//! are the same whole number, `2.5` is not one. Space around the number is ignored; empty
//! text is "not given", which the [`rules`](super::rules) may allow (an unknown age) or not
//! (a missing class).

/// Why text is not a whole number.
pub const NOT_WHOLE: &str = "must be a whole number";
/// Why text is not a number.
pub const NOT_A_NUMBER: &str = "must be a number";

/// A whole number, `None` for empty text, or [`NOT_WHOLE`].
pub fn whole(text: &str) -> Result<Option<i64>, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Ok(n) = text.parse::<i64>() {
        return Ok(Some(n));
    }
    // Past ±2^53 a float cannot hold every whole number; none of our fields go that far.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    match text.parse::<f64>() {
        Ok(n) if n.fract() == 0.0 && n.abs() <= EXACT => Ok(Some(n as i64)),
        _ => Err(NOT_WHOLE),
    }
}

/// A finite number, `None` for empty text, or [`NOT_A_NUMBER`].
pub fn decimal(text: &str) -> Result<Option<f64>, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(Some(n)),
        _ => Err(NOT_A_NUMBER),
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn a_whole_number_may_be_written_with_a_point_as_in_json() {
        assert_eq!(whole("2"), Ok(Some(2)));
        assert_eq!(whole(" 2.0 "), Ok(Some(2)));
        assert_eq!(whole("-3"), Ok(Some(-3)));
        assert_eq!(whole(""), Ok(None));
        assert_eq!(whole("  "), Ok(None));
    }

    #[test]
    fn a_fraction_or_a_word_is_not_a_whole_number() {
        for text in ["2.5", "two", "NaN", "inf", "1e300", "0x10"] {
            assert_eq!(whole(text), Err(NOT_WHOLE), "{text}");
        }
    }

    #[test]
    fn a_decimal_is_any_finite_number() {
        assert_eq!(decimal("7.25"), Ok(Some(7.25)));
        assert_eq!(decimal(" 22 "), Ok(Some(22.0)));
        assert_eq!(decimal(""), Ok(None));
        for text in ["abc", "NaN", "inf", "-inf"] {
            assert_eq!(decimal(text), Err(NOT_A_NUMBER), "{text}");
        }
    }
}
