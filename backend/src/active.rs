//! Which model answers a prediction that names none: the active random forest, else any
//! active model. Read from the registry at most every few seconds, not once per request.

use crate::db::models;
use lifeboat_api_types::Algorithm;
use sqlx::PgPool;
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long a read of the active models is trusted. Changes made through this process
/// invalidate it at once; this bounds how stale another process's changes can look.
const FRESH_FOR: Duration = Duration::from_secs(5);

/// The active model of each algorithm that has one.
pub type Active = Vec<(Algorithm, Uuid)>;

#[derive(Debug, Default)]
pub struct ActiveModels {
    /// When the registry was read, and what it said.
    cached: RwLock<Option<(Instant, Active)>>,
    /// What the `active_model` gauge says, so a model no longer active is set back to 0.
    published: Mutex<Active>,
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
        Ok(pick(&self.refresh(db).await?))
    }

    /// Reads the registry, caches what it says and publishes it as the `active_model`
    /// gauge.
    pub async fn refresh(&self, db: &PgPool) -> sqlx::Result<Active> {
        let mut conn = db.acquire().await?;
        let active = models::active(&mut conn).await?;
        self.publish(&active);
        *self.cached.write().unwrap_or_else(|p| p.into_inner()) =
            Some((Instant::now(), active.clone()));
        Ok(active)
    }

    fn publish(&self, active: &[(Algorithm, Uuid)]) {
        let mut published = self.published.lock().unwrap_or_else(|p| p.into_inner());
        for (algorithm, id) in published.iter().filter(|m| !active.contains(m)) {
            active_model_gauge(*algorithm, *id).set(0.0);
        }
        for (algorithm, id) in active {
            active_model_gauge(*algorithm, *id).set(1.0);
        }
        *published = active.to_vec();
    }

    /// Forgets the cached read (after an activation or a deletion).
    pub fn invalidate(&self) {
        *self.cached.write().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

fn active_model_gauge(algorithm: Algorithm, id: Uuid) -> metrics::Gauge {
    metrics::gauge!("active_model", "algorithm" => algorithm.as_str(), "model_id" => id.to_string())
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
