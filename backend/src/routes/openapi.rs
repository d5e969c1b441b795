//! The backend's OpenAPI document, served at `GET /api/openapi.json`.
//!
//! Each handler describes itself with `#[utoipa::path]` and is mounted through
//! `utoipa_axum::routes!`, so a route cannot exist without its entry. What is the same for
//! every route is added here once, from the same rules the server applies: the bearer scheme
//! and the 401/403 of the admin paths, the refusals of the JSON body extractor, the edge
//! limits of the service kit, and `GET /metrics`.

use super::admin_paths::is_admin_path;
use axum::Extension;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use lifeboat_api_types::{ErrorBody, ForestParams, SvmParams};
use utoipa::openapi::path::{HttpMethod, Operation, OperationBuilder, PathItem};
use utoipa::openapi::response::{Response as ApiResponse, ResponseBuilder};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr};
use utoipa::{Modify, OpenApi};

/// The name of the bearer security scheme in the document.
pub const BEARER: &str = "bearer";

/// The parts of the document no single handler owns.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lifeboat API",
        description = "Predicts whether a Titanic passenger survives; accounts, roles, and the \
                       admin's model registry and training jobs. Every error answers with the \
                       `ErrorBody` JSON object."
    ),
    components(schemas(ErrorBody, ForestParams, SvmParams)),
    tags(
        (name = "predictions", description = "Survival predictions, open to everyone; files of passengers for signed-in users"),
        (name = "history", description = "The caller's own prediction history"),
        (name = "dataset", description = "The data set the models learn from, summed up"),
        (name = "accounts", description = "Sign-up, login, sessions and the caller's account"),
        (name = "models", description = "The model registry (admins)"),
        (name = "training", description = "Training jobs (admins)"),
        (name = "users", description = "Accounts and roles (admins)"),
        (name = "admin", description = "Usage figures (admins)"),
        (name = "operations", description = "Health, readiness, metrics and this document"),
    )
)]
#[derive(Debug)]
pub struct ApiDoc;

/// The document as served: rendered once at start-up.
#[derive(Debug, Clone)]
pub struct OpenApiJson(pub Bytes);

/// This document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "operations",
    operation_id = "openapi_document",
    responses((status = OK, description = "The OpenAPI 3.1 document", content_type = "application/json"))
)]
pub async fn openapi_json(Extension(OpenApiJson(document)): Extension<OpenApiJson>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], document).into_response()
}

/// A path's `{id}`.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdParam {
    /// The id (a UUID).
    #[allow(dead_code)]
    id: uuid::Uuid,
}

/// Adds to every operation what the server does for every route; applied once every route
/// is in the document.
#[derive(Debug)]
pub struct SharedRules;

/// (status, component name, description) of each shared answer.
const SHARED_RESPONSES: [(&str, &str, &str); 9] = [
    ("400", "MalformedJson", "The body is not well-formed JSON"),
    (
        "401",
        "Unauthenticated",
        "No valid access token, or its session has ended",
    ),
    ("403", "Forbidden", "The caller's role does not allow this"),
    ("413", "PayloadTooLarge", "The body is over 64 KiB"),
    (
        "415",
        "UnsupportedMediaType",
        "The body is not sent as `application/json`",
    ),
    (
        "422",
        "ValidationFailed",
        "The input breaks the rules; `fields` names each bad field",
    ),
    (
        "431",
        "HeadersTooLarge",
        "The request headers are over 16 KiB",
    ),
    (
        "503",
        "Unavailable",
        "Overloaded, timed out, or a part it needs (database, model service) is down; \
         try again shortly (`Retry-After` when overloaded)",
    ),
    (
        "500",
        "Internal",
        "Something went wrong on our side; the cause is logged, never sent",
    ),
];

impl Modify for SharedRules {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "The access token from `POST /api/auth/login` or `/api/auth/refresh`",
                    ))
                    .build(),
            ),
        );
        // `params` tied to `algorithm`, which a derived schema cannot say.
        if let Some(original) = components.schemas.remove("TrainingRequest") {
            components.schemas.insert(
                "TrainingRequest".to_owned(),
                RefOr::T(lifeboat_api_types::training_request_schema(original)),
            );
        }
        for (_, name, description) in SHARED_RESPONSES {
            components
                .responses
                .insert(name.to_owned(), RefOr::T(error_response(description)));
        }

        openapi
            .paths
            .add_path_operation("/metrics", vec![HttpMethod::Get], metrics_operation());
        for (path, item) in openapi.paths.paths.iter_mut() {
            let admin = is_admin_path(path);
            for operation in operations(item) {
                add_shared_answers(operation, admin);
            }
        }
    }
}

/// The answers every operation can give besides its own.
fn add_shared_answers(operation: &mut Operation, admin: bool) {
    if admin {
        operation.security = Some(vec![SecurityRequirement::new(BEARER, Vec::<String>::new())]);
    }
    let needs_token = operation.security.as_ref().is_some_and(|requirements| {
        !requirements.is_empty()
            && requirements
                .iter()
                .all(|r| *r != SecurityRequirement::default())
    });
    let has_body = operation.request_body.is_some();
    let has_parameters = operation
        .parameters
        .as_ref()
        .is_some_and(|parameters| !parameters.is_empty());
    for (status, name, _) in SHARED_RESPONSES {
        let applies = match status {
            "400" | "413" | "415" => has_body,
            "422" => has_body || has_parameters,
            "401" => needs_token,
            "403" => admin,
            _ => true,
        };
        if applies {
            operation
                .responses
                .responses
                .entry(status.to_owned())
                .or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.patch,
        &mut item.head,
        &mut item.options,
        &mut item.trace,
    ]
    .into_iter()
    .filter_map(Option::as_mut)
}

fn error_response(description: &str) -> ApiResponse {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            Content::new(Some(Ref::from_schema_name("ErrorBody"))),
        )
        .build()
}

/// `GET /metrics`, which the service kit adds to every service.
fn metrics_operation() -> Operation {
    OperationBuilder::new()
        .tags(Some(vec!["operations".to_owned()]))
        .summary(Some("Prometheus metrics"))
        .operation_id(Some("metrics"))
        .response(
            "200",
            ResponseBuilder::new()
                .description("The service's metrics in the Prometheus text format")
                .content(
                    "text/plain",
                    Content::new(None::<RefOr<utoipa::openapi::Schema>>),
                )
                .build(),
        )
        .build()
}
