//! The frontend service's routes: health, the API forwarder, and the web app with
//! `index.html` for every other path so client-side routes survive a reload.

use crate::error::ApiError;
use crate::proxy;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use lifeboat_api_types::HealthStatus;
use lifeboat_service_kit::forwarded::TrustedProxies;
use lifeboat_service_kit::limits::Limits;
use lifeboat_service_kit::server::{health, readiness};
use lifeboat_service_kit::upstream::Upstream;
use std::path::PathBuf;
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::cors::CorsLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// What the routes share.
#[derive(Debug, Clone)]
pub struct AppState {
    pub backend: Upstream,
    /// Reverse proxies in front of the web port whose `X-Forwarded-For` is believed.
    pub trusted_proxies: TrustedProxies,
    pub static_dir: PathBuf,
    /// Origins other than ours allowed to call the API from a browser; none by default.
    pub cors_allowed_origins: Vec<HeaderValue>,
    /// The web port's limits; the forwarder reads the body limits from them.
    pub limits: Limits,
}

/// The web app's `Content-Security-Policy`: its own scripts, styles and wasm only (the
/// wasm module needs `'wasm-unsafe-eval'` to be compiled), no inline script or style, API
/// calls to this origin only, and no framing. `data:` images are the empty favicon.
pub const APP_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub fn router(state: AppState) -> Router {
    let index = state.static_dir.join("index.html");
    // Files are revalidated on every load (ServeDir answers If-Modified-Since with 304), so a
    // new release is picked up at once without hashed file names.
    let app = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(APP_CSP),
        ))
        .service(
            ServeDir::new(&state.static_dir)
                .precompressed_gzip()
                .fallback(ServeFile::new(index).precompressed_gzip()),
        );
    let api = Router::new()
        .route("/api", any(proxy::forward))
        .route("/api/{*rest}", any(proxy::forward))
        .with_state(proxy::Forwarder {
            backend: state.backend.clone(),
            trusted_proxies: state.trusted_proxies.clone(),
            limits: state.limits,
        });
    // Without configured origins there is no CORS layer at all: browsers then refuse
    // cross-origin calls, and preflights get no permission.
    let api = if state.cors_allowed_origins.is_empty() {
        api
    } else {
        api.layer(
            CorsLayer::new()
                .allow_origin(state.cors_allowed_origins.clone())
                .allow_methods([
                    Method::GET,
                    Method::POST,
                    Method::PUT,
                    Method::PATCH,
                    Method::DELETE,
                ])
                .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
                .max_age(Duration::from_secs(600)),
        )
    };
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        // Metrics are on the monitoring port only; this path must not fall to the app.
        .route("/metrics", any(not_found))
        .merge(api)
        .fallback_service(app)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .with_state(state)
}

/// 404 in the JSON error shape.
async fn not_found() -> Response {
    ApiError::NotFound.into_response()
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
    state.backend.check_ready("backend").await
}
