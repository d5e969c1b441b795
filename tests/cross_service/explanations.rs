//! Explanations and the what-if view through the web port, as the calculator asks for them,
//! from both default models.

use crate::helpers::{Stack, eventually, spawn_stack};
use lifeboat_api_types::{ActiveModel, InferenceResponse, SURVIVAL_THRESHOLD, WhatIfAnswer};
use lifeboat_test_support::Ask;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use sqlx::PgPool;

/// The active forest and SVM, once the backend has trained and activated both.
async fn both_active(stack: &Stack) -> Vec<ActiveModel> {
    eventually("both default models active", async || {
        let models: Vec<ActiveModel> = stack
            .get("/api/inference/models")
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        (models.len() == 2).then_some(models)
    })
    .await
}

/// A valid passenger drawn at random, unknown age, fare and port included.
fn random_passenger(rng: &mut StdRng) -> Value {
    let mut p = json!({
        "pclass": rng.gen_range(1..=3),
        "sex": if rng.gen_bool(0.5) { "female" } else { "male" },
        "sibsp": rng.gen_range(0..=8),
        "parch": rng.gen_range(0..=6),
    });
    if rng.gen_bool(0.8) {
        p["age"] = json!(rng.gen_range(0.0..=80.0));
    }
    if rng.gen_bool(0.9) {
        p["fare"] = json!(rng.gen_range(0.0..=520.0));
    }
    if rng.gen_bool(0.9) {
        p["embarked"] = json!(["S", "C", "Q"][rng.gen_range(0..3)]);
    }
    p
}

#[sqlx::test(migrations = "../migrations")]
async fn every_explanation_adds_up_to_its_answer_for_both_algorithms(db: PgPool) {
    let stack = spawn_stack(db).await;
    let models = both_active(&stack).await;
    let mut rng = StdRng::seed_from_u64(22);
    for _ in 0..100 {
        let mut passenger = random_passenger(&mut rng);
        passenger["explain"] = json!(true);
        for model in &models {
            passenger["model_id"] = json!(model.id);
            let response = stack
                .post("/api/inference")
                .json(&passenger)
                .send()
                .await
                .unwrap();
            let status = response.status();
            assert_eq!(status, 200, "{passenger}: {:?}", response.text().await);
            let answer: InferenceResponse = response.json().await.unwrap();
            assert_eq!(answer.algorithm, model.algorithm);
            let lines = answer.contributions.expect("contributions");
            let total =
                answer.base.expect("base") + lines.iter().map(|c| c.contribution).sum::<f64>();
            assert!(
                (total - answer.prob).abs() <= 1e-9,
                "{passenger}: {total} vs {}",
                answer.prob
            );
            assert!(lines.iter().all(|c| !c.value.is_empty()));
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn an_invalid_passenger_gets_the_same_422_with_explain_and_what_if(db: PgPool) {
    let stack = spawn_stack(db).await;
    let invalid = json!({"pclass": 4, "sex": "male", "age": -1, "sibsp": 0, "parch": 0});
    let mut bodies = Vec::new();
    for (path, explain) in [
        ("/api/inference", false),
        ("/api/inference", true),
        ("/api/inference/what-if", false),
    ] {
        let mut request = invalid.clone();
        request["explain"] = json!(explain);
        let response = stack.post(path).json(&request).send().await.unwrap();
        assert_eq!(response.status(), 422, "{path}");
        bodies.push(response.json::<Value>().await.unwrap());
    }
    assert!(bodies[0]["fields"]["pclass"].is_string() && bodies[0]["fields"]["age"].is_string());
    assert_eq!(bodies[1], bodies[0]);
    assert_eq!(bodies[2], bodies[0]);
}

#[sqlx::test(migrations = "../migrations")]
async fn what_if_draws_both_curves_and_finds_a_change_that_flips_the_verdict(db: PgPool) {
    let stack = spawn_stack(db).await;
    let models = both_active(&stack).await;
    // A woman in third class with a large family: most models let her drown, and a
    // better class or fewer relatives aboard saves her.
    let woman = json!({"pclass": 3, "sex": "female", "age": 30, "sibsp": 1, "parch": 4, "fare": 20, "embarked": "S"});
    for model in &models {
        let mut request = woman.clone();
        request["model_id"] = json!(model.id);
        let response = stack
            .post("/api/inference/what-if")
            .json(&request)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let answer: WhatIfAnswer = response.json().await.unwrap();
        assert_eq!(answer.prediction.model_id, model.id);
        assert_eq!(answer.age_curve.len(), 81);
        assert_eq!((answer.age_curve[0].x, answer.age_curve[80].x), (0.0, 80.0));
        assert_eq!(answer.fare_curve.len(), 80);
        // The curve at the passenger's own age is the passenger's answer.
        assert_eq!(answer.age_curve[30].prob, answer.prediction.prob);

        for found in [&answer.counterfactual, &answer.age_alternative]
            .into_iter()
            .flatten()
        {
            assert!((1..=2).contains(&found.changes.len()));
            assert!(found.changes.iter().all(|c| c.feature.as_str() != "sex"));
            // Asked as a prediction of its own, the changed passenger gets the answer the
            // search found, on the other side of the line.
            let mut changed = json!(found.passenger);
            changed["model_id"] = json!(model.id);
            let again: InferenceResponse = stack
                .post("/api/inference")
                .json(&changed)
                .json_answer()
                .await;
            assert_eq!(again.prob, found.prob);
            assert_ne!(again.prob >= SURVIVAL_THRESHOLD, answer.prediction.survived);
        }
        let counterfactual = answer.counterfactual.expect("her verdict can flip");
        assert!(
            counterfactual
                .changes
                .iter()
                .all(|c| c.feature.as_str() != "age")
        );
    }
}
