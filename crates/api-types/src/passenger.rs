//! A passenger as the calculator sends it, the rules it must meet, and the prediction.

use crate::FieldErrors;
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// Bounds the API enforces; the frontend uses the same ones for its spinners.
pub mod limits {
    pub const AGE_MAX: f64 = 120.0;
    pub const RELATIVES_MAX: i64 = 20;
    pub const FARE_MAX: f64 = 1000.0;
}

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

impl Sex {
    /// Parses `male`/`female` in any letter case.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "male" => Some(Self::Male),
            "female" => Some(Self::Female),
            _ => None,
        }
    }
}

impl Embarked {
    /// `S`, `C` or `Q`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::S => "S",
            Self::C => "C",
            Self::Q => "Q",
        }
    }

    /// Parses `S`, `C` or `Q` in any letter case.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_uppercase().as_str() {
            "S" => Some(Self::S),
            "C" => Some(Self::C),
            "Q" => Some(Self::Q),
            _ => None,
        }
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Male => "male",
            Self::Female => "female",
        })
    }
}

/// A passenger whose every field has passed the rules: the only form the models accept.
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

/// `POST /inference` and `POST /api/inference` body, as it arrives: nothing trusted yet.
///
/// Every field is optional on the wire so that a missing one is reported by name
/// (see [`InferenceRequest::passenger`]) instead of as an opaque parse error.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InferenceRequest {
    #[serde(
        default,
        deserialize_with = "crate::whole::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = i64, minimum = 1, maximum = 3))]
    pub pclass: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = String, pattern = r"^[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*([Mm][Aa][Ll][Ee]|[Ff][Ee][Mm][Aa][Ll][Ee])[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$", example = "female"))]
    pub sex: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 120))]
    pub age: Option<f64>,
    #[serde(
        default,
        deserialize_with = "crate::whole::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = i64, minimum = 0, maximum = 20))]
    pub sibsp: Option<i64>,
    #[serde(
        default,
        deserialize_with = "crate::whole::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = i64, minimum = 0, maximum = 20))]
    pub parch: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000))]
    pub fare: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = r"^[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[SCQscq][\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
        )
    )]
    pub embarked: Option<String>,
    /// Ask a particular model; without it the service's default model answers.
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = r"^([0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"
        )
    )]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_id: Option<Uuid>,
    /// Also explain the answer: `base` and `contributions` come with it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub explain: bool,
}

fn is_false(value: &bool) -> bool {
    !value
}

impl InferenceRequest {
    /// Applies the rules; on failure every offending field is named with its reason.
    pub fn passenger(&self) -> Result<Passenger, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut fail = |field: &str, reason: &str| {
            errors.insert(field.to_owned(), reason.to_owned());
        };

        let pclass = match self.pclass {
            Some(p @ 1..=3) => p as u8,
            Some(_) => {
                fail("pclass", "must be 1, 2 or 3");
                0
            }
            None => {
                fail("pclass", "is required");
                0
            }
        };
        let sex = match self.sex.as_deref().map(Sex::parse) {
            Some(Some(sex)) => Some(sex),
            Some(None) => {
                fail("sex", "must be \"male\" or \"female\"");
                None
            }
            None => {
                fail("sex", "is required");
                None
            }
        };
        let age = match self.age {
            Some(a) if !(0.0..=limits::AGE_MAX).contains(&a) => {
                fail("age", &format!("must be between 0 and {}", limits::AGE_MAX));
                None
            }
            other => other,
        };
        let sibsp = relatives(self.sibsp, "sibsp", &mut fail);
        let parch = relatives(self.parch, "parch", &mut fail);
        let fare = match self.fare {
            Some(f) if !(0.0..=limits::FARE_MAX).contains(&f) => {
                fail(
                    "fare",
                    &format!("must be between 0 and {}", limits::FARE_MAX),
                );
                None
            }
            other => other,
        };
        let embarked = match self.embarked.as_deref().map(Embarked::parse) {
            Some(None) => {
                fail("embarked", "must be S, C or Q");
                None
            }
            Some(port) => port,
            None => None,
        };

        match sex {
            Some(sex) if errors.is_empty() => Ok(Passenger {
                pclass,
                sex,
                age,
                sibsp,
                parch,
                fare,
                embarked,
            }),
            _ => Err(errors),
        }
    }
}

fn relatives(value: Option<i64>, field: &str, fail: &mut impl FnMut(&str, &str)) -> u8 {
    match value {
        Some(n @ 0..=limits::RELATIVES_MAX) => n as u8,
        Some(_) => {
            let reason = format!("must be a whole number from 0 to {}", limits::RELATIVES_MAX);
            fail(field, &reason);
            0
        }
        None => {
            fail(field, "is required");
            0
        }
    }
}

impl From<Passenger> for InferenceRequest {
    fn from(p: Passenger) -> Self {
        Self {
            pclass: Some(i64::from(p.pclass)),
            sex: Some(p.sex.to_string()),
            age: p.age,
            sibsp: Some(i64::from(p.sibsp)),
            parch: Some(i64::from(p.parch)),
            fare: p.fare,
            embarked: p.embarked.map(|e| e.as_str().to_owned()),
            model_id: None,
            explain: false,
        }
    }
}

/// What a prediction answers: the probability of survival and the verdict at 0.5.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InferenceResponse {
    pub prob: f64,
    pub survived: bool,
    /// The model that answered.
    pub model_id: Uuid,
    pub model_name: String,
    pub algorithm: crate::Algorithm,
    /// With `explain`: the model's average answer, where the contributions start from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<f64>,
    /// With `explain`: one line per model input; `base + Σ contribution = prob`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contributions: Option<Vec<crate::Contribution>>,
    /// With `explain`, when the model cannot be explained: why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_explanation: Option<String>,
}

impl InferenceResponse {
    /// The answer of `model` for probability `prob`, without an explanation.
    pub fn new(prob: f64, model_id: Uuid, model_name: String, algorithm: crate::Algorithm) -> Self {
        Self {
            prob,
            survived: prob >= SURVIVAL_THRESHOLD,
            model_id,
            model_name,
            algorithm,
            base: None,
            contributions: None,
            no_explanation: None,
        }
    }
}

/// The probability from which the verdict is "survived".
pub const SURVIVAL_THRESHOLD: f64 = 0.5;

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    fn third_class_man() -> InferenceRequest {
        serde_json::from_value(serde_json::json!({
            "pclass": 3, "sex": "male", "age": 22, "sibsp": 1, "parch": 0,
            "fare": 7.25, "embarked": "S"
        }))
        .unwrap()
    }

    #[test]
    fn a_complete_passenger_passes_the_rules() {
        let p = third_class_man().passenger().unwrap();
        assert_eq!(p.pclass, 3);
        assert_eq!(p.sex, Sex::Male);
        assert_eq!(p.age, Some(22.0));
        assert_eq!(p.embarked, Some(Embarked::S));
    }

    #[test]
    fn unknown_age_fare_and_port_are_allowed() {
        let req = InferenceRequest {
            age: None,
            fare: None,
            embarked: None,
            ..third_class_man()
        };
        let p = req.passenger().unwrap();
        assert_eq!((p.age, p.fare, p.embarked), (None, None, None));
    }

    #[test]
    fn every_bad_field_is_named_with_its_reason() {
        let req = InferenceRequest {
            pclass: Some(4),
            sex: Some("robot".into()),
            age: Some(121.0),
            sibsp: Some(-1),
            parch: Some(21),
            fare: Some(1000.5),
            embarked: Some("X".into()),
            model_id: None,
            explain: true,
        };
        let errors = req.passenger().unwrap_err();
        let names: Vec<&str> = errors.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            ["age", "embarked", "fare", "parch", "pclass", "sex", "sibsp"]
        );
        assert_eq!(errors["pclass"], "must be 1, 2 or 3");
    }

    #[test]
    fn missing_required_fields_are_reported_as_required() {
        let errors = InferenceRequest::default().passenger().unwrap_err();
        for field in ["pclass", "sex", "sibsp", "parch"] {
            assert_eq!(errors[field], "is required", "{field}");
        }
        assert!(!errors.contains_key("age"));
    }

    #[test]
    fn a_passenger_round_trips_through_the_wire_form() {
        let p = third_class_man().passenger().unwrap();
        assert_eq!(InferenceRequest::from(p).passenger().unwrap(), p);
    }

    #[test]
    fn whole_numbers_written_with_a_point_are_read_as_integers() {
        let req: InferenceRequest = serde_json::from_value(serde_json::json!({
            "pclass": 3.0, "sex": "male", "sibsp": 1.0, "parch": 0.0
        }))
        .unwrap();
        assert_eq!(
            (req.pclass, req.sibsp, req.parch),
            (Some(3), Some(1), Some(0))
        );
        let half = serde_json::json!({"pclass": 2.5, "sex": "male", "sibsp": 0, "parch": 0});
        assert!(serde_json::from_value::<InferenceRequest>(half).is_err());
    }

    #[test]
    fn a_number_a_hair_over_a_bound_is_read_exactly_and_refused() {
        // 120.00000000000001 is one ulp above 120: a float parser that rounds loosely reads
        // it as 120 and lets it through, as schemathesis found.
        let body = r#"{"pclass": 1, "sex": "male", "age": 120.00000000000001,
                       "sibsp": 0, "parch": 0, "fare": 1000.0000000000001}"#;
        let req: InferenceRequest = serde_json::from_str(body).unwrap();
        let errors = req.passenger().unwrap_err();
        assert!(errors.contains_key("age"), "{errors:?}");
        assert!(errors.contains_key("fare"), "{errors:?}");
    }

    #[test]
    fn sex_and_port_are_read_in_any_letter_case() {
        assert_eq!(Sex::parse(" Female "), Some(Sex::Female));
        assert_eq!(Embarked::parse("q"), Some(Embarked::Q));
    }
}
