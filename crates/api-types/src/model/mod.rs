//! Models on the wire: what can be trained (algorithms, features, and their parameters in
//! [`params`]) and the rules; how good a model is lives in `registry`.

mod params;

pub use params::{Estimator, ForestParams, Kernel, SvmParams, limits};

use crate::words;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The learning algorithm behind a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "sqlx",
    derive(sqlx::Type),
    sqlx(type_name = "model_algorithm", rename_all = "snake_case")
)]
pub enum Algorithm {
    RandomForest,
    Svm,
}

impl Algorithm {
    pub const ALL: [Algorithm; 2] = [Algorithm::RandomForest, Algorithm::Svm];

    /// The name used on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RandomForest => "random_forest",
            Self::Svm => "svm",
        }
    }

    /// Reads the wire name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text.trim())
    }

    /// The inputs the default model of this algorithm is trained on, chosen with its
    /// parameters by 5-fold cross-validation (bench/choose-defaults.sh, docs/architecture.md).
    pub fn default_features(self) -> Vec<Feature> {
        match self {
            Self::RandomForest => Feature::ALL.to_vec(),
            Self::Svm => Feature::BASIC.to_vec(),
        }
    }

    /// A name for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::RandomForest => "Random forest",
            Self::Svm => "SVM",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A passenger attribute a model can be trained on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    Pclass,
    Sex,
    Age,
    Sibsp,
    Parch,
    Fare,
    Embarked,
    /// Derived: sibsp + parch + 1.
    FamilySize,
    /// Derived: travelling without relatives.
    IsAlone,
}

impl Feature {
    /// Every feature, in the order the default models use.
    pub const ALL: [Feature; 9] = [
        Feature::Pclass,
        Feature::Sex,
        Feature::Age,
        Feature::Sibsp,
        Feature::Parch,
        Feature::Fare,
        Feature::Embarked,
        Feature::FamilySize,
        Feature::IsAlone,
    ];

    /// The seven columns of the passenger form, the first seven of [`Feature::ALL`]: the
    /// default SVM's inputs (the default forest adds the two derived ones:
    /// [`Algorithm::default_features`]).
    pub const BASIC: &[Feature] = Self::ALL.split_at(7).0;

    /// The name used on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pclass => "pclass",
            Self::Sex => "sex",
            Self::Age => "age",
            Self::Sibsp => "sibsp",
            Self::Parch => "parch",
            Self::Fare => "fare",
            Self::Embarked => "embarked",
            Self::FamilySize => "family_size",
            Self::IsAlone => "is_alone",
        }
    }

    /// Reads the wire name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == text.trim())
    }

    /// A name for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pclass => words::PCLASS,
            Self::Sex => words::SEX,
            Self::Age => words::AGE,
            Self::Sibsp => words::SIBSP,
            Self::Parch => words::PARCH,
            Self::Fare => words::FARE,
            Self::Embarked => words::EMBARKED,
            Self::FamilySize => "Family size (derived)",
            Self::IsAlone => "Travelling alone (derived)",
        }
    }
}

impl fmt::Display for Feature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn wire_names_parse_back() {
        for feature in Feature::ALL {
            assert_eq!(Feature::parse(feature.as_str()), Some(feature));
        }
        for algorithm in Algorithm::ALL {
            assert_eq!(Algorithm::parse(&algorithm.to_string()), Some(algorithm));
        }
    }
}
