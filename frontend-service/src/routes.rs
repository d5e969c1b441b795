//! The frontend service's routes: health, the API forwarder, and the web app with
//! `index.html` for every other path so client-side routes survive a reload.

use crate::proxy;
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::routing::{any, get};
use lifeboat_api_types::HealthStatus;
use lifeboat_service_kit::server::{health, readiness};
use lifeboat_service_kit::upstream::Upstream;
use std::path::PathBuf;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// What the routes share.
#[derive(Debug, Clone)]
pub struct AppState {
    pub backend: Upstream,
    pub static_dir: PathBuf,
}

impl axum::extract::FromRef<AppState> for Upstream {
    fn from_ref(state: &AppState) -> Self {
        state.backend.clone()
    }
}

pub fn router(state: AppState) -> Router {
    let index = state.static_dir.join("index.html");
    // Files are revalidated on every load (ServeDir answers If-Modified-Since with 304), so a
    // new release is picked up at once without hashed file names.
    let app = ServeDir::new(&state.static_dir)
        .precompressed_gzip()
        .fallback(ServeFile::new(index).precompressed_gzip());
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/api", any(proxy::forward))
        .route("/api/{*rest}", any(proxy::forward))
        .fallback_service(app)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .with_state(state)
}

/// Ready when the web app is on disk and the backend says it is ready.
async fn ready(State(state): State<AppState>) -> (StatusCode, axum::Json<HealthStatus>) {
    readiness(check_ready(&state).await)
}

async fn check_ready(state: &AppState) -> Result<(), String> {
    let index = state.static_dir.join("index.html");
    if !tokio::fs::try_exists(&index).await.unwrap_or(false) {
        return Err(format!("web app: no {}", index.display()));
    }
    let backend = &state.backend;
    let request = Request::get(backend.uri_for("/ready"))
        .body(Body::empty())
        .expect("a GET with no body is valid");
    let answer = backend
        .send(request)
        .await
        .map_err(|e| format!("backend: {e}"))?;
    if answer.head.status.is_success() {
        return Ok(());
    }
    let reason = serde_json::from_slice::<HealthStatus>(&answer.body)
        .ok()
        .and_then(|h| h.reason)
        .unwrap_or_else(|| "not ready".into());
    Err(format!("backend: {reason}"))
}
