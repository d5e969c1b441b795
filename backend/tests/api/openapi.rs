//! The OpenAPI document at `/api/openapi.json`: every route in it, every operation in it
//! served, and what each operation answers listed in it. (schemathesis fuzzes the running
//! stack from this document in CI: tests/api-fuzz/run.sh.)

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, spawn_app_with_admin};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

const OPERATIONS: [(&str, &str); 36] = [
    ("GET", "/health"),
    ("GET", "/ready"),
    ("GET", "/metrics"),
    ("GET", "/api/openapi.json"),
    ("POST", "/api/inference"),
    ("POST", "/api/auth/signup"),
    ("POST", "/api/auth/login"),
    ("POST", "/api/auth/refresh"),
    ("POST", "/api/auth/logout"),
    ("POST", "/api/auth/forgot"),
    ("POST", "/api/auth/reset"),
    ("POST", "/api/auth/verify"),
    ("POST", "/api/me/verification"),
    ("POST", "/api/admin/users/{id}/reset-link"),
    ("POST", "/api/inference/what-if"),
    ("GET", "/api/inference/models"),
    ("GET", "/api/me"),
    ("PUT", "/api/me/password"),
    ("DELETE", "/api/me"),
    ("GET", "/api/admin/users"),
    ("PATCH", "/api/admin/users/{id}"),
    ("GET", "/api/models"),
    ("GET", "/api/models/{id}"),
    ("DELETE", "/api/models/{id}"),
    ("POST", "/api/models/{id}/activate"),
    ("GET", "/api/training"),
    ("POST", "/api/training"),
    ("GET", "/api/training/{id}"),
    ("GET", "/api/me/predictions"),
    ("DELETE", "/api/me/predictions"),
    ("GET", "/api/me/predictions.csv"),
    ("DELETE", "/api/me/predictions/{id}"),
    ("GET", "/api/admin/predictions/daily"),
    ("POST", "/api/inference/file"),
    ("POST", "/api/inference/batch"),
    ("GET", "/api/dataset/summary"),
];

async fn document(app: &TestApp) -> Value {
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    response.json().await.unwrap()
}

fn operations(document: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            found.push((method.to_uppercase(), path.clone(), operation.clone()));
        }
    }
    found
}

#[sqlx::test(migrations = "../migrations")]
async fn the_document_lists_every_route_once_with_a_unique_operation_id(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let document = document(&app).await;
    assert_eq!(document["openapi"], "3.1.0");
    let mut listed: Vec<(String, String)> = operations(&document)
        .into_iter()
        .map(|(method, path, _)| (method, path))
        .collect();
    listed.sort();
    let mut expected: Vec<(String, String)> = OPERATIONS
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    expected.sort();
    assert_eq!(listed, expected);

    let mut ids: Vec<String> = operations(&document)
        .iter()
        .map(|(_, _, op)| op["operationId"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), OPERATIONS.len());
}

#[sqlx::test(migrations = "../migrations")]
async fn admin_routes_require_the_bearer_scheme_and_list_401_and_403(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let document = document(&app).await;
    let scheme = &document["components"]["securitySchemes"]["bearer"];
    assert_eq!(scheme["type"], "http");
    assert_eq!(scheme["scheme"], "bearer");
    for (method, path, operation) in operations(&document) {
        let admin = ["/api/admin", "/api/models", "/api/training"]
            .iter()
            .any(|prefix| path.starts_with(prefix));
        let responses = &operation["responses"];
        if admin {
            assert_eq!(
                operation["security"],
                json!([{"bearer": []}]),
                "{method} {path}"
            );
            assert!(responses.get("401").is_some(), "{method} {path}");
            assert!(responses.get("403").is_some(), "{method} {path}");
        }
        if operation.get("requestBody").is_some() {
            for status in ["400", "413", "415", "422"] {
                assert!(responses.get(status).is_some(), "{method} {path} {status}");
            }
        }
    }
    let predict = &document["paths"]["/api/inference"]["post"];
    assert_eq!(predict["security"], json!([{}, {"bearer": []}]));
    let error = &document["components"]["responses"]["ValidationFailed"];
    assert_eq!(
        error["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ErrorBody"
    );
}

/// Sends each documented operation as an admin with a placeholder id and an empty JSON
/// object, and checks the answer's status is one the document lists for it: so every
/// operation is served (no routing 404/405) and documents what it answers. Logout goes last.
#[sqlx::test(migrations = "../migrations")]
async fn every_documented_operation_is_served_and_answers_a_documented_status(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let token = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let document = document(&app).await;
    let mut operations = operations(&document);
    operations.sort_by_key(|(_, path, _)| path == "/api/auth/logout");
    let placeholder = Uuid::new_v4().to_string();
    for (method, path, operation) in operations {
        let url = app.url(&path.replace("{id}", &placeholder));
        let mut request = app
            .client
            .request(method.parse().unwrap(), url)
            .bearer_auth(&token);
        if operation.get("requestBody").is_some() {
            request = request.json(&json!({}));
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16().to_string();
        assert!(
            operation["responses"].get(&status).is_some(),
            "{method} {path} answered {status}, which the document does not list"
        );
    }
}

/// Every `$ref` in `value`.
fn references(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                found.push(target.clone());
            }
            map.values().for_each(|v| references(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, found)),
        _ => {}
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_model_lab_figures_are_described_and_every_reference_resolves(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let document = document(&app).await;
    let schemas = &document["components"]["schemas"];
    // ModelDetails is ModelSummary and its own properties (`allOf`).
    let details = &schemas["ModelDetails"]["allOf"][1]["properties"];
    assert!(
        details["evaluation"].to_string().contains("Evaluation"),
        "{details}"
    );
    assert!(details["created_by_email"].is_object());
    // TrainingRequest is its own properties and `params` tied to `algorithm` (`allOf`).
    let request = &schemas["TrainingRequest"]["allOf"][0]["properties"]["evaluation"];
    assert!(
        request.to_string().contains("EvaluationParams"),
        "{request}"
    );
    let params = &schemas["EvaluationParams"]["properties"];
    assert_eq!(params["folds"]["minimum"], 2);
    assert_eq!(params["importance_repeats"]["maximum"], 50);
    for part in [
        "CrossValidation",
        "HeldOut",
        "RocPoint",
        "Importance",
        "Spread",
    ] {
        assert!(schemas[part].is_object(), "{part} is missing");
    }
    let mut found = Vec::new();
    references(&document, &mut found);
    for target in found {
        let path: Vec<&str> = target.trim_start_matches("#/").split('/').collect();
        let resolved = path.iter().fold(&document, |node, key| &node[*key]);
        assert!(resolved.is_object(), "{target} does not resolve");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_documents_bounds_are_the_limits_the_server_enforces(db: PgPool) {
    use lifeboat_api_types::{
        evaluation_limits as eval, passenger_rules as limits, training_limits as training,
    };
    // The document's bounds are built from the constants (utoipa's own attributes take
    // literals only); this shows each one reaches the document.
    let app = spawn_app_with_admin(db).await;
    let document = document(&app).await;
    let schemas = &document["components"]["schemas"];
    let bound = |schema: &str, field: &str, key: &str| {
        let value = &schemas[schema]["properties"][field][key];
        value
            .as_f64()
            .unwrap_or_else(|| panic!("{schema}.{field} has no {key}: {value}"))
    };
    let expected = [
        (
            "ForestParams",
            "trees",
            "maximum",
            training::MAX_TREES as f64,
        ),
        (
            "ForestParams",
            "max_depth",
            "maximum",
            training::MAX_DEPTH as f64,
        ),
        ("ForestParams", "seed", "maximum", training::MAX_SEED as f64),
        ("SvmParams", "c", "maximum", training::MAX_SVM_C),
        (
            "SvmParams",
            "kernel_width",
            "maximum",
            training::MAX_KERNEL_WIDTH,
        ),
        (
            "EvaluationParams",
            "folds",
            "minimum",
            eval::MIN_FOLDS as f64,
        ),
        (
            "EvaluationParams",
            "folds",
            "maximum",
            eval::MAX_FOLDS as f64,
        ),
        (
            "EvaluationParams",
            "importance_repeats",
            "minimum",
            eval::MIN_IMPORTANCE_REPEATS as f64,
        ),
        (
            "EvaluationParams",
            "importance_repeats",
            "maximum",
            eval::MAX_IMPORTANCE_REPEATS as f64,
        ),
        (
            "InferenceRequest",
            "pclass",
            "minimum",
            limits::PCLASS_MIN as f64,
        ),
        (
            "InferenceRequest",
            "pclass",
            "maximum",
            limits::PCLASS_MAX as f64,
        ),
        ("InferenceRequest", "age", "maximum", limits::AGE_MAX),
        (
            "InferenceRequest",
            "sibsp",
            "maximum",
            limits::RELATIVES_MAX as f64,
        ),
        (
            "InferenceRequest",
            "parch",
            "maximum",
            limits::RELATIVES_MAX as f64,
        ),
        ("InferenceRequest", "fare", "maximum", limits::FARE_MAX),
        (
            "Credentials",
            "email",
            "maxLength",
            lifeboat_api_types::MAX_EMAIL_CHARS as f64,
        ),
        (
            "Credentials",
            "password",
            "minLength",
            lifeboat_api_types::MIN_PASSWORD_CHARS as f64,
        ),
        (
            "PasswordChange",
            "new_password",
            "minLength",
            lifeboat_api_types::MIN_PASSWORD_CHARS as f64,
        ),
    ];
    for (schema, field, key, value) in expected {
        assert_eq!(bound(schema, field, key), value, "{schema}.{field} {key}");
    }
    let name = &schemas["TrainingRequest"]["allOf"][0]["properties"]["name"]["maxLength"];
    assert_eq!(name.as_u64(), Some(training::NAME_MAX_CHARS as u64));
    let daily = &document["paths"]["/api/admin/predictions/daily"]["get"]["parameters"][0];
    assert_eq!(daily["name"], "days");
    assert_eq!(
        daily["schema"]["maximum"].as_u64(),
        Some(u64::from(lifeboat_api_types::DAILY_COUNTS_MAX_DAYS))
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_document_ties_a_training_requests_params_to_its_algorithm(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let document = document(&app).await;
    let by_algorithm = &document["components"]["schemas"]["TrainingRequest"]["allOf"][1]["oneOf"];
    let branches: Vec<(String, String)> = by_algorithm
        .as_array()
        .unwrap()
        .iter()
        .map(|branch| {
            let properties = &branch["properties"];
            (
                properties["algorithm"]["enum"][0]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                properties["params"]["anyOf"][0]["$ref"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            )
        })
        .collect();
    assert_eq!(
        branches,
        [
            (
                "random_forest".to_owned(),
                "#/components/schemas/ForestParams".to_owned()
            ),
            (
                "svm".to_owned(),
                "#/components/schemas/SvmParams".to_owned()
            ),
        ]
    );
}
