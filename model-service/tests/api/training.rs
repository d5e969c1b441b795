//! Training on the real data set: quality, determinism, and the save → load round trip.

use crate::helpers::titanic;
use lifeboat_api_types::{Embarked, Passenger, Sex};
use lifeboat_model_service::ml::ModelArtifact;
use lifeboat_model_service::ml::artifact::ArtifactError;
use lifeboat_model_service::ml::train::{TrainingSpec, train_forest};

fn passenger(pclass: u8, sex: Sex, age: f64) -> Passenger {
    Passenger {
        pclass,
        sex,
        age: Some(age),
        sibsp: 0,
        parch: 0,
        fare: None,
        embarked: Some(Embarked::S),
    }
}

#[tokio::test]
async fn the_default_forest_reaches_78_percent_on_the_held_out_split() {
    let model = train_forest(&titanic().await, &TrainingSpec::default_forest()).unwrap();
    let m = &model.metrics;
    println!(
        "default forest: accuracy {:.4}, precision {:.4}, recall {:.4}, f1 {:.4}, auc {:.4}, {:.3} s",
        m.accuracy, m.precision, m.recall, m.f1, m.roc_auc, model.training_seconds
    );
    assert!(m.accuracy >= 0.78, "accuracy {}", m.accuracy);
    assert_eq!(m.train_rows + m.test_rows, 891);
    let cm = m.confusion_matrix;
    assert_eq!(cm.iter().flatten().sum::<u32>() as usize, m.test_rows);
}

#[tokio::test]
async fn training_twice_with_the_same_seed_gives_the_same_predictions() {
    let data = titanic().await;
    let a = train_forest(&data, &TrainingSpec::default_forest()).unwrap();
    let b = train_forest(&data, &TrainingSpec::default_forest()).unwrap();
    assert_eq!(a.metrics, b.metrics);
    let p = passenger(2, Sex::Male, 40.0);
    assert_eq!(a.predict(&p), b.predict(&p));
}

#[tokio::test]
async fn a_saved_forest_loads_and_predicts_exactly_as_before() {
    let model = train_forest(&titanic().await, &TrainingSpec::default_forest()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (path, sha256) = model.save(dir.path()).unwrap();
    assert_eq!(sha256.len(), 64);

    let loaded = ModelArtifact::load(&path).unwrap();
    assert_eq!(loaded, model);
    for p in [
        passenger(3, Sex::Male, 22.0),
        passenger(1, Sex::Female, 30.0),
        passenger(2, Sex::Male, 4.0),
    ] {
        assert_eq!(loaded.predict(&p), model.predict(&p));
    }
}

#[tokio::test]
async fn the_forest_tells_a_poor_young_man_from_a_rich_woman() {
    let model = train_forest(&titanic().await, &TrainingSpec::default_forest()).unwrap();
    assert!(model.predict(&passenger(3, Sex::Male, 22.0)) < 0.5);
    assert!(model.predict(&passenger(1, Sex::Female, 30.0)) > 0.5);
}

#[tokio::test]
async fn a_corrupted_artifact_is_refused_on_load() {
    let model = train_forest(&titanic().await, &TrainingSpec::default_forest()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = model.save(dir.path()).unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&path, bytes).unwrap();

    assert!(matches!(
        ModelArtifact::load(&path),
        Err(ArtifactError::Corrupted { .. })
    ));
}

#[tokio::test]
async fn a_file_that_is_not_an_artifact_is_refused_on_load() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.model");
    std::fs::write(&path, b"hello\nworld\n").unwrap();
    assert!(matches!(
        ModelArtifact::load(&path),
        Err(ArtifactError::NotAnArtifact { .. })
    ));
    std::fs::write(&path, b"LIFEBOAT-MODEL 99\nabc\n").unwrap();
    assert!(matches!(
        ModelArtifact::load(&path),
        Err(ArtifactError::UnsupportedVersion { .. })
    ));
}
