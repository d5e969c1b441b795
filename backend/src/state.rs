//! What the handlers share.

use crate::active::ActiveModels;
use crate::auth::{JwtKeys, LoginThrottle};
use crate::model_client::ModelClient;
use crate::rate_limit::RateLimits;
use crate::training::Trainer;
use sqlx::PgPool;
use std::sync::Arc;

/// Cheap to clone; every handler gets one.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: PgPool,
    pub model: ModelClient,
    pub jwt: Arc<JwtKeys>,
    pub login_throttle: Arc<LoginThrottle>,
    pub rate_limits: RateLimits,
    pub active: Arc<ActiveModels>,
    pub trainer: Trainer,
}
