//! A signed-in user's prediction history (`/api/me/predictions*`) and the admin's daily
//! counts of predictions (`/api/admin/predictions/daily`).

use crate::{Algorithm, Passenger};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Entries in one page of the history.
pub const HISTORY_PAGE_SIZE: usize = 10;
/// Days of daily counts the admin area shows by default, and the most it may ask for.
pub const DAILY_COUNTS_DEFAULT_DAYS: u32 = 30;
pub const DAILY_COUNTS_MAX_DAYS: u32 = 366;

/// One prediction a signed-in user made: who is implied (only they see it), when, the
/// passenger, the model and its answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    pub id: i64,
    pub made_at: DateTime<Utc>,
    pub passenger: Passenger,
    pub model_id: Uuid,
    pub model_name: String,
    pub algorithm: Algorithm,
    pub prob: f64,
    pub survived: bool,
}

/// A page of the history, newest first. `next` is the cursor of the following page
/// (`?before=<next>`); absent on the last page. There is no total: pages are found by key,
/// never counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryPage {
    pub items: Vec<HistoryEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// The predictions of one day (UTC): by signed-in users, and anonymous.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DailyPredictions {
    pub day: NaiveDate,
    pub signed_in: i64,
    pub anonymous: i64,
}
