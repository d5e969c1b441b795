//! One-row prediction time of the default random forest and the default SVM, encoding
//! included: `cargo bench -p lifeboat-model-service` (the data set comes from
//! `LIFEBOAT_DATASET_PATH`, else `../shared/data/titanic.csv` beside the checkout).

use criterion::{Criterion, criterion_group, criterion_main};
use lifeboat_api_types::{Algorithm, Embarked, Passenger, Sex};
use lifeboat_model_service::ml::dataset::{self, TITANIC_SHA256};
use lifeboat_model_service::ml::train::{default_request, train};
use std::hint::black_box;
use std::path::PathBuf;

fn dataset_path() -> PathBuf {
    std::env::var_os("LIFEBOAT_DATASET_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/titanic.csv")
        })
}

fn one_row_prediction(c: &mut Criterion) {
    let bytes = std::fs::read(dataset_path()).expect("the Titanic data set");
    assert_eq!(dataset::sha256_hex(&bytes), TITANIC_SHA256);
    let data = dataset::Dataset {
        records: dataset::parse(&bytes).expect("parse"),
        sha256: TITANIC_SHA256.into(),
    };
    let passenger = Passenger {
        pclass: 3,
        sex: Sex::Male,
        age: Some(22.0),
        sibsp: 1,
        parch: 0,
        fare: Some(7.25),
        embarked: Some(Embarked::S),
    };
    let mut group = c.benchmark_group("predict_one_row");
    for algorithm in Algorithm::ALL {
        let model = train(&data, &default_request(algorithm)).expect("train");
        group.bench_function(algorithm.as_str(), |b| {
            b.iter(|| model.predict(black_box(&passenger)))
        });
    }
    group.finish();
}

criterion_group!(benches, one_row_prediction);
criterion_main!(benches);
