//! Admin → users: list them, change a role.

use crate::db::users;
use crate::error::ApiError;
use crate::routes::pagination::Pagination;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, patch};
use lifeboat_api_types::{Page, RoleChange, User};
use lifeboat_service_kit::Json;
use uuid::Uuid;

/// Routes under `/api/admin`; the caller's admin role is checked by the router above.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/admin/users", get(list))
        .route("/api/admin/users/{id}", patch(change_role))
}

async fn list(
    State(state): State<AppState>,
    page: Pagination,
) -> Result<Json<Page<User>>, ApiError> {
    let mut conn = state.db.acquire().await?;
    let (items, total) = users::list(&mut conn, page.limit(), page.offset()).await?;
    Ok(Json(Page {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    }))
}

async fn change_role(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Json(change): Json<RoleChange>,
) -> Result<Json<User>, ApiError> {
    let mut conn = state.db.acquire().await?;
    let user = users::set_role(&mut conn, id, change.role)
        .await?
        .ok_or(ApiError::NotFound("user"))?;
    tracing::info!(event = "role_change", user_id = %user.id, role = %user.role, "role changed");
    Ok(Json(user))
}
