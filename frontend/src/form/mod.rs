//! The forms' values as typed, and how they become API requests: the same rules as the API
//! (from `lifeboat-api-types`), plus "is this a number at all".

mod query;
mod training;

pub use query::calculator_link;
pub use training::{TrainingForm, kernel_name};

use lifeboat_api_types::{
    Credentials, FieldErrors, InferenceRequest, check_email, check_new_password, text,
};

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
            explain: false,
        };
        let rules = request.passenger().map(drop);
        checked(request, errors, rules)
    }

    /// The form showing `request`'s passenger (a what-if suggestion, say); what it leaves
    /// out stays empty, which reads as unknown.
    pub fn from_request(request: &InferenceRequest) -> Self {
        let show = |value: Option<String>| value.unwrap_or_default();
        Self {
            pclass: show(request.pclass.map(|n| n.to_string())),
            sex: show(request.sex.as_deref().map(str::to_ascii_lowercase)),
            age: show(request.age.map(|n| n.to_string())),
            sibsp: show(request.sibsp.map(|n| n.to_string())),
            parch: show(request.parch.map(|n| n.to_string())),
            fare: show(request.fare.map(|n| n.to_string())),
            embarked: show(request.embarked.as_deref().map(str::to_ascii_uppercase)),
        }
    }
}

/// `request` when neither the typing nor the API's rules found a fault, else every fault;
/// the typing's come first ("must be a number" says more than the rule's "is required").
fn checked<T>(
    request: T,
    mut errors: FieldErrors,
    rules: Result<(), FieldErrors>,
) -> Result<T, FieldErrors> {
    if let Err(rule_errors) = rules {
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

/// Sign-up or login credentials, or the fields that are wrong. A new account's password
/// must meet the policy; a login's need only be there.
pub fn credentials(
    email: &str,
    password: &str,
    new_account: bool,
) -> Result<Credentials, FieldErrors> {
    let mut errors = FieldErrors::new();
    let email = match check_email(email) {
        Ok(email) => email.to_owned(),
        Err(reason) => {
            errors.insert("email".into(), reason.into());
            String::new()
        }
    };
    let password_rule = if new_account {
        check_new_password(password)
    } else if password.is_empty() {
        Err("is required")
    } else {
        Ok(())
    };
    if let Err(reason) = password_rule {
        errors.insert("password".into(), reason.into());
    }
    if errors.is_empty() {
        Ok(Credentials {
            email,
            password: password.to_owned(),
        })
    } else {
        Err(errors)
    }
}

fn text(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// `value` as a whole number by the one text rule ([`text::whole`]), or `None` with the
/// reason in `errors`.
fn whole(value: &str, field: &str, errors: &mut FieldErrors) -> Option<i64> {
    text::whole(value).unwrap_or_else(|reason| {
        errors.insert(field.into(), reason.into());
        None
    })
}

/// A count or a seed: a whole number, not negative (the API's types have no sign, so a
/// negative one would fail as a whole request rather than as its field).
fn natural(value: &str, field: &str, errors: &mut FieldErrors) -> Option<u64> {
    let n = whole(value, field, errors)?;
    match u64::try_from(n) {
        Ok(n) => Some(n),
        Err(_) => {
            errors.insert(field.into(), "must not be negative".into());
            None
        }
    }
}

/// `value` as a number by the one text rule ([`text::decimal`]), or `None` with the reason
/// in `errors`.
fn decimal(value: &str, field: &str, errors: &mut FieldErrors) -> Option<f64> {
    text::decimal(value).unwrap_or_else(|reason| {
        errors.insert(field.into(), reason.into());
        None
    })
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
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
    fn a_suggested_passenger_fills_the_form_as_typed() {
        let form = CalculatorForm::default();
        let request = form.to_request().unwrap();
        assert_eq!(CalculatorForm::from_request(&request), form);
        let unknowns = InferenceRequest {
            sex: Some("Female".into()),
            embarked: Some("c".into()),
            age: Some(2.5),
            ..request
        };
        let filled = CalculatorForm::from_request(&unknowns);
        assert_eq!(
            (filled.sex.as_str(), filled.embarked.as_str()),
            ("female", "C")
        );
        assert_eq!(filled.age, "2.5");
        let empty = CalculatorForm::from_request(&InferenceRequest::default());
        assert_eq!((empty.age.as_str(), empty.embarked.as_str()), ("", ""));
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
    fn a_whole_number_written_with_a_point_is_taken_as_the_api_takes_it() {
        let form = CalculatorForm {
            pclass: "2.0".into(),
            sibsp: " 1.0 ".into(),
            ..CalculatorForm::default()
        };
        let request = form.to_request().unwrap();
        assert_eq!((request.pclass, request.sibsp), (Some(2), Some(1)));
    }

    #[test]
    fn a_new_account_needs_a_valid_email_and_an_8_character_password() {
        let errors = credentials("not-an-email", "short", true).unwrap_err();
        assert_eq!(
            errors["email"],
            "must be an e-mail address like name@example.com"
        );
        assert_eq!(errors["password"], "must be at least 8 characters");
        let ok = credentials(" ada@example.com ", "long enough", true).unwrap();
        assert_eq!(ok.email, "ada@example.com");
    }

    #[test]
    fn a_login_only_needs_a_password_to_be_there() {
        assert!(credentials("ada@example.com", "short", false).is_ok());
        let errors = credentials("ada@example.com", "", false).unwrap_err();
        assert_eq!(errors["password"], "is required");
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
