//! The frontend service over real HTTP: the web app, client-side routes, and what the
//! browser sees when the backend is not there. Forwarding to a live backend is covered by
//! the cross-service tests in `tests/`.

// A failed unwrap is a failed test with its reason: exactly what test helpers want.
#![allow(clippy::unwrap_used)]

use lifeboat_frontend_service::{Application, Config};
use serde_json::Value;

struct TestApp {
    address: String,
    /// The monitoring port.
    metrics_address: String,
    client: reqwest::Client,
    _static_dir: tempfile::TempDir,
}

async fn spawn_app() -> TestApp {
    spawn_app_allowing("").await
}

/// The frontend service with `CORS_ALLOWED_ORIGINS` set to `cors_allowed_origins`.
async fn spawn_app_allowing(cors_allowed_origins: &str) -> TestApp {
    let static_dir = tempfile::tempdir().unwrap();
    std::fs::write(
        static_dir.path().join("index.html"),
        "<!doctype html><title>Lifeboat</title>",
    )
    .unwrap();
    std::fs::write(static_dir.path().join("app.js"), "export default 1;").unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let config = Config {
        host: [127, 0, 0, 1].into(),
        port: 0,
        static_dir: static_dir.path().to_owned(),
        backend_url: format!("http://{closed}"),
        backend_timeout_ms: 1000,
        metrics_port: 0,
        cors_allowed_origins: cors_allowed_origins.into(),
        trusted_proxies: String::new(),
    };
    let app = Application::build(config).await.unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    let metrics_address = format!("http://127.0.0.1:{}", app.metrics_port());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        metrics_address,
        client: reqwest::Client::new(),
        _static_dir: static_dir,
    }
}

impl TestApp {
    async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn metrics_are_served_on_the_monitoring_port_and_not_on_the_web_port() {
    let app = spawn_app().await;
    app.get("/health").await;
    let public = app.get("/metrics").await;
    assert_eq!(public.status(), 404);
    let body: serde_json::Value = public.json().await.unwrap();
    assert_eq!(body["error"], "not_found");

    let monitoring = app
        .client
        .get(format!("{}/metrics", app.metrics_address))
        .send()
        .await
        .unwrap();
    assert_eq!(monitoring.status(), 200);
    let text = monitoring.text().await.unwrap();
    assert!(text.contains("http_requests_total"), "{text}");
    // The monitoring port serves nothing else.
    let other = app
        .client
        .get(format!("{}/health", app.metrics_address))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
}

#[tokio::test]
async fn the_root_serves_the_web_app() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("<title>Lifeboat</title>")
    );
}

#[tokio::test]
async fn a_client_side_route_serves_index_html_so_a_reload_works() {
    let app = spawn_app().await;
    let response = app.get("/admin/models?page=2").await;
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("Lifeboat"));
}

#[tokio::test]
async fn assets_are_served_as_themselves_and_revalidated() {
    let app = spawn_app().await;
    let response = app.get("/app.js").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-cache");
    assert_eq!(response.text().await.unwrap(), "export default 1;");
}

#[tokio::test]
async fn an_api_call_with_the_backend_down_gets_503_in_our_error_format() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(format!("{}/api/inference", app.address))
        .json(&serde_json::json!({"pclass": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "backend_unavailable");
}

#[tokio::test]
async fn an_oversized_api_body_gets_413() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(format!("{}/api/inference", app.address))
        .header("content-type", "application/json")
        .body(vec![b' '; 2 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn health_is_200_and_ready_names_the_missing_backend() {
    let app = spawn_app().await;
    assert_eq!(app.get("/health").await.status(), 200);
    let response = app.get("/ready").await;
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    // Named, without the connection error's own words.
    assert_eq!(body["reason"], "backend: unreachable");
}

#[tokio::test]
async fn the_web_app_is_served_under_a_strict_content_security_policy() {
    let app = spawn_app().await;
    for path in ["/", "/app.js", "/admin/models"] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert_eq!(csp, lifeboat_frontend_service::routes::APP_CSP, "{path}");
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(headers["referrer-policy"], "no-referrer");
    }
}

async fn preflight(app: &TestApp, origin: &str) -> reqwest::Response {
    app.client
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/api/inference", app.address),
        )
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap()
}

/// The origin a preflight answer allows, if any.
fn allowed_origin(response: &reqwest::Response) -> Option<&str> {
    response
        .headers()
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap())
}

#[tokio::test]
async fn without_configured_origins_no_other_origin_may_call_the_api() {
    let app = spawn_app().await;
    let response = preflight(&app, "https://evil.example").await;
    assert_eq!(allowed_origin(&response), None);
}

#[tokio::test]
async fn a_configured_origin_may_call_the_api_and_no_other() {
    let app = spawn_app_allowing("https://admin.example.com, https://ops.example.com/").await;
    let response = preflight(&app, "https://ops.example.com").await;
    assert!(response.status().is_success(), "{}", response.status());
    assert_eq!(allowed_origin(&response), Some("https://ops.example.com"));
    let response = preflight(&app, "https://evil.example").await;
    assert_eq!(allowed_origin(&response), None);
}

#[tokio::test]
async fn an_api_body_over_64_kib_is_refused_413_before_it_is_forwarded() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(format!("{}/api/inference", app.address))
        .header("content-type", "application/json")
        .body(vec![b' '; 64 * 1024 + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "payload_too_large");
}
