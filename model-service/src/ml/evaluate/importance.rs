//! Permutation importance: how much accuracy a model loses when one passenger input is
//! shuffled across the judged passengers, the model's columns derived again from the
//! shuffled inputs (so `family_size` moves with `sibsp`).

use crate::ml::Record;
use crate::ml::evaluate::metrics;
use crate::ml::train::Fitted;
use lifeboat_api_types::{Feature, Importance, Passenger, Spread};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_xoshiro::Xoshiro256Plus;

/// The passenger inputs the model's features are made from, in form order.
pub fn inputs_used(features: &[Feature]) -> Vec<Feature> {
    Feature::BASIC
        .into_iter()
        .filter(|input| {
            features.iter().any(|f| match f {
                Feature::FamilySize | Feature::IsAlone => {
                    matches!(input, Feature::Sibsp | Feature::Parch)
                }
                other => other == input,
            })
        })
        .collect()
}

/// Each input's accuracy drop over `repeats` seeded shuffles of `records`, largest first.
pub fn permutation_importance(
    model: &Fitted,
    records: &[Record],
    repeats: usize,
    seed: u64,
) -> Vec<Importance> {
    let truth: Vec<bool> = records.iter().map(|r| r.survived).collect();
    let accuracy =
        |passengers: &[Passenger]| metrics(&model.predict(passengers.iter()), &truth, 0).accuracy;
    let original: Vec<Passenger> = records.iter().map(|r| r.passenger).collect();
    let baseline = accuracy(&original);
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    let mut importances: Vec<Importance> = inputs_used(&model.preprocessing.features)
        .into_iter()
        .map(|input| {
            let drops: Vec<f64> = (0..repeats)
                .map(|_| {
                    let mut order: Vec<usize> = (0..original.len()).collect();
                    order.shuffle(&mut rng);
                    let shuffled: Vec<Passenger> = original
                        .iter()
                        .zip(&order)
                        .map(|(p, &from)| with_input_of(*p, &original[from], input))
                        .collect();
                    baseline - accuracy(&shuffled)
                })
                .collect();
            Importance {
                feature: input,
                accuracy_drop: Spread::of(&drops),
            }
        })
        .collect();
    importances.sort_by(|a, b| b.accuracy_drop.mean.total_cmp(&a.accuracy_drop.mean));
    importances
}

/// `passenger` with the value of `input` taken from `donor`.
fn with_input_of(mut passenger: Passenger, donor: &Passenger, input: Feature) -> Passenger {
    match input {
        Feature::Pclass => passenger.pclass = donor.pclass,
        Feature::Sex => passenger.sex = donor.sex,
        Feature::Age => passenger.age = donor.age,
        Feature::Sibsp => passenger.sibsp = donor.sibsp,
        Feature::Parch => passenger.parch = donor.parch,
        Feature::Fare => passenger.fare = donor.fare,
        Feature::Embarked => passenger.embarked = donor.embarked,
        Feature::FamilySize | Feature::IsAlone => {}
    }
    passenger
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_features_count_as_the_inputs_they_are_made_from() {
        assert_eq!(
            inputs_used(&[Feature::IsAlone, Feature::Sex]),
            [Feature::Sex, Feature::Sibsp, Feature::Parch]
        );
        assert_eq!(inputs_used(&Feature::BASIC), Feature::BASIC);
    }
}
