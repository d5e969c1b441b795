//! Which model answers a prediction that names none: the active random forest, else any
//! active model. Read from the registry at most every few seconds, not once per request.

use crate::db::models;
use lifeboat_api_types::Algorithm;
use sqlx::PgPool;
use std::sync::RwLock;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long a read of the active models is trusted. Changes made through this process
/// invalidate it at once; this bounds how stale another process's changes can look.
const FRESH_FOR: Duration = Duration::from_secs(5);

/// The active model of each algorithm that has one.
type Active = Vec<(Algorithm, Uuid)>;

#[derive(Debug, Default)]
pub struct ActiveModels {
    /// When the registry was read, and what it said.
    cached: RwLock<Option<(Instant, Active)>>,
}

impl ActiveModels {
    /// The model that answers predictions naming no model, or `None` when none is active.
    pub async fn default_model(&self, db: &PgPool) -> sqlx::Result<Option<Uuid>> {
        let fresh = self
            .cached
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .filter(|(at, _)| at.elapsed() < FRESH_FOR)
            .map(|(_, active)| pick(active));
        if let Some(choice) = fresh {
            return Ok(choice);
        }
        let mut conn = db.acquire().await?;
        let active = models::active(&mut conn).await?;
        let choice = pick(&active);
        *self.cached.write().unwrap_or_else(|p| p.into_inner()) = Some((Instant::now(), active));
        Ok(choice)
    }

    /// Forgets the cached read (after an activation or a deletion).
    pub fn invalidate(&self) {
        *self.cached.write().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

fn pick(active: &[(Algorithm, Uuid)]) -> Option<Uuid> {
    active
        .iter()
        .find(|(a, _)| *a == Algorithm::RandomForest)
        .or_else(|| active.first())
        .map(|(_, id)| *id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_active_forest_is_preferred_and_any_active_model_is_the_fallback() {
        let (forest, svm) = (Uuid::new_v4(), Uuid::new_v4());
        let both = [(Algorithm::Svm, svm), (Algorithm::RandomForest, forest)];
        assert_eq!(pick(&both), Some(forest));
        assert_eq!(pick(&both[..1]), Some(svm));
        assert_eq!(pick(&[]), None);
    }
}
