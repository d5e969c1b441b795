//! What the handlers share.

use crate::model_client::ModelClient;
use sqlx::PgPool;

/// Cheap to clone; every handler gets one.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: PgPool,
    pub model: ModelClient,
}
