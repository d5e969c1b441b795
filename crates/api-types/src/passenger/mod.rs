//! The passenger: one home for everything every layer knows about one.
//!
//! - [`rules`]: the bounds and the check every passenger passes, from which the OpenAPI
//!   document, the error messages and the web form's spinners read.
//! - [`text`]: text → number, the one rule for the web form, batch files and the data set.
//! - [`kaggle`]: the columns of Kaggle's Titanic files and a row reader over text cells;
//!   the batch file and the data set reader keep only their I/O.
//! - [`words`]: how a class, a port or a field is said to people.
//! - [`InferenceRequest`]: the passenger as it arrives on the wire, nothing trusted yet;
//!   [`InferenceRequest::passenger`] holds it to the rules.

pub mod kaggle;
mod request;
pub mod rules;
pub mod text;
pub mod words;

pub use request::InferenceRequest;

use serde::{Deserialize, Serialize};
use std::fmt;

/// Passenger sex, as in the training data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Male,
    Female,
}

/// Port of embarkation: Southampton, Cherbourg or Queenstown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Embarked {
    S,
    C,
    Q,
}

impl Passenger {
    /// The first passenger of the training set, Mr Owen Harris Braund: third class, a man of
    /// 22 with one sibling or spouse aboard, £7.25, from Southampton. He did not survive. The
    /// example of the documentation, the benchmarks and the tests.
    pub const BRAUND: Self = Self {
        pclass: 3,
        sex: Sex::Male,
        age: Some(22.0),
        sibsp: 1,
        parch: 0,
        fare: Some(7.25),
        embarked: Some(Embarked::S),
    };
}

impl Sex {
    /// Both, in the order the web form offers them.
    pub const ALL: [Self; 2] = [Self::Male, Self::Female];

    /// `male` or `female`, as on the wire and in the data set.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Male => "male",
            Self::Female => "female",
        }
    }

    /// Parses `male`/`female` in any letter case.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|sex| text.trim().eq_ignore_ascii_case(sex.as_str()))
    }
}

impl Embarked {
    /// The three ports, in the order the ship called at them.
    pub const ALL: [Self; 3] = [Self::S, Self::C, Self::Q];

    /// `S`, `C` or `Q`, as on the wire and in the data set.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::S => "S",
            Self::C => "C",
            Self::Q => "Q",
        }
    }

    /// Parses `S`, `C` or `Q` in any letter case.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|port| text.trim().eq_ignore_ascii_case(port.as_str()))
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A passenger whose every field has passed the [`rules`]: the only form the models accept.
///
/// `age`, `fare` and `embarked` may be unknown; the model imputes them as in training.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Passenger {
    pub pclass: u8,
    pub sex: Sex,
    pub age: Option<f64>,
    pub sibsp: u8,
    pub parch: u8,
    pub fare: Option<f64>,
    pub embarked: Option<Embarked>,
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn sex_and_port_are_read_in_any_letter_case() {
        assert_eq!(Sex::parse(" Female "), Some(Sex::Female));
        assert_eq!(Embarked::parse("q"), Some(Embarked::Q));
        assert_eq!(Embarked::parse("X"), None);
        assert_eq!(Sex::parse("robot"), None);
    }

    #[test]
    fn the_wire_words_read_back_as_what_they_name() {
        for sex in Sex::ALL {
            assert_eq!(Sex::parse(sex.as_str()), Some(sex));
            assert_eq!(serde_json::to_value(sex).unwrap(), sex.as_str());
        }
        for port in Embarked::ALL {
            assert_eq!(Embarked::parse(port.as_str()), Some(port));
            assert_eq!(serde_json::to_value(port).unwrap(), port.as_str());
        }
    }
}
