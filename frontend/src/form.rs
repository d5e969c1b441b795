//! The calculator form's values as typed, and how they become an API request: the same
//! rules as the API (from `lifeboat-api-types`), plus "is this a number at all".

use lifeboat_api_types::{FieldErrors, InferenceRequest};

/// The form exactly as the inputs hold it: text.
#[derive(Debug, Clone, PartialEq)]
pub struct CalculatorForm {
    pub pclass: String,
    pub sex: String,
    pub age: String,
    pub sibsp: String,
    pub parch: String,
    pub fare: String,
    pub embarked: String,
}

impl Default for CalculatorForm {
    /// A typical passenger: third class, a man of 29 travelling alone from Southampton.
    fn default() -> Self {
        Self {
            pclass: "3".into(),
            sex: "male".into(),
            age: "29".into(),
            sibsp: "0".into(),
            parch: "0".into(),
            fare: "8.05".into(),
            embarked: "S".into(),
        }
    }
}

impl CalculatorForm {
    /// The API request for these values, or every field that is wrong and why.
    /// Empty age, fare and port mean "unknown" and are allowed.
    pub fn to_request(&self) -> Result<InferenceRequest, FieldErrors> {
        let mut errors = FieldErrors::new();
        let request = InferenceRequest {
            pclass: whole(&self.pclass, "pclass", &mut errors),
            sex: text(&self.sex),
            age: decimal(&self.age, "age", &mut errors),
            sibsp: whole(&self.sibsp, "sibsp", &mut errors),
            parch: whole(&self.parch, "parch", &mut errors),
            fare: decimal(&self.fare, "fare", &mut errors),
            embarked: text(&self.embarked),
            model_id: None,
        };
        if let Err(rule_errors) = request.passenger() {
            for (field, reason) in rule_errors {
                errors.entry(field).or_insert(reason);
            }
        }
        if errors.is_empty() {
            Ok(request)
        } else {
            Err(errors)
        }
    }
}

fn text(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

fn whole(value: &str, field: &str, errors: &mut FieldErrors) -> Option<i64> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match value.parse::<i64>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.insert(field.into(), "must be a whole number".into());
            None
        }
    }
}

fn decimal(value: &str, field: &str, errors: &mut FieldErrors) -> Option<f64> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match value.parse::<f64>() {
        Ok(n) if n.is_finite() => Some(n),
        _ => {
            errors.insert(field.into(), "must be a number".into());
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_form_is_a_valid_request() {
        let request = CalculatorForm::default().to_request().unwrap();
        assert_eq!(request.pclass, Some(3));
        assert_eq!(request.fare, Some(8.05));
    }

    #[test]
    fn empty_age_fare_and_port_mean_unknown() {
        let form = CalculatorForm {
            age: " ".into(),
            fare: String::new(),
            embarked: String::new(),
            ..CalculatorForm::default()
        };
        let request = form.to_request().unwrap();
        assert_eq!(
            (request.age, request.fare, request.embarked),
            (None, None, None)
        );
    }

    #[test]
    fn text_where_a_number_belongs_is_named() {
        let form = CalculatorForm {
            age: "old".into(),
            sibsp: "1.5".into(),
            ..CalculatorForm::default()
        };
        let errors = form.to_request().unwrap_err();
        assert_eq!(errors["age"], "must be a number");
        assert_eq!(errors["sibsp"], "must be a whole number");
    }

    #[test]
    fn the_apis_rules_apply_in_the_form_too() {
        let form = CalculatorForm {
            age: "130".into(),
            parch: String::new(),
            ..CalculatorForm::default()
        };
        let errors = form.to_request().unwrap_err();
        assert_eq!(errors["age"], "must be between 0 and 120");
        assert_eq!(errors["parch"], "is required");
    }
}
