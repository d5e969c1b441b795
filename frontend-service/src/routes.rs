//! The frontend service's routes: health, the API forwarder, and the web app with
//! `index.html` for every other path so client-side routes survive a reload.

use crate::proxy::{self, Backend};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::routing::{any, get};
use lifeboat_api_types::HealthStatus;
use std::path::PathBuf;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// What the routes share.
#[derive(Debug, Clone)]
pub struct AppState {
    pub backend: Backend,
    pub static_dir: PathBuf,
}

impl axum::extract::FromRef<AppState> for Backend {
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

async fn health() -> axum::Json<HealthStatus> {
    axum::Json(HealthStatus::ok())
}

/// Ready when the web app is on disk and the backend says it is ready.
async fn ready(State(state): State<AppState>) -> (StatusCode, axum::Json<HealthStatus>) {
    let unavailable = |reason: String| {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(HealthStatus::unavailable(reason)),
        )
    };
    if !tokio::fs::try_exists(state.static_dir.join("index.html"))
        .await
        .unwrap_or(false)
    {
        return unavailable(format!(
            "web app: no index.html in {}",
            state.static_dir.display()
        ));
    }
    let backend = &state.backend;
    match backend
        .client
        .get(format!("{}/ready", backend.base_url))
        .send()
        .await
    {
        Ok(r) if r.status().is_success() => (StatusCode::OK, axum::Json(HealthStatus::ok())),
        Ok(r) => {
            let reason = r
                .json::<HealthStatus>()
                .await
                .ok()
                .and_then(|h| h.reason)
                .unwrap_or_else(|| "not ready".into());
            unavailable(format!("backend: {reason}"))
        }
        Err(e) => unavailable(format!("backend: {e}")),
    }
}
