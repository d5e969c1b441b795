//! The algorithms' parameters: their defaults, bounds and checks, and their OpenAPI schemas.

use crate::{Algorithm, FieldErrors};
use serde::{Deserialize, Serialize};

/// How a random forest is grown. The defaults are the ones the default model uses, chosen by
/// 5-fold cross-validation (bench/choose-defaults.sh).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ForestParams {
    /// Number of trees, 1 to [`limits::MAX_TREES`].
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::trees))]
    #[serde(deserialize_with = "crate::whole::integer")]
    pub trees: usize,
    /// Deepest a tree may grow (1 to [`limits::MAX_DEPTH`]); `null` grows until leaves are
    /// pure.
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::max_depth))]
    #[serde(deserialize_with = "crate::whole::optional")]
    pub max_depth: Option<usize>,
    /// Share of the feature columns each tree sees, (0, 1].
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::feature_share))]
    pub feature_share: f64,
    /// Size of each tree's bootstrap sample as a share of the training rows, (0, 1].
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::bootstrap_share))]
    pub bootstrap_share: f64,
    /// Seed of the random choices, so the same data and params grow the same forest; at most
    /// [`limits::MAX_SEED`], so a browser shows it exactly.
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::seed))]
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
    /// Penalty for misclassified training rows, above 0, at most [`limits::MAX_SVM_C`].
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::svm_c))]
    pub c: f64,
    /// Width of the Gaussian kernel, above 0, at most [`limits::MAX_KERNEL_WIDTH`]; ignored by
    /// the linear kernel.
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::kernel_width))]
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

/// The parameters' schemas in the OpenAPI document, built from [`limits`].
#[cfg(feature = "openapi")]
mod schema {
    use super::{ForestParams, SvmParams};
    use crate::bounded::{amount, whole};
    use utoipa::openapi::schema::Object;

    /// `ForestParams.trees`.
    pub fn trees() -> Object {
        let max = super::limits::MAX_TREES as u64;
        whole(
            1,
            max,
            false,
            format!("Number of trees, 1–{max}"),
            default(|p| p.trees.into()),
        )
    }

    /// `ForestParams.max_depth`.
    pub fn max_depth() -> Object {
        let max = super::limits::MAX_DEPTH as u64;
        let description =
            format!("Deepest a tree may grow (1–{max}); null grows until leaves are pure");
        whole(1, max, true, description, default(|p| p.max_depth.into()))
    }

    /// `ForestParams.feature_share`.
    pub fn feature_share() -> Object {
        let description = "Share of the feature columns each tree sees, above 0, at most 1";
        amount(
            1.0,
            true,
            false,
            description.into(),
            default(|p| p.feature_share.into()),
        )
    }

    /// `ForestParams.bootstrap_share`.
    pub fn bootstrap_share() -> Object {
        let description = "Each tree's sample as a share of the training rows, above 0, at most 1";
        amount(
            1.0,
            true,
            false,
            description.into(),
            default(|p| p.bootstrap_share.into()),
        )
    }

    /// `ForestParams.seed`.
    pub fn seed() -> Object {
        let max = super::limits::MAX_SEED;
        let description = format!(
            "Seed of the random choices, so the same data and params grow the same forest; at most \
             {max} (2^53 − 1), so a browser shows it exactly"
        );
        whole(0, max, false, description, default(|p| p.seed.into()))
    }

    /// `SvmParams.c`.
    pub fn svm_c() -> Object {
        let max = super::limits::MAX_SVM_C;
        let description =
            format!("Penalty for misclassified training rows, above 0, at most {max}");
        amount(max, true, false, description, svm_default(|p| p.c.into()))
    }

    /// `SvmParams.kernel_width`.
    pub fn kernel_width() -> Object {
        let max = super::limits::MAX_KERNEL_WIDTH;
        let description = format!(
            "Width of the Gaussian kernel, above 0, at most {max}; ignored by the linear one"
        );
        amount(
            max,
            true,
            false,
            description,
            svm_default(|p| p.kernel_width.into()),
        )
    }

    /// A field of the default forest's parameters.
    fn default(field: impl Fn(ForestParams) -> serde_json::Value) -> Option<serde_json::Value> {
        Some(field(ForestParams::default()))
    }

    /// A field of the default SVM's parameters.
    fn svm_default(field: impl Fn(SvmParams) -> serde_json::Value) -> Option<serde_json::Value> {
        Some(field(SvmParams::default()))
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
}
