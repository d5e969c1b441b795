//! Models on the wire: what can be trained (algorithms, features, parameters) and the
//! rules; how good a model is lives in `registry`.

use crate::FieldErrors;
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

    /// The seven columns of the passenger form: the default SVM's inputs (the default forest
    /// adds the two derived ones: [`Algorithm::default_features`]).
    pub const BASIC: [Feature; 7] = [
        Feature::Pclass,
        Feature::Sex,
        Feature::Age,
        Feature::Sibsp,
        Feature::Parch,
        Feature::Fare,
        Feature::Embarked,
    ];

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
            Self::Pclass => "Ticket class",
            Self::Sex => "Sex",
            Self::Age => "Age",
            Self::Sibsp => "Siblings / spouses aboard",
            Self::Parch => "Parents / children aboard",
            Self::Fare => "Fare",
            Self::Embarked => "Port of embarkation",
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

/// How a random forest is grown. The defaults are the ones the default model uses, chosen by
/// 5-fold cross-validation (bench/choose-defaults.sh).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ForestParams {
    /// Number of trees, 1–500.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 500))]
    #[serde(deserialize_with = "crate::whole::integer")]
    pub trees: usize,
    /// Deepest a tree may grow (1–30); `null` grows until leaves are pure.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 30))]
    #[serde(deserialize_with = "crate::whole::optional")]
    pub max_depth: Option<usize>,
    /// Share of the feature columns each tree sees, (0, 1].
    #[cfg_attr(feature = "openapi", schema(exclusive_minimum = 0, maximum = 1))]
    pub feature_share: f64,
    /// Size of each tree's bootstrap sample as a share of the training rows, (0, 1].
    #[cfg_attr(feature = "openapi", schema(exclusive_minimum = 0, maximum = 1))]
    pub bootstrap_share: f64,
    /// Seed of the random choices, so the same data and params grow the same forest; at most
    /// 2^53 − 1, so a browser shows it exactly.
    #[cfg_attr(feature = "openapi", schema(maximum = 9_007_199_254_740_991_u64))]
    #[serde(deserialize_with = "crate::whole::integer")]
    pub seed: u64,
}

impl Default for ForestParams {
    fn default() -> Self {
        Self {
            trees: 50,
            max_depth: Some(8),
            feature_share: 0.7,
            bootstrap_share: 0.8,
            seed: 42,
        }
    }
}

/// The SVM's kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Kernel {
    /// `exp(-|x - x'|² / width)`.
    Gaussian,
    Linear,
}

/// How an SVM is trained (on standardised features). Probabilities come from Platt scaling.
/// The defaults are the ones the default model uses, chosen by 5-fold cross-validation
/// (bench/choose-defaults.sh).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct SvmParams {
    pub kernel: Kernel,
    /// Penalty for misclassified training rows, (0, 1000].
    #[cfg_attr(feature = "openapi", schema(exclusive_minimum = 0, maximum = 1000))]
    pub c: f64,
    /// Width of the Gaussian kernel, (0, 1000]; ignored by the linear kernel.
    #[cfg_attr(feature = "openapi", schema(exclusive_minimum = 0, maximum = 1000))]
    pub kernel_width: f64,
}

impl Default for SvmParams {
    fn default() -> Self {
        Self {
            kernel: Kernel::Gaussian,
            c: 3.0,
            kernel_width: 10.0,
        }
    }
}

/// An algorithm with its parameters: `{"algorithm": "svm", "params": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "algorithm", content = "params", rename_all = "snake_case")]
pub enum Estimator {
    RandomForest(ForestParams),
    Svm(SvmParams),
}

impl Estimator {
    /// The algorithm with its default parameters.
    pub fn default_for(algorithm: Algorithm) -> Self {
        match algorithm {
            Algorithm::RandomForest => Self::RandomForest(ForestParams::default()),
            Algorithm::Svm => Self::Svm(SvmParams::default()),
        }
    }

    pub fn algorithm(&self) -> Algorithm {
        match self {
            Self::RandomForest(_) => Algorithm::RandomForest,
            Self::Svm(_) => Algorithm::Svm,
        }
    }

    /// The parameters alone, as JSON (what the registry stores).
    pub fn params_json(&self) -> serde_json::Value {
        match self {
            Self::RandomForest(p) => serde_json::to_value(p),
            Self::Svm(p) => serde_json::to_value(p),
        }
        .unwrap_or_default()
    }

    /// Checks the parameter ranges; errors are keyed `params.<name>`.
    pub fn check(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut fail = |field: &str, reason: &str| {
            errors.insert(format!("params.{field}"), reason.to_owned());
        };
        let share = |x: f64| x > 0.0 && x <= 1.0;
        match self {
            Self::RandomForest(p) => {
                if !(1..=limits::MAX_TREES).contains(&p.trees) {
                    fail(
                        "trees",
                        &format!("must be a whole number from 1 to {}", limits::MAX_TREES),
                    );
                }
                if p.max_depth
                    .is_some_and(|d| !(1..=limits::MAX_DEPTH).contains(&d))
                {
                    fail(
                        "max_depth",
                        &format!(
                            "must be from 1 to {}, or null for no limit",
                            limits::MAX_DEPTH
                        ),
                    );
                }
                if !share(p.feature_share) {
                    fail("feature_share", "must be above 0 and at most 1");
                }
                if !share(p.bootstrap_share) {
                    fail("bootstrap_share", "must be above 0 and at most 1");
                }
                if p.seed > limits::MAX_SEED {
                    fail(
                        "seed",
                        &format!("must be a whole number from 0 to {}", limits::MAX_SEED),
                    );
                }
            }
            Self::Svm(p) => {
                if !(p.c > 0.0 && p.c <= limits::MAX_SVM_C) {
                    fail(
                        "c",
                        &format!("must be above 0 and at most {}", limits::MAX_SVM_C),
                    );
                }
                if !(p.kernel_width > 0.0 && p.kernel_width <= limits::MAX_KERNEL_WIDTH) {
                    let max = limits::MAX_KERNEL_WIDTH;
                    fail(
                        "kernel_width",
                        &format!("must be above 0 and at most {max}"),
                    );
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Bounds of a training request.
pub mod limits {
    pub const NAME_MAX_CHARS: usize = 100;
    pub const MAX_TREES: usize = 500;
    pub const MAX_DEPTH: usize = 30;
    /// The largest integer a JavaScript number holds exactly.
    pub const MAX_SEED: u64 = (1 << 53) - 1;
    pub const MAX_SVM_C: f64 = 1000.0;
    pub const MAX_KERNEL_WIDTH: f64 = 1000.0;
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn an_estimator_is_tagged_by_its_algorithm_on_the_wire() {
        let json = serde_json::to_value(Estimator::default_for(Algorithm::Svm)).unwrap();
        assert_eq!(json["algorithm"], "svm");
        assert_eq!(json["params"]["kernel"], "gaussian");
        assert_eq!(
            Estimator::default_for(Algorithm::Svm).params_json(),
            json["params"]
        );
    }

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
