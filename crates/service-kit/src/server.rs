//! Binding, serving and the health answers, the same for every service.

use crate::limits::Limits;
use crate::telemetry::with_request_tracing;
use anyhow::Context;
use axum::http::{StatusCode, header};
use axum::routing::get;
use axum::{Json, Router};
use lifeboat_api_types::HealthStatus;
use std::net::{IpAddr, SocketAddr};
use tokio::net::TcpListener;
use tower_http::sensitive_headers::{
    SetSensitiveRequestHeadersLayer, SetSensitiveResponseHeadersLayer,
};

/// Binds `host:port` (port 0 picks a free one, as tests do).
pub async fn bind(host: IpAddr, port: u16) -> anyhow::Result<TcpListener> {
    TcpListener::bind((host, port))
        .await
        .with_context(|| format!("cannot listen on {host}:{port}"))
}

/// Serves `router` plus `GET /metrics` behind `limits`, with request ids, tracing and the
/// HTTP metrics, the caller's address available to handlers, until SIGTERM or Ctrl-C;
/// in-flight requests finish first. `Authorization` and cookies are marked sensitive, so no
/// log line ever shows them.
pub async fn serve(
    service: &'static str,
    listener: TcpListener,
    router: Router,
    limits: Limits,
) -> anyhow::Result<()> {
    let port = listener.local_addr()?.port();
    tracing::info!(service, port, "listening");
    let router = router.route("/metrics", get(crate::metrics::render));
    let router = with_request_tracing(limits.apply(router))
        .layer(SetSensitiveRequestHeadersLayer::new([
            header::AUTHORIZATION,
            header::PROXY_AUTHORIZATION,
            header::COOKIE,
        ]))
        .layer(SetSensitiveResponseHeadersLayer::new([header::SET_COOKIE]));
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(crate::shutdown_signal())
    .await
    .context("server error")
}

/// `GET /health`: the process answers. No dependency is checked.
pub async fn health() -> Json<HealthStatus> {
    Json(HealthStatus::ok())
}

/// The `/ready` answer: 200 when ready, 503 with the reason otherwise.
pub fn readiness(result: Result<(), String>) -> (StatusCode, Json<HealthStatus>) {
    match result {
        Ok(()) => (StatusCode::OK, Json(HealthStatus::ok())),
        Err(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(HealthStatus::unavailable(reason)),
        ),
    }
}
