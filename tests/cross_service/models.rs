//! The model lifecycle through the one origin, as an admin does it: train, watch the job,
//! find the model, activate it, predict with it, delete it.

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, Stack, spawn_stack};
use serde_json::{Value, json};
use sqlx::PgPool;

fn woman() -> Value {
    json!({"pclass":1,"sex":"female","age":30,"sibsp":0,"parch":0,"fare":80,"embarked":"C"})
}

async fn predict(stack: &Stack, passenger: &Value) -> Value {
    let response = stack
        .post("/api/inference")
        .json(passenger)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn activate(stack: &Stack, token: &str, id: &str) -> reqwest::Response {
    stack
        .post(&format!("/api/models/{id}/activate"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn delete_model(stack: &Stack, token: &str, id: &str) -> reqwest::StatusCode {
    stack
        .delete(&format!("/api/models/{id}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

/// The models of the page whose `field` equals `value`.
fn models_where<'a>(page: &'a Value, field: &str, value: &str) -> Vec<&'a Value> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m[field] == value)
        .collect()
}

/// The active models of `algorithm` on the page.
fn active_of<'a>(page: &'a Value, algorithm: &str) -> Vec<&'a Value> {
    models_where(page, "algorithm", algorithm)
        .into_iter()
        .filter(|m| m["is_active"] == true)
        .collect()
}

/// Starts a training job as the admin and waits until it succeeded: its id and last state.
async fn train(stack: &Stack, token: &str, request: Value) -> (String, Value) {
    let accepted = stack
        .post("/api/training")
        .bearer_auth(token)
        .json(&request)
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 202);
    let job_id = accepted.json::<Value>().await.unwrap()["job_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let job = stack.finished_job(token, &job_id).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    (job_id, job)
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_trains_activates_predicts_with_and_deletes_a_model(db: PgPool) {
    let stack = spawn_stack(db).await;
    let token = stack.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    stack.models_once(&token, 2).await;

    let (job_id, job) = train(
        &stack,
        &token,
        json!({
            "algorithm": "svm", "name": "linear family",
            "features": ["sex", "pclass", "family_size", "is_alone"],
            "params": {"kernel": "linear"}
        }),
    )
    .await;
    let model_id = job["model_id"].as_str().unwrap().to_owned();
    assert!(job["accuracy"].as_f64().unwrap() > 0.7, "{job}");

    let page = stack.models_once(&token, 3).await;
    let listed = models_where(&page, "id", &model_id)[0];
    assert_eq!(listed["name"], "linear family");
    assert_eq!(
        listed["features"],
        json!(["sex", "pclass", "family_size", "is_alone"])
    );
    assert_eq!(listed["is_active"], false);

    let activated = activate(&stack, &token, &model_id).await;
    assert_eq!(activated.status(), 200);
    let page = stack.models_once(&token, 3).await;
    let active_svms = active_of(&page, "svm");
    assert_eq!(active_svms.len(), 1);
    assert_eq!(active_svms[0]["id"], model_id.as_str());

    let mut ask = woman();
    ask["model_id"] = json!(model_id);
    let answer = predict(&stack, &ask).await;
    assert_eq!(answer["model_id"], model_id.as_str());
    assert_eq!(answer["algorithm"], "svm");

    let artifact = stack.model_dir.path().join(format!("{model_id}.model"));
    assert!(artifact.exists());
    assert_eq!(delete_model(&stack, &token, &model_id).await, 204);
    assert!(!artifact.exists(), "the artifact file is gone");
    let gone = stack
        .get(&format!("/api/models/{model_id}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 404);
    let job = stack.finished_job(&token, &job_id).await;
    assert_eq!(
        job["model_id"],
        Value::Null,
        "the job no longer points at it"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn with_the_active_forest_deleted_predictions_fall_back_to_the_active_svm(db: PgPool) {
    let stack = spawn_stack(db).await;
    let token = stack.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let page = stack.models_once(&token, 2).await;
    let forest = models_where(&page, "algorithm", "random_forest")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(delete_model(&stack, &token, &forest).await, 204);

    let answer = predict(&stack, &woman()).await;
    assert_eq!(answer["algorithm"], "svm", "{answer}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_model_whose_artifact_is_gone_is_not_activated_and_predictions_keep_their_model(
    db: PgPool,
) {
    let stack = spawn_stack(db).await;
    let token = stack.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let page = stack.models_once(&token, 2).await;
    let default_forest = models_where(&page, "algorithm", "random_forest")[0]["id"].clone();

    let (_, job) = train(
        &stack,
        &token,
        json!({
            "algorithm": "random_forest", "name": "small forest",
            "features": ["sex", "pclass"], "params": {"trees": 5}
        }),
    )
    .await;
    let model_id = job["model_id"].as_str().unwrap().to_owned();

    // The artifact goes behind the registry's back (a volume cleaned by hand, say).
    let removed = stack
        .client
        .delete(format!("{}/models/{model_id}", stack.model_service))
        .send()
        .await
        .unwrap();
    assert!(removed.status().is_success(), "{}", removed.status());

    let refused = activate(&stack, &token, &model_id).await;
    assert_eq!(refused.status(), 409);
    let error: Value = refused.json().await.unwrap();
    assert!(
        error["fields"]["model"]
            .as_str()
            .unwrap()
            .contains("no artifact"),
        "{error}"
    );

    let page = stack.models_once(&token, 3).await;
    let active_forests = active_of(&page, "random_forest");
    assert_eq!(active_forests.len(), 1);
    assert_eq!(active_forests[0]["id"], default_forest);
    let answer = predict(&stack, &woman()).await;
    assert_eq!(answer["model_id"], default_forest, "{answer}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_model_trained_with_five_folds_carries_its_evaluation_and_its_trainer(db: PgPool) {
    let stack = spawn_stack(db).await;
    let token = stack.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let (_, job) = train(
        &stack,
        &token,
        json!({
            "algorithm": "random_forest", "name": "evaluated forest",
            "features": ["sex", "pclass", "age", "fare"], "params": {"trees": 40},
            "evaluation": {"folds": 5, "importance_repeats": 3}
        }),
    )
    .await;
    assert_eq!(job["requested_by_email"], ADMIN_EMAIL);
    let model_id = job["model_id"].as_str().unwrap();
    let model = stack
        .get_json(&format!("/api/models/{model_id}"), &token)
        .await;
    assert_eq!(model["created_by_email"], ADMIN_EMAIL);
    let evaluation = &model["evaluation"];
    let cv = &evaluation["cross_validation"];
    let folds = cv["folds"].as_array().unwrap();
    assert_eq!(folds.len(), 5, "{cv}");
    let mean = folds
        .iter()
        .map(|f| f["accuracy"].as_f64().unwrap())
        .sum::<f64>()
        / 5.0;
    assert!((mean - cv["accuracy"]["mean"].as_f64().unwrap()).abs() < 1e-12);
    let rows: u64 = folds.iter().map(|f| f["rows"].as_u64().unwrap()).sum();
    assert_eq!(rows, model["metrics"]["train_rows"].as_u64().unwrap());
    let held_out = &evaluation["held_out"];
    for curve in ["roc_curve", "pr_curve", "calibration"] {
        assert!(!held_out[curve].as_array().unwrap().is_empty(), "{curve}");
    }
    let importance = evaluation["importance"].as_array().unwrap();
    assert_eq!(importance.len(), 4, "one line per input used");
    assert_eq!(importance[0]["feature"], "sex");

    // The models a fresh install trained carry theirs too, and no trainer.
    let page = stack.models_once(&token, 3).await;
    let default_svm = models_where(&page, "algorithm", "svm")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let svm = stack
        .get_json(&format!("/api/models/{default_svm}"), &token)
        .await;
    assert_eq!(svm["created_by_email"], Value::Null);
    assert_eq!(svm["evaluation"]["params"]["folds"], 5);
}
