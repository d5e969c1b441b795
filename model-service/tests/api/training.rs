//! Training on the real data set: quality, determinism, and the save → load round trip, for
//! both algorithms.

use crate::helpers::titanic;
use lifeboat_api_types::{
    Algorithm, Embarked, Estimator, Feature, Kernel, Passenger, Sex, SvmParams, TrainModel,
};
use lifeboat_model_service::ml::ModelArtifact;
use lifeboat_model_service::ml::artifact::ArtifactError;
use lifeboat_model_service::ml::artifact_store::ArtifactStore;
use lifeboat_model_service::ml::train::{default_request, train};

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

fn people() -> [Passenger; 4] {
    [
        passenger(3, Sex::Male, 22.0),
        passenger(1, Sex::Female, 30.0),
        passenger(2, Sex::Male, 4.0),
        Passenger {
            age: None,
            embarked: None,
            ..passenger(2, Sex::Female, 0.0)
        },
    ]
}

async fn trained(algorithm: Algorithm) -> ModelArtifact {
    train(&titanic().await, &default_request(algorithm)).unwrap()
}

fn report(model: &ModelArtifact) {
    let m = &model.metrics;
    println!(
        "{}: accuracy {:.4}, precision {:.4}, recall {:.4}, f1 {:.4}, auc {:.4}, {:.3} s",
        model.name, m.accuracy, m.precision, m.recall, m.f1, m.roc_auc, model.training_seconds
    );
}

#[tokio::test]
async fn the_default_forest_reaches_78_percent_on_the_held_out_split() {
    let model = trained(Algorithm::RandomForest).await;
    report(&model);
    let m = &model.metrics;
    assert!(m.accuracy >= 0.78, "accuracy {}", m.accuracy);
    assert_eq!(m.train_rows + m.test_rows, 891);
    assert_eq!(
        m.confusion_matrix.iter().flatten().sum::<u32>(),
        m.test_rows
    );
}

#[tokio::test]
async fn the_default_svm_reaches_76_percent_on_the_held_out_split() {
    let model = trained(Algorithm::Svm).await;
    report(&model);
    assert!(
        model.metrics.accuracy >= 0.76,
        "accuracy {}",
        model.metrics.accuracy
    );
    assert!(
        model.preprocessing.scaling.is_some(),
        "the SVM's inputs are scaled"
    );
}

#[tokio::test]
async fn training_twice_with_the_same_request_gives_the_same_model() {
    let data = titanic().await;
    for algorithm in Algorithm::ALL {
        let request = default_request(algorithm);
        let a = train(&data, &request).unwrap();
        let b = train(&data, &request).unwrap();
        assert_eq!(a.metrics, b.metrics, "{algorithm}");
        for p in people() {
            assert_eq!(a.predict(&p), b.predict(&p), "{algorithm}");
        }
    }
}

#[tokio::test]
async fn a_saved_model_of_either_algorithm_loads_and_predicts_exactly_as_before() {
    for algorithm in Algorithm::ALL {
        let model = trained(algorithm).await;
        let dir = tempfile::tempdir().unwrap();
        let storage = ArtifactStore::folder(dir.path()).unwrap();
        let (bytes, sha256) = model.encode().unwrap();
        assert_eq!(sha256.len(), 64);
        storage.save(model.id, bytes).await.unwrap();

        let (loaded, loaded_sha256) = storage.load(model.id).await.unwrap().unwrap();
        assert_eq!(loaded_sha256, sha256);
        assert_eq!(loaded, model, "{algorithm}");
        for p in people() {
            assert_eq!(loaded.predict(&p), model.predict(&p), "{algorithm}");
        }
    }
}

#[tokio::test]
async fn both_models_tell_a_poor_young_man_from_a_rich_woman() {
    for algorithm in Algorithm::ALL {
        let model = trained(algorithm).await;
        let man = model.predict(&passenger(3, Sex::Male, 22.0));
        let woman = model.predict(&passenger(1, Sex::Female, 30.0));
        assert!(man < 0.5 && woman > 0.5, "{algorithm}: {man} {woman}");
    }
}

#[tokio::test]
async fn a_linear_svm_on_derived_features_trains_and_predicts_probabilities() {
    let request = TrainModel {
        name: "linear, family".into(),
        features: vec![
            Feature::Sex,
            Feature::Pclass,
            Feature::FamilySize,
            Feature::IsAlone,
        ],
        estimator: Estimator::Svm(SvmParams {
            kernel: Kernel::Linear,
            ..SvmParams::default()
        }),
        ..default_request(Algorithm::Svm)
    };
    let model = train(&titanic().await, &request).unwrap();
    report(&model);
    assert!(model.metrics.accuracy > 0.7, "{}", model.metrics.accuracy);
    for p in people() {
        let prob = model.predict(&p);
        assert!((0.0..=1.0).contains(&prob), "{prob}");
    }
}

#[tokio::test]
async fn a_corrupted_artifact_is_refused_on_load() {
    let model = trained(Algorithm::Svm).await;
    let (mut bytes, _) = model.encode().unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    assert!(matches!(
        ModelArtifact::decode(&bytes, "x.model"),
        Err(ArtifactError::Corrupted { .. })
    ));
}

#[tokio::test]
async fn a_file_that_is_not_an_artifact_is_refused_on_load() {
    assert!(matches!(
        ModelArtifact::decode(b"hello\nworld\n", "x.model"),
        Err(ArtifactError::NotAnArtifact { .. })
    ));
    assert!(matches!(
        ModelArtifact::decode(b"LIFEBOAT-MODEL 99\nabc\n", "x.model"),
        Err(ArtifactError::UnsupportedVersion { .. })
    ));
}
