//! Through the web port, as the browser sends them: a file of passengers predicted (Kaggle's
//! real `train.csv`, broken rows, files too long or too large, a file that is not CSV, a
//! formula in a cell), the signed-in history recorded from real predictions and exported,
//! and the data set summary for the explorer.

use crate::helpers::{Stack, dataset_path, eventually, spawn_stack};
use lifeboat_api_types::{BATCH_FILE_OLD_PATH, BATCH_FILE_PATH};
use serde_json::{Value, json};
use sqlx::PgPool;

const HEADER: &str =
    "PassengerId,Survived,Pclass,Name,Sex,Age,SibSp,Parch,Ticket,Fare,Cabin,Embarked";
const ROW: &str = r#"1,0,3,"Braund, Mr. Owen Harris",male,22,1,0,A/5 21171,7.25,,S"#;

async fn user(stack: &Stack, email: &str) -> String {
    let signup = stack
        .post("/api/auth/signup")
        .json(&json!({"email": email, "password": "file-user-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(signup.status(), 201);
    stack.token(email, "file-user-password").await
}

async fn upload(
    stack: &Stack,
    token: &str,
    query: &str,
    accept: &str,
    file: Vec<u8>,
) -> reqwest::Response {
    stack
        .post(&format!("{BATCH_FILE_PATH}{query}"))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .header("accept", accept)
        .body(file)
        .send()
        .await
        .unwrap()
}

fn file(rows: &[String]) -> Vec<u8> {
    let mut text = format!("{HEADER}\n");
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    text.into_bytes()
}

#[sqlx::test(migrations = "../migrations")]
async fn kaggles_train_csv_gives_891_predictions_and_an_accuracy(db: PgPool) {
    let stack = spawn_stack(db).await;
    let token = user(&stack, "kaggle@example.com").await;
    let train = std::fs::read(dataset_path()).unwrap();

    let response = upload(&stack, &token, "", "application/json", train.clone()).await;
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    let rows = answer["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 891);
    assert_eq!(answer["errors"], json!([]));
    assert_eq!(
        (rows[0]["line"].as_u64(), rows[0]["passenger_id"].as_str()),
        (Some(2), Some("1"))
    );
    let accuracy = answer["accuracy"].as_f64().unwrap();
    eprintln!(
        "accuracy on train.csv: {accuracy:.4} ({})",
        answer["model_name"]
    );
    assert!((0.8..1.0).contains(&accuracy), "{accuracy}");
    assert_eq!(answer["algorithm"], "random_forest");

    let submission = upload(&stack, &token, "", "text/csv", train.clone()).await;
    assert_eq!(submission.status(), 200);
    assert_eq!(
        submission.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let text = submission.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 892);
    assert_eq!(lines[0], "PassengerId,Survived");
    assert!(
        lines[1].starts_with("1,") && lines[1].len() == 3,
        "{}",
        lines[1]
    );

    let with_probability = upload(&stack, &token, "?probability=true", "text/csv", train).await;
    let text = with_probability.text().await.unwrap();
    assert_eq!(
        text.lines().next(),
        Some("PassengerId,Survived,Probability")
    );
    let first: Vec<&str> = text.lines().nth(1).unwrap().split(',').collect();
    let prob: f64 = first[2].parse().unwrap();
    assert_eq!(first[1], if prob >= 0.5 { "1" } else { "0" });
}

#[sqlx::test(migrations = "../migrations")]
async fn the_path_before_rc3_still_answers_marked_deprecated_with_its_successor(db: PgPool) {
    let stack = spawn_stack(db).await;
    let token = user(&stack, "old-path@example.com").await;
    let rows = [ROW.to_owned(), ROW.replacen("1,", "2,", 1)];
    let current: Value = upload(&stack, &token, "", "application/json", file(&rows))
        .await
        .json()
        .await
        .unwrap();
    let old = stack
        .post(BATCH_FILE_OLD_PATH)
        .bearer_auth(&token)
        .header("content-type", "text/csv")
        .body(file(&rows))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 200);
    assert_eq!(old.headers()["deprecation"], "@1796601600");
    assert_eq!(
        old.headers()["link"],
        format!("<{BATCH_FILE_PATH}>; rel=\"successor-version\"")
    );
    let old: Value = old.json().await.unwrap();
    assert_eq!(old["rows"], current["rows"]);
    // The alias takes a file as large as the path it stands for.
    let big = vec![b' '; 100 * 1024];
    let response = stack
        .post(BATCH_FILE_OLD_PATH)
        .bearer_auth(&token)
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        422,
        "a file over the JSON limit reaches the route"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn broken_rows_are_listed_by_line_and_the_good_rows_predicted(db: PgPool) {
    let stack = spawn_stack(db).await;
    let token = user(&stack, "broken@example.com").await;
    let rows = [
        ROW.to_owned(),
        r#"2,1,4,"Bad class",female,38,1,0,PC 17599,71.28,C85,C"#.to_owned(),
        ROW.replacen("1,0,3", "3,1,3", 1),
        r#"4,1,1,"Bad age",female,-1,1,0,113803,53.1,C123,S"#.to_owned(),
        r#"5,0,3,"Bad port",male,35,0,0,373450,8.05,,X"#.to_owned(),
        r#"=cmd|' /C calc'!A0,0,3,"Formula",male,,0,0,330877,,,"#.to_owned(),
    ];
    let answer: Value = upload(&stack, &token, "", "application/json", file(&rows))
        .await
        .json()
        .await
        .unwrap();
    let lines: Vec<u64> = answer["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [2, 4, 7]);
    assert_eq!(
        answer["errors"],
        json!([
            {"line": 3, "reason": "Pclass must be 1, 2 or 3"},
            {"line": 5, "reason": "Age must be between 0 and 120"},
            {"line": 6, "reason": "Embarked must be S, C or Q"},
        ])
    );
    assert_eq!(answer["accuracy"].as_f64().unwrap() * 3.0 % 1.0, 0.0);

    let submission = upload(&stack, &token, "", "text/csv", file(&rows)).await;
    assert_eq!(submission.headers()["lifeboat-row-errors"], "3");
    let text = submission.text().await.unwrap();
    let last = text.lines().last().unwrap();
    assert!(last.starts_with("'=cmd|' /C calc'!A0,"), "{last}");
}

#[sqlx::test(migrations = "../migrations")]
async fn files_too_long_too_large_or_not_csv_are_refused_with_a_clear_message(db: PgPool) {
    let stack = spawn_stack(db).await;
    let token = user(&stack, "limits@example.com").await;
    let message = |body: &Value| body["message"].as_str().unwrap_or_default().to_owned();

    let long = file(&vec![ROW.to_owned(); 10_001]);
    let response = upload(&stack, &token, "", "application/json", long).await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["fields"]["file"],
        "the file has more than 10000 passenger rows"
    );

    let mut large = file(&[ROW.to_owned()]);
    large.resize(3 * 1024 * 1024, b'\n');
    let response = upload(&stack, &token, "", "application/json", large).await;
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        message(&body),
        "the request body is larger than the 2 MiB this route takes"
    );

    for not_csv in [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe".to_vec(),
        b"{\"passengers\": []}".to_vec(),
        Vec::new(),
    ] {
        let response = upload(&stack, &token, "", "application/json", not_csv).await;
        assert_eq!(response.status(), 422);
        let body: Value = response.json().await.unwrap();
        assert!(body["fields"]["file"].is_string(), "{body}");
    }

    let anonymous = stack
        .post(BATCH_FILE_PATH)
        .body(file(&[ROW.to_owned()]))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    // The larger limit is this route's alone.
    let big_json = stack
        .post("/api/auth/login")
        .header("content-type", "application/json")
        .body(vec![b' '; 100 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(big_json.status(), 413);
}

#[sqlx::test(migrations = "../migrations")]
async fn signed_in_predictions_are_recorded_anonymous_ones_only_counted_and_files_neither(
    db: PgPool,
) {
    let stack = spawn_stack(db).await;
    let token = user(&stack, "history@example.com").await;
    let passenger =
        json!({"pclass":1,"sex":"female","age":30,"sibsp":0,"parch":0,"fare":100,"embarked":"C"});
    for explain in [false, true, false] {
        let mut body = passenger.clone();
        body["explain"] = json!(explain);
        let r = stack
            .post("/api/inference")
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    for _ in 0..2 {
        let r = stack
            .post("/api/inference")
            .json(&passenger)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let r = upload(
        &stack,
        &token,
        "",
        "application/json",
        file(&[ROW.to_owned()]),
    )
    .await;
    assert_eq!(r.status(), 200);

    let page = eventually("three entries in the history", async || {
        let page = stack.get_json("/api/me/predictions", &token).await;
        (page["items"].as_array()?.len() == 3).then_some(page)
    })
    .await;
    let entry = &page["items"][0];
    assert_eq!(entry["passenger"]["sex"], "female");
    assert_eq!(entry["passenger"]["embarked"], "C");
    assert_eq!(entry["algorithm"], "random_forest");

    let export = stack
        .get("/api/me/predictions.csv")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), 200);
    assert_eq!(export.text().await.unwrap().lines().count(), 4);

    let admin = stack
        .token(crate::helpers::ADMIN_EMAIL, crate::helpers::ADMIN_PASSWORD)
        .await;
    // The stack's own readiness check predicted anonymously too.
    let today = eventually("today's counts", async || {
        let days = stack
            .get_json("/api/admin/predictions/daily?days=1", &admin)
            .await;
        let today = days.get(0)?.clone();
        (today["signed_in"] == 3).then_some(today)
    })
    .await;
    assert!(today["anonymous"].as_i64().unwrap() >= 2, "{today}");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_explorer_gets_the_whole_data_set_summed_up_and_cacheable(db: PgPool) {
    let stack = spawn_stack(db).await;
    let response = stack.get("/api/dataset/summary").send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "public, max-age=3600");
    let summary: Value = response.json().await.unwrap();
    assert_eq!(
        (summary["passengers"].as_u64(), summary["survived"].as_u64()),
        (Some(891), Some(342))
    );
    assert_eq!(
        (
            summary["training_rows"].as_u64(),
            summary["held_out_rows"].as_u64()
        ),
        (Some(713), Some(178))
    );
    for groups in [
        "by_class",
        "by_sex",
        "by_port",
        "by_age_band",
        "by_family_size",
        "by_class_and_sex",
    ] {
        let total: u64 = summary[groups]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["passengers"].as_u64().unwrap())
            .sum();
        assert_eq!(total, 891, "{groups}");
    }
}
