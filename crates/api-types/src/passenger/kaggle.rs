//! Kaggle's Titanic files (`train.csv`, `test.csv`, and the batch files people make from
//! them): the columns we read, found by header name in any order and any letter case, and a
//! row reader over text cells that holds each row to the [`rules`](super::rules). Reading the
//! bytes (UTF-8, CSV, limits) is the caller's part.

use super::{InferenceRequest, Passenger, text};
use std::fmt;

/// The column of the passenger's number in the file.
pub const ID_COLUMN: &str = "PassengerId";
/// The column of the true outcome: `1` survived, `0` did not.
pub const OUTCOME_COLUMN: &str = "Survived";
/// The passenger's columns, in the order of [`InferenceRequest`]'s fields. Any other
/// column (`Name`, `Ticket`, `Cabin`, …) is ignored.
pub const PASSENGER_COLUMNS: [&str; 7] =
    ["Pclass", "Sex", "Age", "SibSp", "Parch", "Fare", "Embarked"];
/// [`InferenceRequest`]'s field for each of [`PASSENGER_COLUMNS`].
const FIELDS: [&str; 7] = ["pclass", "sex", "age", "sibsp", "parch", "fare", "embarked"];

/// Where each column we read is in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// In the order of [`PASSENGER_COLUMNS`].
    passenger: [usize; PASSENGER_COLUMNS.len()],
    id: Option<usize>,
    outcome: Option<usize>,
    width: usize,
}

/// One row, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Row<'a> {
    /// The [`ID_COLUMN`] cell as written, when the file has the column.
    pub id: Option<&'a str>,
    pub passenger: Passenger,
    /// The [`OUTCOME_COLUMN`] cell, when the file has the column and the cell is not empty.
    pub survived: Option<bool>,
}

/// A cell that breaks a rule: its column, what it holds, and why it is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadCell {
    pub column: &'static str,
    pub value: String,
    pub reason: String,
}

impl BadCell {
    fn new(column: &'static str, value: &str, reason: String) -> Self {
        Self {
            column,
            value: value.to_owned(),
            reason,
        }
    }
}

impl fmt::Display for BadCell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.column, self.reason)
    }
}

/// Why a row cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowError {
    /// The row has another number of cells than the header.
    Width { cells: usize, header: usize },
    /// These cells break the rules (never empty).
    Cells(Vec<BadCell>),
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Width { cells, header } => {
                write!(f, "has {cells} cells where the header has {header}")
            }
            Self::Cells(cells) => {
                let reasons: Vec<String> = cells.iter().map(BadCell::to_string).collect();
                f.write_str(&reasons.join("; "))
            }
        }
    }
}

impl Header {
    /// Finds the columns among a header's `names`. The passenger's columns must be there,
    /// and so must each of `required` ([`ID_COLUMN`], [`OUTCOME_COLUMN`]); otherwise the
    /// missing ones, `required` first.
    pub fn find<'n>(
        names: impl IntoIterator<Item = &'n str>,
        required: &[&'static str],
    ) -> Result<Self, Vec<&'static str>> {
        let names: Vec<&str> = names.into_iter().collect();
        let at = |column: &str| {
            names
                .iter()
                .position(|n| n.trim().eq_ignore_ascii_case(column))
        };
        let missing: Vec<&'static str> = required
            .iter()
            .chain(&PASSENGER_COLUMNS)
            .copied()
            .filter(|column| at(column).is_none())
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        Ok(Self {
            passenger: PASSENGER_COLUMNS.map(|column| at(column).unwrap_or_default()),
            id: at(ID_COLUMN),
            outcome: at(OUTCOME_COLUMN),
            width: names.len(),
        })
    }

    /// Reads one row's `cells` and holds it to the rules. An empty `Age`, `Fare` or
    /// `Embarked` is unknown, for the model to fill as in training.
    pub fn read<'a>(&self, cells: &[&'a str]) -> Result<Row<'a>, RowError> {
        if cells.len() != self.width {
            return Err(RowError::Width {
                cells: cells.len(),
                header: self.width,
            });
        }
        let mut bad = Vec::new();
        let id = self.id.map(|i| cells[i].trim());
        if id == Some("") {
            bad.push(BadCell::new(ID_COLUMN, "", "is empty".to_owned()));
        }
        let values: [&str; 7] = self.passenger.map(|i| cells[i].trim());
        let mut whole = |i: usize| parsed_or_bad(&mut bad, i, values[i], text::whole(values[i]));
        let (pclass, sibsp, parch) = (whole(0), whole(3), whole(4));
        let mut decimal =
            |i: usize| parsed_or_bad(&mut bad, i, values[i], text::decimal(values[i]));
        let (age, fare) = (decimal(2), decimal(5));
        let given = |cell: &str| Some(cell.to_owned()).filter(|c| !c.is_empty());
        let request = InferenceRequest {
            pclass,
            sex: given(values[1]),
            age,
            sibsp,
            parch,
            fare,
            embarked: given(values[6]),
            model_id: None,
            explain: false,
        };
        let passenger = request.passenger().map_err(|fields| {
            for (field, reason) in fields {
                let i = FIELDS.iter().position(|f| *f == field).unwrap_or_default();
                // A number that did not parse is reported once, above.
                if !bad.iter().any(|b| b.column == PASSENGER_COLUMNS[i]) {
                    bad.push(BadCell::new(PASSENGER_COLUMNS[i], values[i], reason));
                }
            }
        });
        let survived = match self.outcome.map(|i| cells[i].trim()) {
            None | Some("") => None,
            Some("0") => Some(false),
            Some("1") => Some(true),
            Some(other) => {
                let reason = format!("must be 0 or 1, not {other:?}");
                bad.push(BadCell::new(OUTCOME_COLUMN, other, reason));
                None
            }
        };
        match passenger {
            Ok(passenger) if bad.is_empty() => Ok(Row {
                id,
                passenger,
                survived,
            }),
            _ => Err(RowError::Cells(bad)),
        }
    }
}

/// The number `parsed` from passenger column `column`, or `None` with the reason in `bad`.
fn parsed_or_bad<T>(
    bad: &mut Vec<BadCell>,
    column: usize,
    cell: &str,
    parsed: Result<Option<T>, &'static str>,
) -> Option<T> {
    parsed.unwrap_or_else(|reason| {
        let reason = format!("{reason}, not {cell:?}");
        bad.push(BadCell::new(PASSENGER_COLUMNS[column], cell, reason));
        None
    })
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;
    use crate::{Embarked, Sex};

    const KAGGLE: [&str; 12] = [
        "PassengerId",
        "Survived",
        "Pclass",
        "Name",
        "Sex",
        "Age",
        "SibSp",
        "Parch",
        "Ticket",
        "Fare",
        "Cabin",
        "Embarked",
    ];

    fn kaggle() -> Header {
        Header::find(KAGGLE, &[ID_COLUMN]).unwrap()
    }

    fn cells(row: &str) -> Vec<&str> {
        row.split(',').collect()
    }

    #[test]
    fn a_kaggle_row_reads_as_its_passenger_id_and_outcome() {
        let row = kaggle()
            .read(&cells("1,0,3,Braund,male,22,1,0,A/5 21171,7.25,,S"))
            .unwrap();
        assert_eq!((row.id, row.survived), (Some("1"), Some(false)));
        let p = row.passenger;
        assert_eq!((p.pclass, p.sex, p.age), (3, Sex::Male, Some(22.0)));
        assert_eq!((p.sibsp, p.parch, p.fare), (1, 0, Some(7.25)));
        assert_eq!(p.embarked, Some(Embarked::S));
    }

    #[test]
    fn columns_are_found_in_any_order_and_letter_case() {
        let header = Header::find(
            ["embarked", "FARE", "parch", "sibsp", "age", "sex", "pclass"],
            &[],
        )
        .unwrap();
        let row = header.read(&cells("Q,8.05,0,0,30,female,2.0")).unwrap();
        assert_eq!((row.id, row.survived), (None, None));
        assert_eq!(row.passenger.pclass, 2);
    }

    #[test]
    fn the_missing_columns_are_named_the_required_ones_first() {
        assert_eq!(
            Header::find(["name", "age"], &[ID_COLUMN]),
            Err(vec![
                "PassengerId",
                "Pclass",
                "Sex",
                "SibSp",
                "Parch",
                "Fare",
                "Embarked"
            ])
        );
    }

    #[test]
    fn empty_age_fare_and_port_are_unknown() {
        let row = kaggle()
            .read(&cells("6,,3,Moran,male,,0,0,330877,,,"))
            .unwrap();
        let p = row.passenger;
        assert_eq!(
            (p.age, p.fare, p.embarked, row.survived),
            (None, None, None, None)
        );
    }

    #[test]
    fn each_bad_cell_is_named_once_with_its_value_and_reason() {
        let err = kaggle()
            .read(&cells("1,2,4,A,robot,abc,1.5,0,T,7.25,,X"))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "SibSp must be a whole number, not \"1.5\"; Age must be a number, not \"abc\"; \
             Embarked must be S, C or Q; Pclass must be 1, 2 or 3; \
             Sex must be \"male\" or \"female\"; Survived must be 0 or 1, not \"2\""
        );
        let RowError::Cells(bad) = err else {
            panic!("expected bad cells")
        };
        assert_eq!((bad[0].column, bad[0].value.as_str()), ("SibSp", "1.5"));
    }

    #[test]
    fn an_empty_id_and_a_short_row_are_refused() {
        let err = kaggle()
            .read(&cells(",0,3,A,male,22,1,0,T,7.25,,S"))
            .unwrap_err();
        assert_eq!(err.to_string(), "PassengerId is empty");
        let err = kaggle().read(&cells("7,0,3")).unwrap_err();
        assert_eq!(err.to_string(), "has 3 cells where the header has 12");
    }
}
