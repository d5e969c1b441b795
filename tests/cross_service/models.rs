//! The model lifecycle through the one origin, as an admin does it: train, watch the job,
//! find the model, activate it, predict with it, delete it; and a job whose model service
//! dies mid-training.

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, Stack, spawn_stack};
use serde_json::{Value, json};
use sqlx::PgPool;
use std::time::Duration;

async fn wait_for_job(stack: &Stack, token: &str, id: &str) -> Value {
    for _ in 0..1200 {
        let job: Value = stack
            .get(&format!("/api/training/{id}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if job["status"] == "succeeded" || job["status"] == "failed" {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("job {id} did not finish");
}

fn woman() -> Value {
    json!({"pclass":1,"sex":"female","age":30,"sibsp":0,"parch":0,"fare":80,"embarked":"C"})
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_trains_activates_predicts_with_and_deletes_a_model(db: PgPool) {
    let stack = spawn_stack(db).await;
    let token = stack.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    stack.models_once(&token, 2).await;

    let accepted = stack
        .post("/api/training")
        .bearer_auth(&token)
        .json(&json!({
            "algorithm": "svm", "name": "linear family",
            "features": ["sex", "pclass", "family_size", "is_alone"],
            "params": {"kernel": "linear"}
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 202);
    let job_id = accepted.json::<Value>().await.unwrap()["job_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let job = wait_for_job(&stack, &token, &job_id).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    let model_id = job["model_id"].as_str().unwrap().to_owned();
    assert!(job["accuracy"].as_f64().unwrap() > 0.7, "{job}");

    let page = stack.models_once(&token, 3).await;
    let listed = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == model_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(listed["name"], "linear family");
    assert_eq!(
        listed["features"],
        json!(["sex", "pclass", "family_size", "is_alone"])
    );
    assert_eq!(listed["is_active"], false);

    let activated = stack
        .post(&format!("/api/models/{model_id}/activate"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(activated.status(), 200);
    let page = stack.models_once(&token, 3).await;
    let active_svms: Vec<&Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["algorithm"] == "svm" && m["is_active"] == true)
        .collect();
    assert_eq!(active_svms.len(), 1);
    assert_eq!(active_svms[0]["id"], model_id.as_str());

    let mut ask = woman();
    ask["model_id"] = json!(model_id);
    let answer: Value = stack
        .post("/api/inference")
        .json(&ask)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["model_id"], model_id.as_str());
    assert_eq!(answer["algorithm"], "svm");

    let artifact = stack.model_dir.path().join(format!("{model_id}.model"));
    assert!(artifact.exists());
    let deleted = stack
        .client
        .delete(format!("{}/api/models/{model_id}", stack.address))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert!(!artifact.exists(), "the artifact file is gone");
    let gone = stack
        .get(&format!("/api/models/{model_id}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 404);
    let job = wait_for_job(&stack, &token, &job_id).await;
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
    let forest = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["algorithm"] == "random_forest")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let deleted = stack
        .client
        .delete(format!("{}/api/models/{forest}", stack.address))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);

    let answer: Value = stack
        .post("/api/inference")
        .json(&woman())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["algorithm"], "svm", "{answer}");
}
