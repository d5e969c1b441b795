//! One rule for every cell we write into a CSV file a person will open in a spreadsheet: a
//! cell that starts like a formula (`=`, `+`, `-`, `@`, tab, carriage return) is written with
//! a leading `'`, so the spreadsheet shows it as text and never runs it (OWASP's advice on
//! CSV injection). Numbers we format ourselves never need it.

use std::borrow::Cow;

/// `text` as a cell a spreadsheet shows as written.
pub fn inert(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::inert;

    #[test]
    fn a_cell_that_starts_like_a_formula_gets_a_leading_quote() {
        for formula in [
            "=cmd|' /C calc'!A0",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            assert_eq!(inert(formula), format!("'{formula}"), "{formula:?}");
        }
    }

    #[test]
    fn ordinary_text_and_numbers_are_written_as_they_are() {
        for plain in ["892", "Forest 50 trees", "", "a=b"] {
            assert_eq!(inert(plain), plain);
        }
    }
}
