//! `GET /dataset/summary`: every group and histogram of the explorer is the one pandas
//! (PyPI) computes from the same CSV file (tests/reference/dataset_check.py).

use crate::helpers::{dataset_path, reference_check, spawn_app};
use serde_json::{Value, json};

#[tokio::test]
async fn the_data_set_summary_agrees_with_pandas() {
    let app = spawn_app().await;
    app.wait_until_ready().await;
    let response = app
        .client
        .get(format!("{}/dataset/summary", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let summary: Value = response.json().await.unwrap();
    assert_eq!(summary["by_sex"][0]["label"], "male");
    assert_eq!(summary["fare_histogram"].as_array().unwrap().len(), 11);
    assert!(
        summary["fare_histogram"][10].get("to").is_none(),
        "the last fare bin is open"
    );

    let said = reference_check(
        "dataset_check.py",
        &json!({"csv": dataset_path(), "summary": summary}),
    )
    .await;
    assert!(said.contains("the summary agrees with pandas"), "{said}");
}
