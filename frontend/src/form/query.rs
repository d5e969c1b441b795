//! The calculator's address as a passenger: "Open in calculator" writes
//! `/?pclass=3&sex=male&age=22&sibsp=1&parch=0&fare=7.25&embarked=S&model_id=…` and the
//! calculator reads it back into its form.

use super::CalculatorForm;
use lifeboat_api_types::Passenger;
use uuid::Uuid;

impl CalculatorForm {
    /// The form the address describes, or `None` when it names no passenger (no `pclass`).
    /// A field it leaves out is unknown (empty); wrong values show as typed, marked wrong.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Option<Self> {
        let pclass = get("pclass")?;
        let field = |name: &str| get(name).unwrap_or_default();
        Some(Self {
            pclass,
            sex: field("sex").to_ascii_lowercase(),
            age: field("age"),
            sibsp: field("sibsp"),
            parch: field("parch"),
            fare: field("fare"),
            embarked: field("embarked").to_ascii_uppercase(),
        })
    }
}

/// The calculator's address showing `passenger`, answered by `model_id` when given.
pub fn calculator_link(passenger: &Passenger, model_id: Option<Uuid>) -> String {
    let mut pairs = vec![
        ("pclass", passenger.pclass.to_string()),
        ("sex", passenger.sex.to_string()),
    ];
    if let Some(age) = passenger.age {
        pairs.push(("age", age.to_string()));
    }
    pairs.push(("sibsp", passenger.sibsp.to_string()));
    pairs.push(("parch", passenger.parch.to_string()));
    if let Some(fare) = passenger.fare {
        pairs.push(("fare", fare.to_string()));
    }
    if let Some(port) = passenger.embarked {
        pairs.push(("embarked", port.as_str().to_owned()));
    }
    if let Some(id) = model_id {
        pairs.push(("model_id", id.to_string()));
    }
    let query: Vec<String> = pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("/?{}", query.join("&"))
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn passenger() -> Passenger {
        Passenger::BRAUND
    }

    fn read(link: &str) -> Option<CalculatorForm> {
        let query: HashMap<String, String> = link
            .trim_start_matches("/?")
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        CalculatorForm::from_query(|name| query.get(name).cloned())
    }

    #[test]
    fn a_passenger_goes_to_the_calculator_and_back_unchanged() {
        let id = Uuid::from_u128(7);
        let link = calculator_link(&passenger(), Some(id));
        assert_eq!(
            link,
            format!(
                "/?pclass=3&sex=male&age=22&sibsp=1&parch=0&fare=7.25&embarked=S&model_id={id}"
            )
        );
        let form = read(&link).unwrap();
        let request = form.to_request().unwrap();
        assert_eq!(request.passenger().unwrap(), passenger());
    }

    #[test]
    fn unknown_age_fare_and_port_stay_unknown() {
        let unknown = Passenger {
            age: None,
            fare: None,
            embarked: None,
            ..passenger()
        };
        let form = read(&calculator_link(&unknown, None)).unwrap();
        assert_eq!(
            (
                form.age.as_str(),
                form.fare.as_str(),
                form.embarked.as_str()
            ),
            ("", "", "")
        );
        assert_eq!(form.to_request().unwrap().passenger().unwrap(), unknown);
    }

    #[test]
    fn an_address_without_a_passenger_leaves_the_default_form() {
        assert_eq!(read("/"), None);
        assert_eq!(read("/?model_id=x"), None);
    }
}
