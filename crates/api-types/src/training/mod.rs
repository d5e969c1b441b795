//! Training on the wire: a training request and its rules ([`TrainingRequest::spec`]); the
//! model service's train call and answer ([`model_service`]); the request's OpenAPI schema
//! ([`schema`]).

mod model_service;
#[cfg(feature = "openapi")]
pub mod schema;

pub use model_service::{TrainModel, TrainedModel};

use crate::model::limits;
use crate::{Algorithm, Estimator, EvaluationParams, Feature, FieldErrors};
use serde::{Deserialize, Serialize};

/// Why `params` or `evaluation` is refused when it is not a JSON object (or null).
const NOT_AN_OBJECT: &str = "must be an object (or null for the defaults)";

/// `POST /api/training` body, as it arrives: nothing trusted yet (see [`TrainingRequest::spec`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrainingRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = crate::Algorithm))]
    pub algorithm: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = Vec<crate::Feature>, min_items = 1))]
    pub features: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, schema_with = schema::name))]
    pub name: Option<String>,
    /// The algorithm's parameters; any left out take their defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::params))]
    pub params: Option<serde_json::Value>,
    /// How the model is evaluated (cross-validation folds, importance repeats); any left
    /// out take their defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::EvaluationParams>))]
    pub evaluation: Option<serde_json::Value>,
    /// Make the new model the active one of its algorithm when it succeeds.
    #[serde(default)]
    pub activate: bool,
}

/// A training request that has passed the rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingSpec {
    pub name: String,
    /// Distinct, in the order asked.
    pub features: Vec<Feature>,
    pub estimator: Estimator,
    /// Jobs queued before evaluation settings existed read as the defaults.
    #[serde(default)]
    pub evaluation: EvaluationParams,
    pub activate: bool,
}

impl TrainingSpec {
    /// The default model of `algorithm`, the one a fresh install trains and activates:
    /// default parameters on the algorithm's default inputs.
    pub fn default_for(algorithm: Algorithm) -> Self {
        Self {
            name: format!("default {}", algorithm.label().to_lowercase()),
            features: algorithm.default_features(),
            estimator: Estimator::default_for(algorithm),
            evaluation: EvaluationParams::default(),
            activate: true,
        }
    }
}

impl TrainingRequest {
    /// Applies the rules; on failure every offending field is named with its reason.
    pub fn spec(&self) -> Result<TrainingSpec, FieldErrors> {
        let mut errors = FieldErrors::new();
        let raw_name = self.name.as_deref().unwrap_or_default();
        let name = raw_name.trim();
        if name.is_empty() {
            errors.insert("name".into(), "is required".into());
        } else if raw_name.chars().count() > limits::NAME_MAX_CHARS {
            let most = limits::NAME_MAX_CHARS;
            errors.insert("name".into(), format!("must be at most {most} characters"));
        } else if name.chars().any(char::is_control) {
            errors.insert("name".into(), "must not contain control characters".into());
        }

        let mut features = Vec::new();
        match &self.features {
            None => {
                errors.insert("features".into(), "is required".into());
            }
            Some(names) if names.is_empty() => {
                errors.insert("features".into(), "choose at least one feature".into());
            }
            Some(names) => {
                let unknown: Vec<&str> = names
                    .iter()
                    .filter(|n| Feature::parse(n).is_none())
                    .map(String::as_str)
                    .collect();
                if unknown.is_empty() {
                    for feature in names.iter().filter_map(|n| Feature::parse(n)) {
                        if !features.contains(&feature) {
                            features.push(feature);
                        }
                    }
                } else {
                    let known: Vec<&str> = Feature::ALL.iter().map(|f| f.as_str()).collect();
                    errors.insert(
                        "features".into(),
                        format!(
                            "unknown feature {}; choose from {}",
                            unknown.join(", "),
                            known.join(", ")
                        ),
                    );
                }
            }
        }

        let algorithm = match self.algorithm.as_deref() {
            None => {
                errors.insert("algorithm".into(), "is required".into());
                None
            }
            Some(text) => {
                let algorithm = Algorithm::parse(text);
                if algorithm.is_none() {
                    errors.insert(
                        "algorithm".into(),
                        "must be \"random_forest\" or \"svm\"".into(),
                    );
                }
                algorithm
            }
        };
        let estimator = algorithm.and_then(|algorithm| match self.params_for(algorithm) {
            Ok(estimator) => match estimator.check() {
                Ok(()) => Some(estimator),
                Err(fields) => {
                    errors.extend(fields);
                    None
                }
            },
            Err(reason) => {
                errors.insert("params".into(), reason);
                None
            }
        });

        let evaluation = match self.evaluation.clone() {
            None | Some(serde_json::Value::Null) => Some(EvaluationParams::default()),
            Some(value) if !value.is_object() => {
                errors.insert("evaluation".into(), NOT_AN_OBJECT.into());
                None
            }
            Some(value) => match serde_json::from_value::<EvaluationParams>(value) {
                Ok(evaluation) => match evaluation.check() {
                    Ok(()) => Some(evaluation),
                    Err(fields) => {
                        errors.extend(fields);
                        None
                    }
                },
                Err(e) => {
                    errors.insert("evaluation".into(), format!("not valid: {e}"));
                    None
                }
            },
        };

        match (estimator, evaluation) {
            (Some(estimator), Some(evaluation)) if errors.is_empty() => Ok(TrainingSpec {
                name: name.to_owned(),
                features,
                estimator,
                evaluation,
                activate: self.activate,
            }),
            _ => Err(errors),
        }
    }

    fn params_for(&self, algorithm: Algorithm) -> Result<Estimator, String> {
        let params = match &self.params {
            None | Some(serde_json::Value::Null) => return Ok(Estimator::default_for(algorithm)),
            // serde would read a list as the fields in order, and an empty one as the defaults.
            Some(params) if !params.is_object() => return Err(NOT_AN_OBJECT.into()),
            Some(params) => params.clone(),
        };
        let parsed = match algorithm {
            Algorithm::RandomForest => serde_json::from_value(params).map(Estimator::RandomForest),
            Algorithm::Svm => serde_json::from_value(params).map(Estimator::Svm),
        };
        parsed.map_err(|e| format!("not valid for {algorithm}: {e}"))
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;
    use crate::{ForestParams, Kernel, SvmParams};
    use serde_json::json;

    fn request(value: serde_json::Value) -> TrainingRequest {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn a_forest_request_without_params_gets_the_default_params() {
        let spec = request(json!({
            "algorithm": "random_forest", "features": ["sex", "pclass", "sex"], "name": " f "
        }))
        .spec()
        .unwrap();
        assert_eq!(spec.name, "f");
        assert_eq!(spec.features, [Feature::Sex, Feature::Pclass]);
        assert_eq!(
            spec.estimator,
            Estimator::RandomForest(ForestParams::default())
        );
        assert!(!spec.activate);
    }

    #[test]
    fn partial_svm_params_are_completed_with_the_defaults() {
        let spec = request(json!({
            "algorithm": "svm", "features": ["age"], "name": "s",
            "params": {"kernel": "linear", "c": 2.5}
        }))
        .spec()
        .unwrap();
        let Estimator::Svm(params) = spec.estimator else {
            panic!("not an svm")
        };
        assert_eq!(params.kernel, Kernel::Linear);
        assert_eq!(params.c, 2.5);
        assert_eq!(params.kernel_width, SvmParams::default().kernel_width);
    }

    #[test]
    fn unknown_features_an_empty_list_and_an_unknown_algorithm_are_named() {
        let errors = request(json!({"algorithm": "knn", "features": ["age", "cabin"]}))
            .spec()
            .unwrap_err();
        assert!(errors["features"].contains("cabin"), "{errors:?}");
        assert!(errors["algorithm"].contains("svm"));
        assert_eq!(errors["name"], "is required");

        let errors = request(json!({"algorithm": "svm", "features": [], "name": "x"}))
            .spec()
            .unwrap_err();
        assert_eq!(errors["features"], "choose at least one feature");
    }

    #[test]
    fn params_or_evaluation_given_as_a_list_are_refused_not_read_as_the_defaults() {
        for body in [
            json!({"algorithm": "random_forest", "features": ["age"], "name": "x", "params": []}),
            json!({"algorithm": "svm", "features": ["age"], "name": "x", "params": [1.0]}),
            json!({"algorithm": "svm", "features": ["age"], "name": "x", "evaluation": [5, 10]}),
        ] {
            let request: TrainingRequest = serde_json::from_value(body.clone()).unwrap();
            let errors = request.spec().unwrap_err();
            let field = if body["params"].is_null() {
                "evaluation"
            } else {
                "params"
            };
            assert_eq!(errors[field], NOT_AN_OBJECT, "{body}");
        }
    }

    #[test]
    fn out_of_range_and_unknown_params_are_named() {
        let errors = request(json!({
            "algorithm": "random_forest", "features": ["age"], "name": "x",
            "params": {"trees": 0, "max_depth": 99, "feature_share": 1.5, "bootstrap_share": 0}
        }))
        .spec()
        .unwrap_err();
        let names: Vec<&str> = errors.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "params.bootstrap_share",
                "params.feature_share",
                "params.max_depth",
                "params.trees"
            ]
        );

        let errors = request(json!({
            "algorithm": "svm", "features": ["age"], "name": "x", "params": {"gamma": 1}
        }))
        .spec()
        .unwrap_err();
        assert!(
            errors["params"].contains("unknown field `gamma`"),
            "{errors:?}"
        );
    }

    #[test]
    fn whole_numbers_written_with_a_point_are_taken_as_integers() {
        let spec = request(json!({
            "algorithm": "random_forest", "features": ["age"], "name": "f",
            "params": {"trees": 14.0, "max_depth": 3.0, "seed": 7.0},
            "evaluation": {"folds": 4.0}
        }))
        .spec()
        .unwrap();
        let Estimator::RandomForest(params) = spec.estimator else {
            panic!("not a forest")
        };
        assert_eq!(
            (params.trees, params.max_depth, params.seed),
            (14, Some(3), 7)
        );
        assert_eq!(spec.evaluation.folds, 4);
        let half = request(json!({
            "algorithm": "random_forest", "features": ["age"], "name": "f",
            "params": {"trees": 14.5}
        }));
        assert!(half.spec().unwrap_err().contains_key("params"));
    }

    #[test]
    fn a_name_with_a_control_character_is_refused() {
        let errors = request(json!({"algorithm": "svm", "features": ["age"], "name": "a\u{0}b"}))
            .spec()
            .unwrap_err();
        assert_eq!(errors["name"], "must not contain control characters");
    }

    #[test]
    fn a_seed_past_what_a_browser_holds_exactly_is_refused() {
        let errors = request(json!({
            "algorithm": "random_forest", "features": ["age"], "name": "x",
            "params": {"seed": 9_007_199_254_740_992_u64}
        }))
        .spec()
        .unwrap_err();
        assert!(
            errors["params.seed"].contains("9007199254740991"),
            "{errors:?}"
        );
    }

    #[test]
    fn a_name_longer_than_100_characters_is_refused() {
        let errors = request(json!({
            "algorithm": "svm", "features": ["age"], "name": "é".repeat(101)
        }))
        .spec()
        .unwrap_err();
        assert_eq!(errors["name"], "must be at most 100 characters");
    }
}
