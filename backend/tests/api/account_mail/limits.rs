//! One answer for every address, and limits that every replica agrees on.

use super::*;
use crate::helpers::spawn;
use lifeboat_test_support::MailCatcher;
use sqlx::PgPool;
use std::time::Instant;

/// The headers that may differ between any two answers.
fn comparable(response: &reqwest::Response) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "date" | "x-request-id"))
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or("").to_owned()))
        .collect();
    headers.sort();
    headers
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

#[sqlx::test(migrations = "../migrations")]
async fn the_forgot_answer_is_the_same_for_a_registered_and_an_unknown_address(db: PgPool) {
    let catcher = MailCatcher::start().await;
    let config = Config {
        account_link_rate_per_address: 10_000,
        account_link_rate_per_client: 10_000,
        ..mail_config(&catcher)
    };
    let app = spawn(db, config).await;
    let (registered, unknown) = ("known@example.com", "nobody@example.com");
    assert_eq!(app.signup(registered, PASSWORD).await.status(), 201);

    let known = forgot(&app, registered).await;
    let other = forgot(&app, unknown).await;
    assert_eq!(known.status(), 202);
    assert_eq!(known.status(), other.status());
    assert_eq!(comparable(&known), comparable(&other));
    assert_eq!(known.bytes().await.unwrap(), other.bytes().await.unwrap());

    let (mut known_ms, mut unknown_ms) = (Vec::new(), Vec::new());
    for round in 0..200 {
        let (address, samples) = if round % 2 == 0 {
            (registered, &mut known_ms)
        } else {
            (unknown, &mut unknown_ms)
        };
        let started = Instant::now();
        assert_eq!(forgot(&app, address).await.status(), 202);
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let (known_median, unknown_median) = (median(known_ms), median(unknown_ms));
    println!(
        "forgot, median of 100 each: registered {known_median:.3} ms, unknown {unknown_median:.3} ms"
    );
    assert!(
        (known_median - unknown_median).abs() < 1.0,
        "registered {known_median:.3} ms vs unknown {unknown_median:.3} ms"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_rate_limit_answers_the_same_for_a_registered_and_an_unknown_address(db: PgPool) {
    let config = Config {
        account_link_rate_per_address: 3,
        account_link_rate_per_client: 100,
        ..crate::helpers::config(&closed_port_url())
    };
    let app = spawn(db, config).await;
    let (registered, unknown) = ("known@example.com", "nobody@example.com");
    assert_eq!(app.signup(registered, PASSWORD).await.status(), 201);
    for _ in 0..3 {
        assert_eq!(forgot(&app, registered).await.status(), 202);
        assert_eq!(forgot(&app, unknown).await.status(), 202);
    }
    // The address is counted as typed, normalised: another letter case is the same address.
    let known = forgot(&app, " Known@Example.com").await;
    let other = forgot(&app, unknown).await;
    assert_eq!(known.status(), 429);
    assert_eq!(known.status(), other.status());
    assert_eq!(comparable(&known), comparable(&other));
    let retry_after: u64 = known.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((3500..=3600).contains(&retry_after), "{retry_after}");
    assert_eq!(known.bytes().await.unwrap(), other.bytes().await.unwrap());
    // Another address from the same client is not held back.
    assert_eq!(forgot(&app, "third@example.com").await.status(), 202);
}

#[sqlx::test(migrations = "../migrations")]
async fn two_replicas_on_one_database_count_the_same_limits(db: PgPool) {
    let config = || Config {
        account_link_rate_per_address: 4,
        account_link_rate_per_client: 10,
        ..crate::helpers::config(&closed_port_url())
    };
    let first = spawn(db.clone(), config()).await;
    let second = spawn(db, config()).await;
    // Per address: four between them, then neither takes a fifth.
    for app in [&first, &second, &first, &second] {
        assert_eq!(forgot(app, "shared@example.com").await.status(), 202);
    }
    assert_eq!(forgot(&first, "shared@example.com").await.status(), 429);
    assert_eq!(forgot(&second, "shared@example.com").await.status(), 429);
    // Per client: ten resets between them, then neither takes an eleventh.
    for app in [&first, &second].repeat(5) {
        assert_link_refused(reset(app, "no-such-token", NEW_PASSWORD).await).await;
    }
    assert_eq!(
        reset(&second, "no-such-token", NEW_PASSWORD).await.status(),
        429
    );
    assert_eq!(
        reset(&first, "no-such-token", NEW_PASSWORD).await.status(),
        429
    );
}
