//! How a passenger's fields and values are said to people, in the web app and in the model
//! service's explanations alike.

use super::{Embarked, Sex};

/// The fields' labels.
pub const PCLASS: &str = "Ticket class";
pub const SEX: &str = "Sex";
pub const AGE: &str = "Age";
pub const SIBSP: &str = "Siblings or spouses aboard";
pub const PARCH: &str = "Parents or children aboard";
pub const FARE: &str = "Fare";
pub const EMBARKED: &str = "Port of embarkation";

/// `1st class`, `2nd class`, `3rd class`.
pub fn class_name(pclass: u8) -> &'static str {
    match pclass {
        1 => "1st class",
        2 => "2nd class",
        _ => "3rd class",
    }
}

/// `Male` or `Female`, as a choice is offered.
pub fn sex_name(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "Male",
        Sex::Female => "Female",
    }
}

/// The port's name: `Southampton`, `Cherbourg`, `Queenstown`.
pub fn port_name(port: Embarked) -> &'static str {
    match port {
        Embarked::S => "Southampton",
        Embarked::C => "Cherbourg",
        Embarked::Q => "Queenstown",
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn classes_and_ports_are_named_as_people_say_them() {
        let classes: Vec<&str> = (1..=3).map(class_name).collect();
        assert_eq!(classes, ["1st class", "2nd class", "3rd class"]);
        let ports: Vec<&str> = Embarked::ALL.map(port_name).to_vec();
        assert_eq!(ports, ["Southampton", "Cherbourg", "Queenstown"]);
        assert_eq!(Sex::ALL.map(sex_name), ["Male", "Female"]);
    }
}
