//! `/health` (the process answers) and `/ready` (Postgres and the model service answer).

use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use lifeboat_api_types::HealthStatus;
use lifeboat_service_kit::server::{self, readiness};
use std::time::Duration;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const DB_CHECK_TIMEOUT: Duration = Duration::from_secs(2);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(ready))
}

/// Liveness: the process answers.
#[utoipa::path(
    get,
    path = "/health",
    operation_id = "health",
    tag = "operations",
    responses((status = OK, description = "Always `ok`", body = HealthStatus))
)]
async fn health() -> Json<HealthStatus> {
    server::health().await
}

/// Readiness: Postgres and the model service answer.
#[utoipa::path(
    get,
    path = "/ready",
    operation_id = "ready",
    tag = "operations",
    responses(
        (status = OK, description = "Ready to serve", body = HealthStatus),
        (status = SERVICE_UNAVAILABLE, description = "Not ready, with the reason", body = HealthStatus),
    )
)]
async fn ready(State(state): State<AppState>) -> (StatusCode, Json<HealthStatus>) {
    let (db, model) = tokio::join!(database_ready(&state), state.model.ready());
    let problems: Vec<String> = [db, model].into_iter().filter_map(Result::err).collect();
    readiness(if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    })
}

async fn database_ready(state: &AppState) -> Result<(), String> {
    let ping = async {
        let mut conn = state.db.acquire().await?;
        sqlx::Connection::ping(&mut *conn).await
    };
    // The driver's own words go to the log, not to whoever asks.
    match tokio::time::timeout(DB_CHECK_TIMEOUT, ping).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness: the database check failed");
            Err("database: unavailable".into())
        }
        Err(_) => Err("database: timed out".into()),
    }
}
