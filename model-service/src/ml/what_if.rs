//! What if the passenger had been different: the probability as age or fare moves, and the
//! nearest change a person could have made that flips the verdict.
//!
//! The counterfactual search is exact over its grids: every change of one input, then
//! (only if none flips the verdict) every change of two. The nearest is the one with the
//! fewest inputs changed, then the least distance: each numeric change divided by that
//! input's standard deviation in the training rows, a change of class or port counting 1.

use crate::ml::explain::value_in_words;
use crate::ml::{Feature, ModelArtifact, Record};
use lifeboat_api_types::{
    Change, Counterfactual, CurvePoint, Embarked, InferenceRequest, Passenger, SURVIVAL_THRESHOLD,
};

/// The age curve runs from 0 to this age, one year apart; so does the age grid.
pub const AGE_MAX: u8 = 80;
/// Points on the fare curve, from the lowest to the highest fare in the training rows.
pub const FARE_CURVE_POINTS: usize = 80;
/// The siblings/spouses grid runs from 0 to this; the training rows go up to 8.
pub const SIBSP_MAX: u8 = 8;
/// The parents/children grid runs from 0 to this; the training rows go up to 6.
pub const PARCH_MAX: u8 = 6;
/// The inputs a person could have chosen otherwise (never sex; age only as an alternative).
const CHANGEABLE: [Feature; 5] = [
    Feature::Pclass,
    Feature::Embarked,
    Feature::Sibsp,
    Feature::Parch,
    Feature::Fare,
];
const PORTS: [Embarked; 3] = [Embarked::S, Embarked::C, Embarked::Q];

/// What the search needs to know of the training rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub fare_min: f64,
    pub fare_max: f64,
    /// The 10th to the 90th percentile of the known fares.
    pub fare_deciles: Vec<f64>,
    std_age: f64,
    std_fare: f64,
    std_sibsp: f64,
    std_parch: f64,
}

/// The curves and the counterfactuals for one passenger.
#[derive(Debug, Clone, PartialEq)]
pub struct WhatIf {
    pub age_curve: Vec<CurvePoint>,
    pub fare_curve: Vec<CurvePoint>,
    pub counterfactual: Option<Counterfactual>,
    pub age_alternative: Option<Counterfactual>,
}

impl Grid {
    /// Learns the fare range, deciles and the inputs' spreads from the training rows.
    pub fn fit(train: &[Record]) -> Self {
        let mut fares: Vec<f64> = train.iter().filter_map(|r| r.passenger.fare).collect();
        fares.sort_by(f64::total_cmp);
        let ages: Vec<f64> = train.iter().filter_map(|r| r.passenger.age).collect();
        let sibsp: Vec<f64> = train.iter().map(|r| f64::from(r.passenger.sibsp)).collect();
        let parch: Vec<f64> = train.iter().map(|r| f64::from(r.passenger.parch)).collect();
        Self {
            fare_min: fares.first().copied().unwrap_or(0.0),
            fare_max: fares.last().copied().unwrap_or(0.0),
            fare_deciles: (1..10)
                .map(|d| quantile(&fares, f64::from(d) / 10.0))
                .collect(),
            std_age: std_dev(&ages),
            std_fare: std_dev(&fares),
            std_sibsp: std_dev(&sibsp),
            std_parch: std_dev(&parch),
        }
    }

    /// The values the search tries for `input`.
    fn values(&self, input: Feature) -> Vec<f64> {
        match input {
            Feature::Pclass => vec![1.0, 2.0, 3.0],
            Feature::Embarked => vec![0.0, 1.0, 2.0],
            Feature::Sibsp => (0..=SIBSP_MAX).map(f64::from).collect(),
            Feature::Parch => (0..=PARCH_MAX).map(f64::from).collect(),
            Feature::Fare => self.fare_deciles.clone(),
            Feature::Age => (0..=AGE_MAX).map(f64::from).collect(),
            Feature::Sex | Feature::FamilySize | Feature::IsAlone => Vec::new(),
        }
    }

    /// How far a change of `input` from `from` to `to` is.
    fn distance(&self, input: Feature, from: f64, to: f64) -> f64 {
        let spread = match input {
            Feature::Age => self.std_age,
            Feature::Fare => self.std_fare,
            Feature::Sibsp => self.std_sibsp,
            Feature::Parch => self.std_parch,
            _ => return 1.0,
        };
        (to - from).abs() / spread
    }
}

/// The curves and the nearest counterfactuals of `model` for `passenger`.
pub fn what_if(model: &ModelArtifact, passenger: &Passenger, grid: &Grid) -> WhatIf {
    let (age_curve, fare_curve) = curves(model, passenger, grid);
    let survived = model.predict(passenger) >= SURVIVAL_THRESHOLD;
    let search = Search {
        model,
        passenger,
        grid,
        survived,
    };
    let pairs_with_age = CHANGEABLE.iter().map(|&other| [Feature::Age, other]);
    WhatIf {
        age_curve,
        fare_curve,
        counterfactual: search.nearest(&CHANGEABLE.map(|i| vec![i])).or_else(|| {
            let pairs: Vec<Vec<Feature>> = CHANGEABLE
                .iter()
                .enumerate()
                .flat_map(|(i, &a)| CHANGEABLE[i + 1..].iter().map(move |&b| vec![a, b]))
                .collect();
            search.nearest(&pairs)
        }),
        age_alternative: search
            .nearest(&[vec![Feature::Age]])
            .or_else(|| search.nearest(&pairs_with_age.map(Vec::from).collect::<Vec<_>>())),
    }
}

/// The probability for `passenger` at every age from 0 to [`AGE_MAX`], and at
/// [`FARE_CURVE_POINTS`] fares evenly spread over the training rows' range.
pub fn curves(
    model: &ModelArtifact,
    passenger: &Passenger,
    grid: &Grid,
) -> (Vec<CurvePoint>, Vec<CurvePoint>) {
    let curve = |xs: Vec<f64>, input: Feature| -> Vec<CurvePoint> {
        xs.into_iter()
            .map(|x| CurvePoint {
                x,
                prob: model.predict(&with(passenger, input, x)),
            })
            .collect()
    };
    let step = (grid.fare_max - grid.fare_min) / (FARE_CURVE_POINTS - 1) as f64;
    let fares = (0..FARE_CURVE_POINTS)
        .map(|i| grid.fare_min + step * i as f64)
        .collect();
    (
        curve((0..=AGE_MAX).map(f64::from).collect(), Feature::Age),
        curve(fares, Feature::Fare),
    )
}

struct Search<'a> {
    model: &'a ModelArtifact,
    passenger: &'a Passenger,
    grid: &'a Grid,
    survived: bool,
}

impl Search<'_> {
    /// The nearest change of the inputs of one of `sets` that flips the verdict.
    fn nearest(&self, sets: &[Vec<Feature>]) -> Option<Counterfactual> {
        let pre = &self.model.preprocessing;
        let mut best: Option<(f64, Passenger, f64, &[Feature])> = None;
        for set in sets {
            let mut tried = vec![(*self.passenger, 0.0)];
            for &input in set {
                let from = current(self.passenger, input, pre);
                let options = self.grid.values(input);
                tried = tried
                    .into_iter()
                    .flat_map(|(p, distance)| {
                        options
                            .iter()
                            .filter(move |&&to| to != from)
                            .map(move |&to| {
                                (
                                    with(&p, input, to),
                                    distance + self.grid.distance(input, from, to),
                                )
                            })
                    })
                    .collect();
            }
            for (candidate, distance) in tried {
                if best.as_ref().is_some_and(|b| b.0 <= distance) {
                    continue;
                }
                let prob = self.model.predict(&candidate);
                if (prob >= SURVIVAL_THRESHOLD) != self.survived {
                    best = Some((distance, candidate, prob, set));
                }
            }
        }
        best.map(|(distance, changed, prob, set)| Counterfactual {
            changes: set
                .iter()
                .map(|&input| Change {
                    feature: input,
                    from: value_in_words(input, self.passenger, pre),
                    to: value_in_words(input, &changed, pre),
                })
                .collect(),
            passenger: InferenceRequest::from(changed),
            prob,
            distance,
        })
    }
}

/// The value of `input` the model uses for `p` (an unknown one as the model fills it in).
fn current(p: &Passenger, input: Feature, pre: &crate::ml::Preprocessing) -> f64 {
    match input {
        Feature::Pclass => f64::from(p.pclass),
        Feature::Embarked => {
            let port = p.embarked.unwrap_or(pre.embarked_mode);
            PORTS.iter().position(|&q| q == port).unwrap_or(0) as f64
        }
        Feature::Sibsp => f64::from(p.sibsp),
        Feature::Parch => f64::from(p.parch),
        Feature::Fare => p.fare.unwrap_or(pre.fare_median),
        Feature::Age => p.age.unwrap_or(pre.age_median),
        Feature::Sex | Feature::FamilySize | Feature::IsAlone => f64::NAN,
    }
}

/// `p` with `input` set to `value` (a port by its place in [`PORTS`]).
fn with(p: &Passenger, input: Feature, value: f64) -> Passenger {
    let mut changed = *p;
    match input {
        Feature::Pclass => changed.pclass = value as u8,
        Feature::Embarked => changed.embarked = PORTS.get(value as usize).copied(),
        Feature::Sibsp => changed.sibsp = value as u8,
        Feature::Parch => changed.parch = value as u8,
        Feature::Fare => changed.fare = Some(value),
        Feature::Age => changed.age = Some(value),
        Feature::Sex | Feature::FamilySize | Feature::IsAlone => {}
    }
    changed
}

/// The `q` quantile of sorted `values`, interpolated linearly (numpy's default).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at = q * (sorted.len() - 1) as f64;
    let (low, high) = (at.floor() as usize, at.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (at - low as f64)
}

/// The population standard deviation (1 when there is no spread, so distances stay finite).
fn std_dev(values: &[f64]) -> f64 {
    let n = values.len().max(1) as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    if var > 0.0 { var.sqrt() } else { 1.0 }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_between_the_sorted_values_as_numpy_does() {
        let v = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert_eq!(quantile(&v, 0.1), 1.4);
        assert!((quantile(&v, 0.9) - 7.6).abs() < 1e-12);
    }

    #[test]
    fn a_category_change_counts_one_and_a_numeric_one_its_spread() {
        let grid = Grid {
            fare_min: 0.0,
            fare_max: 100.0,
            fare_deciles: vec![],
            std_age: 10.0,
            std_fare: 50.0,
            std_sibsp: 1.0,
            std_parch: 1.0,
        };
        assert_eq!(grid.distance(Feature::Pclass, 3.0, 1.0), 1.0);
        assert_eq!(grid.distance(Feature::Age, 30.0, 10.0), 2.0);
        assert_eq!(grid.distance(Feature::Fare, 10.0, 35.0), 0.5);
    }
}
