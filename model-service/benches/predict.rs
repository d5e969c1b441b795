//! The default random forest's and the default SVM's costs, encoding included: one-row
//! prediction, an exact explanation, the 161-point what-if curves (ages 0–80 and 80 fares)
//! and the whole what-if answer with the counterfactual search; and training, the fit alone
//! beside the whole training call with its evaluation (5-fold cross-validation, curves,
//! permutation importance with 10 repeats):
//! `cargo bench -p lifeboat-model-service` (on the data set built into the service).

use criterion::{Criterion, criterion_group, criterion_main};
use lifeboat_api_types::{Algorithm, Passenger};
use lifeboat_model_service::ml::dataset;
use lifeboat_model_service::ml::explain::explain;
use lifeboat_model_service::ml::fit::fit;
use lifeboat_model_service::ml::rows::training_records;
use lifeboat_model_service::ml::train::{default_request, train};
use lifeboat_model_service::ml::what_if::{Grid, curves, what_if};
use std::hint::black_box;

fn titanic() -> dataset::Dataset {
    dataset::built_in()
}

const PASSENGER: Passenger = Passenger::BRAUND;

fn predictions_and_explanations(c: &mut Criterion) {
    let data = titanic();
    let grid = Grid::fit(&training_records(&data));
    let models: Vec<_> = Algorithm::ALL
        .map(|algorithm| train(&data, &default_request(algorithm)).expect("train"))
        .into();
    let mut group = c.benchmark_group("predict_one_row");
    for model in &models {
        group.bench_function(model.algorithm().as_str(), |b| {
            b.iter(|| model.predict(black_box(&PASSENGER)))
        });
    }
    group.finish();
    let mut group = c.benchmark_group("explain");
    for model in &models {
        group.bench_function(model.algorithm().as_str(), |b| {
            b.iter(|| explain(model, black_box(&PASSENGER)))
        });
    }
    group.finish();
    let mut group = c.benchmark_group("what_if_curves_161_points");
    for model in &models {
        group.bench_function(model.algorithm().as_str(), |b| {
            b.iter(|| curves(model, black_box(&PASSENGER), &grid))
        });
    }
    group.finish();
    let mut group = c.benchmark_group("what_if_with_counterfactuals");
    group.sample_size(20);
    for model in &models {
        group.bench_function(model.algorithm().as_str(), |b| {
            b.iter(|| what_if(model, black_box(&PASSENGER), &grid))
        });
    }
    group.finish();
}

fn training(c: &mut Criterion) {
    let data = titanic();
    let rows = training_records(&data);
    let mut group = c.benchmark_group("train");
    group.sample_size(10);
    for algorithm in Algorithm::ALL {
        let request = default_request(algorithm);
        group.bench_function(format!("{algorithm}/fit_only"), |b| {
            b.iter(|| fit(&rows, &request.features, &request.estimator).expect("fit"))
        });
        group.bench_function(format!("{algorithm}/with_evaluation"), |b| {
            b.iter(|| train(&data, &request).expect("train"))
        });
    }
    group.finish();
}

criterion_group!(benches, predictions_and_explanations, training);
criterion_main!(benches);
