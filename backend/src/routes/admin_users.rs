//! Admin → users: list them, change a role, make a one-time reset link for one.

use crate::account_links::LinkPurpose;
use crate::auth::AuthUser;
use crate::db::users;
use crate::error::ApiError;
use crate::routes::openapi::IdParam;
use crate::routes::pagination::PageQuery;
use crate::routes::pagination::Pagination;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use lifeboat_api_types::{ErrorBody, Page, ResetLink, Role, RoleChange, User};
use lifeboat_service_kit::{Id, Json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/admin`; the caller's admin role is checked by the router above.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users))
        .routes(routes!(change_role))
        .routes(routes!(make_reset_link))
}

/// Every account, newest first.
#[utoipa::path(
    get,
    path = "/api/admin/users",
    operation_id = "list_users",
    tag = "users",
    params(PageQuery),
    responses((status = OK, description = "One page of users", body = Page<User>))
)]
async fn list_users(
    State(state): State<AppState>,
    page: Pagination,
) -> Result<Json<Page<User>>, ApiError> {
    let mut conn = state.db.acquire().await?;
    let (items, total) = users::list(&mut conn, page.limit(), page.offset()).await?;
    Ok(Json(page.page_of(items, total)))
}

/// Gives a user another role; it counts from the user's next request. Admins cannot take
/// the admin role from themselves, so there is always one left to give it back.
#[utoipa::path(
    patch,
    path = "/api/admin/users/{id}",
    operation_id = "change_role",
    tag = "users",
    params(IdParam),
    request_body = RoleChange,
    responses(
        (status = OK, description = "The user with the new role", body = User),
        (status = NOT_FOUND, description = "No such user", body = ErrorBody),
        (status = CONFLICT, description = "Admins cannot take the admin role from themselves", body = ErrorBody),
    )
)]
async fn change_role(
    State(state): State<AppState>,
    caller: AuthUser,
    Id(id): Id,
    Json(change): Json<RoleChange>,
) -> Result<Json<User>, ApiError> {
    if id == caller.id && change.role != Role::Admin {
        return Err(ApiError::Conflict(
            "role",
            "cannot be taken from yourself; ask another admin",
        ));
    }
    let mut conn = state.db.acquire().await?;
    let user = users::set_role(&mut conn, id, change.role)
        .await?
        .ok_or(ApiError::NotFound("user"))?;
    tracing::info!(event = "role_change", user_id = %user.id, role = %user.role, "role changed");
    Ok(Json(user))
}

/// Makes a one-time link for the user to choose a new password (valid 30 minutes; the
/// account's older reset links end), for the admin to hand over when mail cannot reach them.
/// Nothing is mailed.
#[utoipa::path(
    post,
    path = "/api/admin/users/{id}/reset-link",
    operation_id = "make_reset_link",
    tag = "users",
    params(IdParam),
    responses(
        (status = CREATED, description = "The link; it works once", body = ResetLink),
        (status = NOT_FOUND, description = "No such user", body = ErrorBody),
    )
)]
async fn make_reset_link(
    State(state): State<AppState>,
    caller: AuthUser,
    Id(id): Id,
) -> Result<(StatusCode, Json<ResetLink>), ApiError> {
    let mut tx = state.db.begin().await?;
    if users::find(&mut tx, id).await?.is_none() {
        return Err(ApiError::NotFound("user"));
    }
    let link = state.links.issue(&mut tx, id, LinkPurpose::Reset).await?;
    tx.commit().await?;
    tracing::info!(event = "reset_link_issued", by = %caller.id, user_id = %id, "reset link issued by an admin");
    Ok((
        StatusCode::CREATED,
        Json(ResetLink {
            link: link.url,
            expires_at: link.expires_at,
        }),
    ))
}
