//! From a passenger to a row of numbers: the selectable features, the imputation learnt from
//! the training data, and the encodings. Saved with every model so predictions match training.

use crate::ml::Record;
pub use lifeboat_api_types::Feature;
use lifeboat_api_types::{Embarked, Passenger, Sex};
use ndarray::{Array2, Axis};
use serde::{Deserialize, Serialize};

/// What is learnt from the training rows to fill unknown values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preprocessing {
    pub features: Vec<Feature>,
    /// Median age of the training passengers whose age is known.
    pub age_median: f64,
    /// Median fare of the training passengers whose fare is known.
    pub fare_median: f64,
    /// The most common port of embarkation.
    pub embarked_mode: Embarked,
    /// Column standardisation learnt from the training rows (the SVM needs it; the forest
    /// does not).
    #[serde(default)]
    pub scaling: Option<Scaling>,
}

/// Per column: subtract the mean, divide by the standard deviation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scaling {
    pub means: Vec<f64>,
    pub std_devs: Vec<f64>,
}

impl Preprocessing {
    /// Learns the imputation values (and, with `scale`, the column scaling) from `records`
    /// for the given `features`.
    pub fn fit(records: &[Record], features: &[Feature], scale: bool) -> Self {
        let ages = records.iter().filter_map(|r| r.passenger.age);
        let fares = records.iter().filter_map(|r| r.passenger.fare);
        let mut counts = [0usize; 3];
        for port in records.iter().filter_map(|r| r.passenger.embarked) {
            counts[port_index(port)] += 1;
        }
        let embarked_mode = [Embarked::S, Embarked::C, Embarked::Q]
            .into_iter()
            .max_by_key(|p| counts[port_index(*p)])
            .unwrap_or(Embarked::S);
        let mut pre = Self {
            features: features.to_vec(),
            age_median: median(ages).unwrap_or(28.0),
            fare_median: median(fares).unwrap_or(14.45),
            embarked_mode,
            scaling: None,
        };
        if scale {
            let x = pre.encode_all(records.iter().map(|r| &r.passenger));
            pre.scaling = Some(Scaling::fit(&x));
        }
        pre
    }

    /// How many columns a row has: one per feature, three for the one-hot port.
    pub fn width(&self) -> usize {
        self.features
            .iter()
            .map(|f| if *f == Feature::Embarked { 3 } else { 1 })
            .sum()
    }

    /// Encodes one passenger into `out` (cleared first), imputing unknown values.
    pub fn encode_into(&self, p: &Passenger, out: &mut Vec<f64>) {
        out.clear();
        let relatives = f64::from(p.sibsp) + f64::from(p.parch);
        for feature in &self.features {
            match feature {
                Feature::Pclass => out.push(f64::from(p.pclass)),
                Feature::Sex => out.push(if p.sex == Sex::Female { 1.0 } else { 0.0 }),
                Feature::Age => out.push(p.age.unwrap_or(self.age_median)),
                Feature::Sibsp => out.push(f64::from(p.sibsp)),
                Feature::Parch => out.push(f64::from(p.parch)),
                Feature::Fare => out.push(p.fare.unwrap_or(self.fare_median)),
                Feature::Embarked => {
                    let port = port_index(p.embarked.unwrap_or(self.embarked_mode));
                    out.extend((0..3).map(|i| if i == port { 1.0 } else { 0.0 }));
                }
                Feature::FamilySize => out.push(relatives + 1.0),
                Feature::IsAlone => out.push(if relatives == 0.0 { 1.0 } else { 0.0 }),
            }
        }
        if let Some(scaling) = &self.scaling {
            scaling.apply(out);
        }
    }

    /// Encodes many passengers as the rows of a matrix.
    pub fn encode_all<'a>(&self, passengers: impl Iterator<Item = &'a Passenger>) -> Array2<f64> {
        let width = self.width();
        let mut flat = Vec::new();
        let mut row = Vec::with_capacity(width);
        let mut rows = 0;
        for p in passengers {
            self.encode_into(p, &mut row);
            flat.extend_from_slice(&row);
            rows += 1;
        }
        Array2::from_shape_vec((rows, width), flat).expect("every row has `width` columns")
    }
}

/// The typed inputs `features` are computed from, in the order of the passenger form.
pub fn inputs_of(features: &[Feature]) -> Vec<Feature> {
    let needs = |input: Feature| {
        features.iter().any(|&f| {
            f == input
                || (matches!(f, Feature::FamilySize | Feature::IsAlone)
                    && matches!(input, Feature::Sibsp | Feature::Parch))
        })
    };
    Feature::BASIC
        .iter()
        .copied()
        .filter(|&i| needs(i))
        .collect()
}

/// Sets `input` of `to` to its value in `from`.
pub fn copy_input(input: Feature, from: &Passenger, to: &mut Passenger) {
    match input {
        Feature::Pclass => to.pclass = from.pclass,
        Feature::Sex => to.sex = from.sex,
        Feature::Age => to.age = from.age,
        Feature::Sibsp => to.sibsp = from.sibsp,
        Feature::Parch => to.parch = from.parch,
        Feature::Fare => to.fare = from.fare,
        Feature::Embarked => to.embarked = from.embarked,
        Feature::FamilySize | Feature::IsAlone => {}
    }
}

impl Scaling {
    /// Learns each column's mean and standard deviation (1 for a constant column).
    fn fit(x: &Array2<f64>) -> Self {
        let means = x.mean_axis(Axis(0)).map(|m| m.to_vec()).unwrap_or_default();
        let std_devs = x
            .std_axis(Axis(0), 0.0)
            .iter()
            .map(|&s| if s > f64::EPSILON { s } else { 1.0 })
            .collect();
        Self { means, std_devs }
    }

    fn apply(&self, row: &mut [f64]) {
        for ((value, mean), std_dev) in row.iter_mut().zip(&self.means).zip(&self.std_devs) {
            *value = (*value - mean) / std_dev;
        }
    }
}

fn port_index(port: Embarked) -> usize {
    match port {
        Embarked::S => 0,
        Embarked::C => 1,
        Embarked::Q => 2,
    }
}

fn median(values: impl Iterator<Item = f64>) -> Option<f64> {
    let mut v: Vec<f64> = values.collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len().is_multiple_of(2) {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    })
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    fn passenger(age: Option<f64>, embarked: Option<Embarked>) -> Passenger {
        Passenger {
            pclass: 2,
            sex: Sex::Female,
            age,
            sibsp: 1,
            parch: 0,
            fare: Some(20.0),
            embarked,
        }
    }

    fn record(age: Option<f64>, embarked: Option<Embarked>) -> Record {
        Record {
            passenger: passenger(age, embarked),
            survived: true,
        }
    }

    #[test]
    fn derived_features_are_explained_by_the_inputs_they_come_from() {
        assert_eq!(
            inputs_of(&[Feature::FamilySize, Feature::Sex]),
            [Feature::Sex, Feature::Sibsp, Feature::Parch]
        );
        assert_eq!(inputs_of(&Feature::ALL), Feature::BASIC);
    }

    #[test]
    fn imputation_values_come_from_the_known_training_values() {
        let records = [
            record(Some(10.0), Some(Embarked::C)),
            record(Some(30.0), Some(Embarked::C)),
            record(None, Some(Embarked::S)),
            record(Some(20.0), None),
        ];
        let pre = Preprocessing::fit(&records, &Feature::ALL, false);
        assert_eq!(pre.age_median, 20.0);
        assert_eq!(pre.fare_median, 20.0);
        assert_eq!(pre.embarked_mode, Embarked::C);
    }

    #[test]
    fn a_passenger_is_encoded_with_unknowns_imputed_and_the_port_one_hot() {
        let pre = Preprocessing {
            features: Feature::ALL.to_vec(),
            age_median: 28.0,
            fare_median: 14.0,
            embarked_mode: Embarked::Q,
            scaling: None,
        };
        let mut row = Vec::new();
        pre.encode_into(&passenger(None, None), &mut row);
        // ... then family size 2 and "not alone".
        assert_eq!(
            row,
            [2.0, 1.0, 28.0, 1.0, 0.0, 20.0, 0.0, 0.0, 1.0, 2.0, 0.0]
        );
        assert_eq!(pre.width(), row.len());
    }

    #[test]
    fn only_the_chosen_features_are_encoded() {
        let pre = Preprocessing {
            features: vec![Feature::Sex, Feature::Pclass],
            age_median: 28.0,
            fare_median: 14.0,
            embarked_mode: Embarked::S,
            scaling: None,
        };
        let matrix = pre.encode_all([passenger(Some(5.0), None)].iter());
        assert_eq!(matrix.row(0).to_vec(), [1.0, 2.0]);
    }

    #[test]
    fn scaled_training_columns_have_mean_zero_and_unit_spread() {
        let records = [
            record(Some(10.0), Some(Embarked::C)),
            record(Some(30.0), Some(Embarked::S)),
            record(Some(50.0), Some(Embarked::S)),
        ];
        let pre = Preprocessing::fit(&records, &[Feature::Age, Feature::Pclass], true);
        let x = pre.encode_all(records.iter().map(|r| &r.passenger));
        let ages = x.column(0);
        assert!(ages.mean().unwrap().abs() < 1e-12);
        assert!((ages.std(0.0) - 1.0).abs() < 1e-12);
        // A constant column (every passenger is in 2nd class) becomes 0, not NaN.
        assert_eq!(x.column(1).to_vec(), [0.0, 0.0, 0.0]);
    }
}
