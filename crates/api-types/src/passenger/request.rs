//! A passenger as the calculator and every API client send it: nothing trusted yet.

use super::{Embarked, Passenger, Sex, rules};
use crate::FieldErrors;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

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
    #[cfg_attr(feature = "openapi", schema(required = true, schema_with = rules::schema::pclass))]
    pub pclass: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, schema_with = rules::schema::sex))]
    pub sex: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::schema::age))]
    pub age: Option<f64>,
    #[serde(
        default,
        deserialize_with = "crate::whole::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(required = true, schema_with = rules::schema::relatives))]
    pub sibsp: Option<i64>,
    #[serde(
        default,
        deserialize_with = "crate::whole::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(required = true, schema_with = rules::schema::relatives))]
    pub parch: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::schema::fare))]
    pub fare: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::schema::embarked))]
    pub embarked: Option<String>,
    /// Ask a particular model. Without it, `/api/inference` answers with the default model
    /// and the model service's `/inference` refuses (the backend always names one).
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

/// The [`rules`] applied to `request`; on failure every offending field is named with its
/// reason.
fn check(request: &InferenceRequest) -> Result<Passenger, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut fail = |field: &str, reason: String| {
        errors.insert(field.to_owned(), reason);
    };
    let pclass = match request.pclass {
        Some(p @ rules::PCLASS_MIN..=rules::PCLASS_MAX) => p as u8,
        Some(_) => {
            fail("pclass", rules::pclass_reason());
            0
        }
        None => {
            fail("pclass", rules::REQUIRED.to_owned());
            0
        }
    };
    let sex = match request.sex.as_deref().map(Sex::parse) {
        Some(Some(sex)) => Some(sex),
        Some(None) => {
            fail("sex", rules::sex_reason());
            None
        }
        None => {
            fail("sex", rules::REQUIRED.to_owned());
            None
        }
    };
    let age = bounded(request.age, rules::AGE_MAX, "age", &mut fail);
    let sibsp = relatives(request.sibsp, "sibsp", &mut fail);
    let parch = relatives(request.parch, "parch", &mut fail);
    let fare = bounded(request.fare, rules::FARE_MAX, "fare", &mut fail);
    let embarked = match request.embarked.as_deref().map(Embarked::parse) {
        Some(None) => {
            fail("embarked", rules::embarked_reason());
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

/// An optional amount from 0 to `max`.
fn bounded(
    value: Option<f64>,
    max: f64,
    field: &str,
    fail: &mut impl FnMut(&str, String),
) -> Option<f64> {
    match value {
        Some(v) if !(0.0..=max).contains(&v) => {
            fail(field, rules::between_reason(max));
            None
        }
        other => other,
    }
}

fn relatives(value: Option<i64>, field: &str, fail: &mut impl FnMut(&str, String)) -> u8 {
    match value {
        Some(n @ 0..=rules::RELATIVES_MAX) => n as u8,
        Some(_) => {
            fail(field, rules::relatives_reason());
            0
        }
        None => {
            fail(field, rules::REQUIRED.to_owned());
            0
        }
    }
}

fn is_false(value: &bool) -> bool {
    !value
}

impl InferenceRequest {
    /// Applies the [`rules`]; on failure every offending field is named with its reason.
    pub fn passenger(&self) -> Result<Passenger, FieldErrors> {
        check(self)
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

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;
    use crate::{Embarked, Sex};

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
}
