//! `POST /api/inference`: validates the passenger, picks the model (the one named, else the
//! active forest, else any active model), then asks the model service; with `explain`, the
//! answer comes with the contributions of the inputs. `POST /api/inference/what-if`: the
//! curves over age and fare and the nearest counterfactuals. `GET /api/inference/models`:
//! the active models a visitor can choose between.

use crate::auth::bearer_token;
use crate::db::predictions::NewPrediction;
use crate::error::ApiError;
use crate::history::Answered;
use crate::routes::client::ClientAddr;
use crate::state::AppState;
use axum::extract::{FromRequestParts, State};
use axum::http::HeaderValue;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use chrono::Utc;
use lifeboat_api_types::{
    ActiveModel, ErrorBody, InferenceRequest, InferenceResponse, Passenger, WhatIfAnswer,
};
use lifeboat_service_kit::Json;
use lifeboat_service_kit::metrics::HandleCache;
use lifeboat_service_kit::telemetry::REQUEST_ID;
use metrics::{Counter, Histogram};
use std::time::Instant;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(predict))
        .routes(routes!(what_if))
        .routes(routes!(active_models))
}

/// Predicts whether the passenger survives. Open to everyone; callers without a token are
/// rate limited per address, and a token sent must be valid and of a live session.
#[utoipa::path(
    post,
    path = "/api/inference",
    operation_id = "predict",
    tag = "predictions",
    security((), ("bearer" = [])),
    request_body = InferenceRequest,
    responses(
        (status = OK, description = "The prediction and the model that made it; with `explain`, also `base` and `contributions` (`base + Σ contribution = prob`), or `no_explanation` saying why the model cannot be explained", body = InferenceResponse),
        (status = UNAUTHORIZED, description = "A token was sent that is not valid, or whose session has ended (logged out, a reused refresh token, the account removed)", body = ErrorBody),
        (status = NOT_FOUND, description = "The model asked for does not exist", body = ErrorBody),
        (status = TOO_MANY_REQUESTS, description = "Too many anonymous predictions from this address; see `Retry-After`", body = ErrorBody),
    )
)]
async fn predict(
    State(state): State<AppState>,
    caller: Caller,
    Json(mut request): Json<InferenceRequest>,
) -> Result<Json<InferenceResponse>, ApiError> {
    let (model_id, passenger) = checked(&state, &caller, &mut request).await?;
    let started = Instant::now();
    let request_id = caller
        .request_id
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let outcome = if request.explain {
        state.model.explain(request, request_id).await
    } else {
        state.model.predict(request, request_id).await
    };
    let seconds = started.elapsed().as_secs_f64();
    let (algorithm, label) = match &outcome {
        Ok(p) => (p.algorithm.as_str(), "ok"),
        Err(_) => ("unknown", "error"),
    };
    let (requests, duration) = series((model_id, algorithm, label));
    requests.increment(1);
    duration.record(seconds);
    let answer = outcome?;
    state.recorder.record(match caller.user {
        Some(user) => Answered::SignedIn(NewPrediction {
            user,
            made_at: Utc::now(),
            passenger,
            model_id: answer.model_id,
            model_name: answer.model_name.clone(),
            algorithm: answer.algorithm,
            prob: answer.prob,
        }),
        None => Answered::Anonymous { at: Utc::now() },
    });
    Ok(Json(answer))
}

/// What if the passenger had been different: the probability over ages 0–80 and over the
/// data set's fares, and the nearest change of class, fare, port or relatives aboard (never
/// sex; age as an alternative) that flips the verdict. Open to everyone, rate limited as
/// predictions are.
#[utoipa::path(
    post,
    path = "/api/inference/what-if",
    operation_id = "what_if",
    tag = "predictions",
    security((), ("bearer" = [])),
    request_body = InferenceRequest,
    responses(
        (status = OK, description = "The answer, the curves and the counterfactuals", body = WhatIfAnswer),
        (status = NOT_FOUND, description = "The model asked for does not exist", body = ErrorBody),
        (status = TOO_MANY_REQUESTS, description = "Too many anonymous predictions from this address; see `Retry-After`", body = ErrorBody),
    )
)]
async fn what_if(
    State(state): State<AppState>,
    caller: Caller,
    Json(mut request): Json<InferenceRequest>,
) -> Result<Json<WhatIfAnswer>, ApiError> {
    checked(&state, &caller, &mut request).await?;
    request.explain = false;
    let answer = state
        .model
        .what_if(&request, caller.request_id.as_ref())
        .await?;
    Ok(Json(answer))
}

/// The active model of each algorithm: the models the calculator offers.
#[utoipa::path(
    get,
    path = "/api/inference/models",
    operation_id = "active_models",
    tag = "predictions",
    security((), ("bearer" = [])),
    responses(
        (status = OK, description = "The active forest and SVM, where there are", body = Vec<ActiveModel>),
    )
)]
async fn active_models(State(state): State<AppState>) -> Result<Json<Vec<ActiveModel>>, ApiError> {
    let active = state.active.all(&state.db).await?;
    Ok(Json(
        active
            .into_iter()
            .map(|(algorithm, id)| ActiveModel { id, algorithm })
            .collect(),
    ))
}

/// Applies the anonymous rate limit and the passenger's rules, and names the model: the
/// one asked for, else the default one. Returns that model's id and the passenger.
async fn checked(
    state: &AppState,
    caller: &Caller,
    request: &mut InferenceRequest,
) -> Result<(Uuid, Passenger), ApiError> {
    if let Some(client) = &caller.anonymous_client {
        state.rate_limits.check_anonymous_inference(client)?;
    }
    let passenger = request.passenger().map_err(ApiError::Validation)?;
    let model_id = state
        .active
        .asked_or_default(&state.db, request.model_id)
        .await?;
    request.model_id = Some(model_id);
    Ok((model_id, passenger))
}

/// `inference_requests_total` and `inference_duration_seconds` of (model, algorithm,
/// outcome), looked up in the registry once per combination rather than once per request.
fn series(key: (Uuid, &'static str, &'static str)) -> (Counter, Histogram) {
    type Key = (Uuid, &'static str, &'static str);
    static SERIES: HandleCache<Key, (Counter, Histogram)> = HandleCache::new();
    SERIES.get_or_register(key, |&(model_id, algorithm, outcome)| {
        let labels = [
            ("model_id", model_id.to_string()),
            ("algorithm", algorithm.to_owned()),
            ("outcome", outcome.to_owned()),
        ];
        (
            metrics::counter!("inference_requests_total", &labels),
            metrics::histogram!("inference_duration_seconds", &labels),
        )
    })
}

/// What a prediction needs from the request's head, read without copying all the headers:
/// the signed-in user (whose history keeps it), else the caller's address (for the
/// anonymous rate limit), and the request id to pass on. A token must be valid and its
/// session live (a cached check, `LiveSessions`): one that is not gets 401, never a pass
/// around the anonymous limit. When Postgres cannot say, a valid token is believed (it
/// expires on its own), so an outage neither refuses nor rate-limits signed-in users.
struct Caller {
    user: Option<Uuid>,
    anonymous_client: Option<String>,
    request_id: Option<HeaderValue>,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let user = match bearer_token(&parts.headers) {
            None if !parts.headers.contains_key(AUTHORIZATION) => None,
            None => return Err(ApiError::InvalidToken),
            Some(token) => {
                let claims = state.jwt.verify(token).ok_or(ApiError::InvalidToken)?;
                match state.live_sessions.is_live(&state.db, &claims).await {
                    Ok(true) => {}
                    Ok(false) => return Err(ApiError::InvalidToken),
                    Err(error) => {
                        tracing::warn!(%error, "cannot check the session; believing the token");
                    }
                }
                // A signed-in caller's lines name them, as every authenticated request's do.
                lifeboat_service_kit::telemetry::record_user_id(&claims.sub);
                Some(claims.sub)
            }
        };
        let anonymous_client = match user {
            Some(_) => None,
            None => {
                let Ok(ClientAddr(client)) = ClientAddr::from_request_parts(parts, state).await;
                Some(client)
            }
        };
        Ok(Self {
            user,
            anonymous_client,
            request_id: parts.headers.get(REQUEST_ID).cloned(),
        })
    }
}
