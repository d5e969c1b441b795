//! Explanations: they add up to the answer, and they are the ones the reference
//! implementation (the `shap` library, PyPI) computes for the same trees, rows and
//! background (tests/reference/shap_check.py).

use crate::helpers::{
    TestApp, artifact, overwrite_artifact, reference_check, restart, spawn_app, titanic, typed,
};
use lifeboat_api_types::{
    Algorithm, Embarked, InferenceRequest, InferenceResponse, Passenger, Sex,
};
use lifeboat_model_service::ml::{Feature, ModelBody};
use serde_json::json;
use uuid::Uuid;

/// 50 passengers of the data set, spread over it.
async fn from_the_data_set() -> Vec<Passenger> {
    let records = titanic().await.records;
    let step = records.len() / 50;
    records
        .iter()
        .step_by(step)
        .take(50)
        .map(|r| r.passenger)
        .collect()
}

/// 50 passengers at the edges: unknown age, fare or port, fare 0, the largest families,
/// the youngest and oldest.
fn edge_cases() -> Vec<Passenger> {
    let ages = [None, Some(0.0), Some(0.42), Some(80.0), Some(28.0)];
    let fares = [Some(0.0), None, Some(512.3292), Some(7.25), Some(0.0)];
    let families = [(8, 2), (0, 0), (1, 6), (5, 2), (0, 1)];
    let ports = [
        None,
        Some(Embarked::S),
        Some(Embarked::C),
        Some(Embarked::Q),
        None,
    ];
    (0..50)
        .map(|i| Passenger {
            pclass: 1 + (i % 3) as u8,
            sex: if i % 2 == 0 { Sex::Male } else { Sex::Female },
            age: ages[i % 5],
            sibsp: families[(i / 5) % 5].0,
            parch: families[(i / 5) % 5].1,
            fare: fares[(i / 3) % 5],
            embarked: ports[(i / 7) % 5],
        })
        .collect()
}

/// `POST /inference` with `explain` for `passenger` by `model`.
async fn explained(app: &TestApp, model: Uuid, passenger: Passenger) -> InferenceResponse {
    let mut request = InferenceRequest::from(passenger);
    request.model_id = Some(model);
    request.explain = true;
    let response = app.post("/inference", &json!(request)).await;
    assert_eq!(response.status(), 200);
    let answer: InferenceResponse = response.json().await.unwrap();
    let total = answer.base.unwrap()
        + answer
            .contributions
            .as_ref()
            .unwrap()
            .iter()
            .map(|c| c.contribution)
            .sum::<f64>();
    assert!((total - answer.prob).abs() < 1e-9, "{answer:?}");
    answer
}

fn line_values(answer: &InferenceResponse) -> Vec<f64> {
    let lines = answer.contributions.as_ref().unwrap();
    lines.iter().map(|c| c.contribution).collect()
}

#[tokio::test]
async fn forest_and_svm_contributions_equal_the_shap_librarys() {
    let app = spawn_app().await;
    let forest = app.train_default(Algorithm::RandomForest).await.id;
    let svm = app.train_default(Algorithm::Svm).await.id;
    let mut passengers = from_the_data_set().await;
    passengers.extend(edge_cases());

    // The forest: our trees in shap's form, our encoded rows, our lines.
    let forest_model = artifact(&app, forest);
    let ModelBody::RandomForest { forest: trees, .. } = &forest_model.body else {
        panic!("not a forest");
    };
    let pre = &forest_model.preprocessing;
    let column_lines: Vec<usize> = pre
        .features
        .iter()
        .enumerate()
        .flat_map(|(line, &f)| vec![line; if f == Feature::Embarked { 3 } else { 1 }])
        .collect();
    let (mut rows, mut forest_lines, mut base) = (Vec::new(), Vec::new(), 0.0);
    for &p in &passengers {
        let mut row = Vec::new();
        pre.encode_into(&p, &mut row);
        rows.push(row);
        let answer = explained(&app, forest, p).await;
        base = answer.base.unwrap();
        forest_lines.push(line_values(&answer));
    }

    // The SVM: its background rows, 20 passengers, and the service itself as the model.
    let svm_model = artifact(&app, svm);
    let ModelBody::Svm { background, .. } = &svm_model.body else {
        panic!("not an SVM");
    };
    let some: Vec<Passenger> = passengers.iter().step_by(5).copied().collect();
    let (mut svm_lines, mut svm_base) = (Vec::new(), 0.0);
    for &p in &some {
        let answer = explained(&app, svm, p).await;
        svm_base = answer.base.unwrap();
        svm_lines.push(line_values(&answer));
    }

    let fixture = json!({
        "forest": {
            "trees": trees.shap_export(),
            "rows": rows,
            "column_lines": column_lines,
            "contributions": forest_lines,
            "base": base,
        },
        "svm": {
            "url": app.address,
            "model_id": svm,
            "background": background.iter().map(typed).collect::<Vec<_>>(),
            "passengers": some.iter().map(typed).collect::<Vec<_>>(),
            "contributions": svm_lines,
            "base": svm_base,
        },
    });
    let said = reference_check("shap_check.py", &fixture).await;
    assert!(said.contains("shap agrees"));
}

#[tokio::test]
async fn a_model_saved_before_format_2_is_explained_from_its_training_rows() {
    let app = spawn_app().await;
    let id = app.train_default(Algorithm::RandomForest).await.id;
    let passenger = edge_cases()[7];
    let now = explained(&app, id, passenger).await;

    // Rewrite its file as format 1 had it: that header, no covers.
    let mut old = artifact(&app, id);
    if let ModelBody::RandomForest { forest, .. } = &mut old.body {
        *forest = strip_covers(forest);
    }
    old.format_version = 1;
    assert!(!old.explainable());
    let path = overwrite_artifact(&app, &old);
    let bytes = std::fs::read(&path).unwrap();
    let body_at = bytes.iter().position(|&b| b == b'\n').unwrap();
    let mut v1 = b"LIFEBOAT-MODEL 1".to_vec();
    v1.extend_from_slice(&bytes[body_at..]);
    std::fs::write(&path, v1).unwrap();

    let restarted = restart(&app).await;
    let again = explained(&restarted, id, passenger).await;
    assert_eq!(again.contributions, now.contributions);
    assert_eq!(again.base, now.base);
}

#[tokio::test]
async fn an_old_model_of_another_data_set_answers_and_says_it_cannot_be_explained() {
    let app = spawn_app().await;
    let id = app.train_default(Algorithm::Svm).await.id;
    let mut old = artifact(&app, id);
    if let ModelBody::Svm { background, .. } = &mut old.body {
        background.clear();
    }
    old.dataset_sha256 = "0".repeat(64);
    overwrite_artifact(&app, &old);

    let restarted = restart(&app).await;
    let mut request = InferenceRequest::from(edge_cases()[3]);
    request.model_id = Some(id);
    request.explain = true;
    let response = restarted.post("/inference", &json!(request)).await;
    assert_eq!(response.status(), 200);
    let answer: InferenceResponse = response.json().await.unwrap();
    assert!(answer.contributions.is_none() && answer.base.is_none());
    assert!(answer.no_explanation.unwrap().contains("data set"));
}

#[tokio::test]
async fn a_batch_answers_explained_items_with_their_explanation_and_an_invalid_one_with_422() {
    let app = spawn_app().await;
    let forest = app.train_default(Algorithm::RandomForest).await.id;
    let passenger =
        json!({"pclass": 1, "sex": "female", "sibsp": 0, "parch": 0, "model_id": forest});
    let mut explained = passenger.clone();
    explained["explain"] = json!(true);
    let batch = json!({"items": [{"request": explained}, {"request": passenger}]});
    let answer: serde_json::Value = app
        .post("/inference/batch", &batch)
        .await
        .json()
        .await
        .unwrap();
    let alone: serde_json::Value = app.predict(explained).await.json().await.unwrap();
    assert_eq!(answer["results"][0]["ok"], alone);
    assert!(alone["contributions"].is_array());
    assert!(answer["results"][1]["ok"].get("contributions").is_none());

    let response = app
        .predict(json!({"pclass": 7, "sex": "female", "sibsp": 0, "parch": 0, "explain": true, "model_id": forest}))
        .await;
    assert_eq!(response.status(), 422);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body["fields"]["pclass"].is_string(), "{body}");
}

fn strip_covers(forest: &lifeboat_model_service::ml::Forest) -> lifeboat_model_service::ml::Forest {
    let mut value = serde_json::to_value(forest).unwrap();
    for tree in value["trees"].as_array_mut().unwrap() {
        tree.as_object_mut().unwrap().remove("covers");
    }
    serde_json::from_value(value).unwrap()
}
