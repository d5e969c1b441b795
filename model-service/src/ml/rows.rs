//! Which rows of the data set play which part: the training rows and the held-out rows
//! every model shares, and the background sample an SVM's explanations compare against.

use crate::ml::evaluate;
use crate::ml::{Dataset, Record};
use lifeboat_api_types::Passenger;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_xoshiro::Xoshiro256Plus;

/// Share of the rows held out for evaluation.
pub const TEST_SHARE: f64 = 0.2;
/// Seed of the held-out split, fixed so every model is judged on the same passengers.
pub const SPLIT_SEED: u64 = 2024;
/// How many training passengers an SVM's explanations compare against: each explanation
/// costs 2^7 × this many predictions.
pub const BACKGROUND_ROWS: usize = 32;
/// Seed of the background sample, so a model's background can be drawn again.
const BACKGROUND_SEED: u64 = 7;

/// The rows every model is trained on: the data set less the held-out split.
pub fn training_records(dataset: &Dataset) -> Vec<Record> {
    let labels: Vec<bool> = dataset.records.iter().map(|r| r.survived).collect();
    let (train_rows, _) = evaluate::stratified_split(&labels, TEST_SHARE, SPLIT_SEED);
    train_rows.iter().map(|&i| dataset.records[i]).collect()
}

/// The held-out rows every model is judged on.
pub fn held_out_records(dataset: &Dataset) -> Vec<Record> {
    let labels: Vec<bool> = dataset.records.iter().map(|r| r.survived).collect();
    let (_, test_rows) = evaluate::stratified_split(&labels, TEST_SHARE, SPLIT_SEED);
    test_rows.iter().map(|&i| dataset.records[i]).collect()
}

/// A stratified sample of [`BACKGROUND_ROWS`] training passengers, survivors in the share
/// they have in `train`, the same for the same rows.
pub fn background(train: &[Record]) -> Vec<Passenger> {
    let mut rng = Xoshiro256Plus::seed_from_u64(BACKGROUND_SEED);
    let survivors = train.iter().filter(|r| r.survived).count();
    let take_survivors =
        ((BACKGROUND_ROWS * survivors) as f64 / train.len().max(1) as f64).round() as usize;
    let mut sample = Vec::with_capacity(BACKGROUND_ROWS);
    for (class, take) in [
        (false, BACKGROUND_ROWS - take_survivors),
        (true, take_survivors),
    ] {
        let mut rows: Vec<&Record> = train.iter().filter(|r| r.survived == class).collect();
        rows.shuffle(&mut rng);
        sample.extend(rows.iter().take(take).map(|r| r.passenger));
    }
    sample
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    fn passenger(pclass: u8, age: f64) -> Passenger {
        Passenger {
            pclass,
            age: Some(age),
            ..Passenger::BRAUND
        }
    }

    #[test]
    fn the_background_keeps_the_survivor_share_and_is_drawn_the_same_each_time() {
        let train: Vec<Record> = (0..300)
            .map(|i| Record {
                passenger: passenger(1 + (i % 3) as u8, f64::from(i)),
                survived: i % 3 == 0,
            })
            .collect();
        let sample = background(&train);
        assert_eq!(sample.len(), BACKGROUND_ROWS);
        assert_eq!(sample.iter().filter(|p| p.pclass == 1).count(), 11);
        assert_eq!(sample, background(&train));
    }
}
