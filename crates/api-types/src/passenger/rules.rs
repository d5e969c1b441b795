//! The rules every passenger passes, on every path: the calculator, the API, a batch file
//! and the data set. The bounds are written here once; the check's messages, the OpenAPI
//! document (`*_schema`) and the web form's spinners read them from here.

use super::{Embarked, Sex};

/// Ticket classes run from 1st to 3rd.
pub const PCLASS_MIN: i64 = 1;
pub const PCLASS_MAX: i64 = 3;
/// Oldest age accepted, in years; the youngest is 0.
pub const AGE_MAX: f64 = 120.0;
/// Most siblings or spouses, and most parents or children, aboard; the fewest is 0.
pub const RELATIVES_MAX: i64 = 20;
/// Highest fare accepted, in pounds; the lowest is 0.
pub const FARE_MAX: f64 = 1000.0;

/// The reason for a field that must be there and is not.
pub const REQUIRED: &str = "is required";

/// `a, b or c`.
fn alternatives(items: &[String]) -> String {
    match items.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Why a class is refused: `must be 1, 2 or 3`.
pub fn pclass_reason() -> String {
    let classes: Vec<String> = (PCLASS_MIN..=PCLASS_MAX).map(|c| c.to_string()).collect();
    format!("must be {}", alternatives(&classes))
}

/// Why a sex is refused: `must be "male" or "female"`.
pub fn sex_reason() -> String {
    let words: Vec<String> = Sex::ALL
        .iter()
        .map(|s| format!("{:?}", s.as_str()))
        .collect();
    format!("must be {}", alternatives(&words))
}

/// Why a port is refused: `must be S, C or Q`.
pub fn embarked_reason() -> String {
    let ports: Vec<String> = Embarked::ALL
        .iter()
        .map(|p| p.as_str().to_owned())
        .collect();
    format!("must be {}", alternatives(&ports))
}

/// Why an age or a fare is refused: `must be between 0 and {max}`.
pub(super) fn between_reason(max: f64) -> String {
    format!("must be between 0 and {max}")
}

/// Why a count of relatives is refused.
pub(super) fn relatives_reason() -> String {
    format!("must be a whole number from 0 to {RELATIVES_MAX}")
}

/// The fields' schemas in the OpenAPI document, built from the bounds and words above.
#[cfg(feature = "openapi")]
pub mod schema {
    use super::{Embarked, Sex};
    use crate::bounded::{amount, whole};
    use utoipa::openapi::schema::{Object, ObjectBuilder, SchemaType, Type};

    fn bound(n: i64) -> u64 {
        u64::try_from(n).unwrap_or_default()
    }

    /// `pclass`.
    pub fn pclass() -> Object {
        let (min, max) = (super::PCLASS_MIN, super::PCLASS_MAX);
        whole(
            bound(min),
            bound(max),
            false,
            format!("Ticket class, {min}–{max}"),
            None,
        )
    }

    /// `sibsp` and `parch`.
    pub fn relatives() -> Object {
        let max = super::RELATIVES_MAX;
        whole(
            0,
            bound(max),
            false,
            format!("How many aboard, 0–{max}"),
            None,
        )
    }

    /// `age`.
    pub fn age() -> Object {
        let max = super::AGE_MAX;
        amount(
            max,
            false,
            true,
            format!("Years, 0–{max}; unknown when absent"),
            None,
        )
    }

    /// `fare`.
    pub fn fare() -> Object {
        let max = super::FARE_MAX;
        amount(
            max,
            false,
            true,
            format!("Pounds, 0–{max}; unknown when absent"),
            None,
        )
    }

    /// What Rust's `str::trim` takes away, as a regular-expression class.
    const SPACE: &str =
        r"[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*";

    /// A pattern for any of `words` in any letter case, with space around as `trim` allows.
    fn any_case(words: impl IntoIterator<Item = &'static str>) -> String {
        let cased: Vec<String> = words
            .into_iter()
            .map(|word| {
                word.chars()
                    .map(|c| format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase()))
                    .collect()
            })
            .collect();
        format!("^{SPACE}({}){SPACE}$", cased.join("|"))
    }

    /// `sex`: `male` or `female` in any letter case.
    pub fn sex() -> Object {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(any_case(Sex::ALL.map(Sex::as_str))))
            .examples([Sex::Female.as_str()])
            .build()
    }

    /// `embarked`: unknown, or `S`, `C` or `Q` in any letter case.
    pub fn embarked() -> Object {
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
            .pattern(Some(any_case(Embarked::ALL.map(Embarked::as_str))))
            .build()
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn the_reasons_spell_out_the_bounds() {
        assert_eq!(pclass_reason(), "must be 1, 2 or 3");
        assert_eq!(sex_reason(), "must be \"male\" or \"female\"");
        assert_eq!(embarked_reason(), "must be S, C or Q");
        assert_eq!(between_reason(AGE_MAX), "must be between 0 and 120");
        assert_eq!(relatives_reason(), "must be a whole number from 0 to 20");
    }
}
