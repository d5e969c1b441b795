//! Permutation importance: how much accuracy a model loses when one passenger input is
//! shuffled across the judged passengers, the model's columns derived again from the
//! shuffled inputs (so `family_size` moves with `sibsp`).

use crate::ml::Record;
use crate::ml::evaluate::metrics;
use crate::ml::features::{copy_input, inputs_of};
use crate::ml::fit::Fitted;
use lifeboat_api_types::{Importance, Passenger, Spread};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_xoshiro::Xoshiro256Plus;

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
    let mut importances: Vec<Importance> = inputs_of(&model.preprocessing.features)
        .into_iter()
        .map(|input| {
            let drops: Vec<f64> = (0..repeats)
                .map(|_| {
                    let mut order: Vec<usize> = (0..original.len()).collect();
                    order.shuffle(&mut rng);
                    let shuffled: Vec<Passenger> = original
                        .iter()
                        .zip(&order)
                        .map(|(p, &from)| {
                            let mut shuffled = *p;
                            copy_input(input, &original[from], &mut shuffled);
                            shuffled
                        })
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
