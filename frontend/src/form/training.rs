//! The training form as typed, and how it becomes a training request: every parameter the
//! API takes, checked with the API's own rules.

use super::{checked, decimal, natural};
use lifeboat_api_types::{
    Algorithm, EvaluationParams, Feature, FieldErrors, ForestParams, Kernel, SvmParams,
    TrainingRequest,
};
use std::collections::BTreeSet;

/// The training form as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingForm {
    pub name: String,
    pub algorithm: Algorithm,
    pub features: BTreeSet<Feature>,
    /// Random forest: number of trees, deepest level (empty: no limit), the share of the
    /// feature columns and of the rows each tree sees, and the seed.
    pub trees: String,
    pub max_depth: String,
    pub feature_share: String,
    pub bootstrap_share: String,
    pub seed: String,
    /// SVM: kernel (`gaussian` | `linear`), C and the Gaussian kernel's width.
    pub kernel: String,
    pub c: String,
    pub kernel_width: String,
    /// Evaluation: cross-validation folds and permutation-importance repeats.
    pub folds: String,
    pub importance_repeats: String,
    pub activate: bool,
}

impl Default for TrainingForm {
    /// The API's own parameter and evaluation defaults, so an untouched form trains with the
    /// parameters a bare request would; its inputs are the seven of the passenger form
    /// (`Feature::BASIC`), which is the default SVM's choice but not the default forest's
    /// (`Algorithm::default_features`).
    fn default() -> Self {
        let forest = ForestParams::default();
        let svm = SvmParams::default();
        let evaluation = EvaluationParams::default();
        Self {
            name: String::new(),
            algorithm: Algorithm::RandomForest,
            features: Feature::BASIC.iter().copied().collect(),
            trees: forest.trees.to_string(),
            max_depth: forest.max_depth.map(|d| d.to_string()).unwrap_or_default(),
            feature_share: forest.feature_share.to_string(),
            bootstrap_share: forest.bootstrap_share.to_string(),
            seed: forest.seed.to_string(),
            kernel: kernel_name(svm.kernel).into(),
            c: svm.c.to_string(),
            kernel_width: svm.kernel_width.to_string(),
            folds: evaluation.folds.to_string(),
            importance_repeats: evaluation.importance_repeats.to_string(),
            activate: false,
        }
    }
}

/// A kernel's wire name.
pub fn kernel_name(kernel: Kernel) -> &'static str {
    match kernel {
        Kernel::Gaussian => "gaussian",
        Kernel::Linear => "linear",
    }
}

impl TrainingForm {
    /// The API request, or every field that is wrong (named as the API names them:
    /// `name`, `features`, `params.trees`, `evaluation.folds`, ...).
    pub fn to_request(&self) -> Result<TrainingRequest, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut params = serde_json::Map::new();
        let mut put = |key: &str, value: Option<serde_json::Value>| {
            if let Some(value) = value {
                params.insert(key.into(), value);
            }
        };
        match self.algorithm {
            Algorithm::RandomForest => {
                let trees = natural(&self.trees, "params.trees", &mut errors);
                put("trees", trees.map(Into::into));
                // Empty means no limit, which the API spells null.
                let depth = natural(&self.max_depth, "params.max_depth", &mut errors);
                let depth_given = !self.max_depth.trim().is_empty();
                if depth.is_some() || !depth_given {
                    put("max_depth", Some(depth.into()));
                }
                for (key, value) in [
                    ("feature_share", &self.feature_share),
                    ("bootstrap_share", &self.bootstrap_share),
                ] {
                    let share = decimal(value, &format!("params.{key}"), &mut errors);
                    put(key, share.map(Into::into));
                }
                let seed = natural(&self.seed, "params.seed", &mut errors);
                put("seed", seed.map(Into::into));
            }
            Algorithm::Svm => {
                put(
                    "c",
                    decimal(&self.c, "params.c", &mut errors).map(Into::into),
                );
                let width = decimal(&self.kernel_width, "params.kernel_width", &mut errors);
                put("kernel_width", width.map(Into::into));
                put("kernel", Some(self.kernel.clone().into()));
            }
        }
        let mut evaluation = serde_json::Map::new();
        for (key, value) in [
            ("folds", &self.folds),
            ("importance_repeats", &self.importance_repeats),
        ] {
            if let Some(n) = natural(value, &format!("evaluation.{key}"), &mut errors) {
                evaluation.insert(key.into(), n.into());
            }
        }
        let request = TrainingRequest {
            algorithm: Some(self.algorithm.as_str().into()),
            features: Some(self.features.iter().map(|f| f.as_str().into()).collect()),
            name: Some(self.name.clone()),
            params: Some(serde_json::Value::Object(params)),
            evaluation: Some(serde_json::Value::Object(evaluation)),
            activate: self.activate,
        };
        let rules = request.spec().map(drop);
        checked(request, errors, rules)
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn the_default_training_form_needs_only_a_name() {
        let errors = TrainingForm::default().to_request().unwrap_err();
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["name"]);
        let form = TrainingForm {
            name: "forest".into(),
            ..TrainingForm::default()
        };
        let spec = form.to_request().unwrap().spec().unwrap();
        assert_eq!(spec.features.len(), 7);
    }

    #[test]
    fn training_params_are_checked_with_the_apis_rules() {
        let form = TrainingForm {
            name: "too many trees".into(),
            trees: "5000".into(),
            max_depth: "deep".into(),
            features: BTreeSet::new(),
            ..TrainingForm::default()
        };
        let errors = form.to_request().unwrap_err();
        assert_eq!(errors["params.max_depth"], "must be a whole number");
        assert!(errors.contains_key("params.trees"), "{errors:?}");
        assert!(errors.contains_key("features"), "{errors:?}");
    }

    #[test]
    fn an_svm_form_sends_its_kernel_and_numbers() {
        let form = TrainingForm {
            name: "svm".into(),
            algorithm: Algorithm::Svm,
            kernel: "linear".into(),
            c: "2.5".into(),
            ..TrainingForm::default()
        };
        let request = form.to_request().unwrap();
        let params = request.params.unwrap();
        assert_eq!(params["kernel"], "linear");
        assert_eq!(params["c"], 2.5);
    }

    #[test]
    fn an_untouched_training_form_asks_for_the_apis_defaults() {
        let form = TrainingForm {
            name: "defaults".into(),
            ..TrainingForm::default()
        };
        let spec = form.to_request().unwrap().spec().unwrap();
        assert_eq!(
            spec.estimator,
            lifeboat_api_types::Estimator::RandomForest(ForestParams::default())
        );
        assert_eq!(spec.evaluation, EvaluationParams::default());
        let svm = TrainingForm {
            algorithm: Algorithm::Svm,
            ..form
        };
        let spec = svm.to_request().unwrap().spec().unwrap();
        assert_eq!(
            spec.estimator,
            lifeboat_api_types::Estimator::Svm(SvmParams::default())
        );
    }

    #[test]
    fn every_forest_and_evaluation_setting_is_sent_and_checked_by_name() {
        let form = TrainingForm {
            name: "lab".into(),
            max_depth: String::new(),
            feature_share: "1.5".into(),
            seed: "-1".into(),
            folds: "1".into(),
            importance_repeats: "many".into(),
            ..TrainingForm::default()
        };
        let errors = form.to_request().unwrap_err();
        assert!(errors.contains_key("params.feature_share"), "{errors:?}");
        assert_eq!(errors["params.seed"], "must not be negative");
        assert!(errors.contains_key("evaluation.folds"), "{errors:?}");
        assert_eq!(
            errors["evaluation.importance_repeats"],
            "must be a whole number"
        );
        let fixed = TrainingForm {
            feature_share: "0.5".into(),
            seed: "7".into(),
            folds: "10".into(),
            importance_repeats: "50".into(),
            ..form
        };
        let spec = fixed.to_request().unwrap().spec().unwrap();
        let lifeboat_api_types::Estimator::RandomForest(params) = spec.estimator else {
            panic!("not a forest")
        };
        assert_eq!(
            (params.max_depth, params.seed, params.feature_share),
            (None, 7, 0.5)
        );
        assert_eq!(
            (spec.evaluation.folds, spec.evaluation.importance_repeats),
            (10, 50)
        );
    }
}
