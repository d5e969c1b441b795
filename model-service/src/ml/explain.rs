//! Why a model gives a passenger the probability it does: exact contributions of its inputs
//! that add up to the answer.
//!
//! - A forest is explained by TreeSHAP over its own columns ([`crate::ml::tree_shap`]); the
//!   port's three one-hot columns become one `embarked` line.
//! - An SVM is explained by exact Shapley values over the seven typed inputs, with the
//!   interventional value function: the value of a set of inputs is the mean answer over the
//!   background passengers with those inputs taken from the passenger explained. With seven
//!   inputs that is every one of the 2^7 sets, no sampling.

use crate::ml::features::{copy_input, inputs_of};
use crate::ml::{Feature, ModelArtifact, ModelBody, Preprocessing};
use lifeboat_api_types::{Contribution, Passenger, words};

/// An explanation: the model's average answer and what each input adds to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub base: f64,
    pub contributions: Vec<Contribution>,
}

/// Why a model cannot be explained.
pub const NOT_EXPLAINABLE: &str = "this model was saved without what its explanations need, \
     and the data set it was trained on is not the one loaded";

/// Explains `model`'s answer for `passenger`, or says why it cannot.
pub fn explain(model: &ModelArtifact, passenger: &Passenger) -> Result<Explanation, &'static str> {
    let pre = &model.preprocessing;
    match &model.body {
        ModelBody::RandomForest { forest, .. } => {
            let mut row = Vec::with_capacity(pre.width());
            pre.encode_into(passenger, &mut row);
            let columns = forest.contributions(&row).ok_or(NOT_EXPLAINABLE)?;
            let mut contributions: Vec<Contribution> = Vec::with_capacity(pre.features.len());
            let mut values = columns.values.iter();
            for &feature in &pre.features {
                let width = if feature == Feature::Embarked { 3 } else { 1 };
                let contribution = values.by_ref().take(width).sum();
                contributions.push(line(feature, contribution, passenger, pre));
            }
            Ok(Explanation {
                base: columns.base,
                contributions,
            })
        }
        ModelBody::Svm { background, .. } if !background.is_empty() => {
            let inputs = inputs_of(&pre.features);
            let (base, values) = shapley(&inputs, passenger, background, |p| model.predict(p));
            let contributions = inputs
                .iter()
                .zip(values)
                .map(|(&feature, contribution)| line(feature, contribution, passenger, pre))
                .collect();
            Ok(Explanation {
                base,
                contributions,
            })
        }
        ModelBody::Svm { .. } => Err(NOT_EXPLAINABLE),
    }
}

/// Exact interventional Shapley values of `inputs` for `passenger`: returns the value of the
/// empty set (the mean answer over `background`) and one value per input.
pub fn shapley(
    inputs: &[Feature],
    passenger: &Passenger,
    background: &[Passenger],
    predict: impl Fn(&Passenger) -> f64,
) -> (f64, Vec<f64>) {
    let n = inputs.len();
    // The value of every set of inputs, a bit per input.
    let value: Vec<f64> = (0..1usize << n)
        .map(|set| {
            let total: f64 = background
                .iter()
                .map(|b| {
                    let mut mixed = *b;
                    for (i, &input) in inputs.iter().enumerate() {
                        if set & (1 << i) != 0 {
                            copy_input(input, passenger, &mut mixed);
                        }
                    }
                    predict(&mixed)
                })
                .sum();
            total / background.len() as f64
        })
        .collect();
    // Shapley weight |S|! (n - |S| - 1)! / n! of a set of |S| other inputs.
    let factorial = |k: usize| (1..=k).map(|v| v as f64).product::<f64>();
    let weight: Vec<f64> = (0..n)
        .map(|size| factorial(size) * factorial(n - size - 1) / factorial(n))
        .collect();
    let values = (0..n)
        .map(|i| {
            (0..1usize << n)
                .filter(|set| set & (1 << i) == 0)
                .map(|set| weight[set.count_ones() as usize] * (value[set | (1 << i)] - value[set]))
                .sum()
        })
        .collect();
    (value[0], values)
}

/// An explanation's line for `feature`, with the passenger's value in words.
fn line(feature: Feature, contribution: f64, p: &Passenger, pre: &Preprocessing) -> Contribution {
    Contribution {
        feature,
        value: value_in_words(feature, p, pre),
        contribution,
    }
}

/// The passenger's value of `feature` as a person would say it; an unknown value names the
/// value the model fills in.
pub fn value_in_words(feature: Feature, p: &Passenger, pre: &Preprocessing) -> String {
    let relatives = u16::from(p.sibsp) + u16::from(p.parch);
    match feature {
        Feature::Pclass => words::class_name(p.pclass).into(),
        Feature::Sex => p.sex.to_string(),
        Feature::Age => match p.age {
            Some(age) => format!("{age}"),
            None => format!("unknown (taken as {})", pre.age_median),
        },
        Feature::Sibsp => p.sibsp.to_string(),
        Feature::Parch => p.parch.to_string(),
        Feature::Fare => match p.fare {
            Some(fare) => format!("{fare:.2}"),
            None => format!("unknown (taken as {:.2})", pre.fare_median),
        },
        Feature::Embarked => match p.embarked {
            Some(port) => words::port_name(port).into(),
            None => format!("unknown (taken as {})", words::port_name(pre.embarked_mode)),
        },
        Feature::FamilySize => (relatives + 1).to_string(),
        Feature::IsAlone => if relatives == 0 { "yes" } else { "no" }.into(),
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;
    use lifeboat_api_types::Sex;

    fn passenger(pclass: u8, sex: Sex, age: f64) -> Passenger {
        Passenger {
            pclass,
            sex,
            age: Some(age),
            fare: Some(10.0),
            ..Passenger::BRAUND
        }
    }

    #[test]
    fn shapley_values_of_an_additive_model_are_its_terms_against_the_background_mean() {
        // f = 0.1·class + 0.3·female: each input's value is its own term's distance from
        // the background mean of that term.
        let f = |p: &Passenger| {
            0.1 * f64::from(p.pclass) + if p.sex == Sex::Female { 0.3 } else { 0.0 }
        };
        let background = [passenger(3, Sex::Male, 30.0), passenger(1, Sex::Male, 40.0)];
        let x = passenger(1, Sex::Female, 5.0);
        let inputs = [Feature::Pclass, Feature::Sex, Feature::Age];
        let (base, values) = shapley(&inputs, &x, &background, f);
        assert!((base - (0.3 + 0.1) / 2.0).abs() < 1e-12);
        assert!((values[0] - (0.1 - 0.2)).abs() < 1e-12, "{values:?}");
        assert!((values[1] - 0.3).abs() < 1e-12, "{values:?}");
        assert!(values[2].abs() < 1e-12, "age is not used: {values:?}");
    }

    #[test]
    fn an_interaction_is_shared_equally_between_its_inputs() {
        let f = |p: &Passenger| {
            if p.pclass == 1 && p.sex == Sex::Female {
                1.0
            } else {
                0.0
            }
        };
        let background = [passenger(3, Sex::Male, 30.0)];
        let x = passenger(1, Sex::Female, 30.0);
        let (base, values) = shapley(&[Feature::Pclass, Feature::Sex], &x, &background, f);
        assert_eq!(base, 0.0);
        assert_eq!(values, [0.5, 0.5]);
    }
}
