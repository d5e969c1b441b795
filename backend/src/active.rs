//! Which model answers a prediction that names none: the active random forest, else any
//! active model. Read from the registry at most every few seconds, not once per request.

use crate::db::models;
use crate::error::ApiError;
use lifeboat_api_types::Algorithm;
use sqlx::PgPool;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long a read of the active models is trusted. Changes made through this process
/// invalidate it at once; this bounds how stale another process's changes can look.
const FRESH_FOR: Duration = Duration::from_secs(5);

/// The active model of each algorithm that has one.
pub type Active = Vec<(Algorithm, Uuid)>;

#[derive(Debug, Default)]
pub struct ActiveModels {
    cache: RwLock<Cache>,
    /// Whether a re-read of a stale cache is under way, so that only one is.
    refreshing: AtomicBool,
    /// What the `active_model` gauge says, so a model no longer active is set back to 0.
    published: Mutex<Active>,
}

#[derive(Debug, Default)]
struct Cache {
    /// When the registry was read, and what it said.
    read: Option<(Instant, Active)>,
    /// Counts the invalidations, so that a read which started before one is not kept.
    generation: u64,
}

impl ActiveModels {
    /// The model that answers predictions naming no model, or `None` when none is active.
    ///
    /// A read older than [`FRESH_FOR`] still answers while one task reads the registry
    /// again: predictions never wait for that query, and a busy moment does not send one
    /// query per prediction to the database. Only an invalidated (or first) read is waited
    /// for.
    pub async fn default_model(self: &Arc<Self>, db: &PgPool) -> sqlx::Result<Option<Uuid>> {
        Ok(pick(&self.all(db).await?))
    }

    /// The model `asked` for, or the default model when none is: the choice every
    /// prediction path makes. [`ApiError::NoActiveModel`] when there is none to fall back on.
    pub async fn asked_or_default(
        self: &Arc<Self>,
        db: &PgPool,
        asked: Option<Uuid>,
    ) -> Result<Uuid, ApiError> {
        match asked {
            Some(id) => Ok(id),
            None => self.default_model(db).await?.ok_or(ApiError::NoActiveModel),
        }
    }

    /// The active model of each algorithm, read as [`ActiveModels::default_model`] says.
    pub async fn all(self: &Arc<Self>, db: &PgPool) -> sqlx::Result<Active> {
        let cached = self.cache().read.clone();
        match cached {
            Some((at, active)) => {
                if at.elapsed() >= FRESH_FOR {
                    self.refresh_in_background(db);
                }
                Ok(active)
            }
            None => self.refresh(db).await,
        }
    }

    /// Reads the registry again on a task of its own, unless one already does.
    fn refresh_in_background(self: &Arc<Self>, db: &PgPool) {
        if self.refreshing.swap(true, Ordering::AcqRel) {
            return;
        }
        let (this, db) = (Arc::clone(self), db.clone());
        tokio::spawn(async move {
            if let Err(error) = this.refresh(&db).await {
                tracing::warn!(%error, "cannot read the active models; the last read answers");
            }
            this.refreshing.store(false, Ordering::Release);
        });
    }

    /// Reads the registry, caches what it says and publishes it as the `active_model`
    /// gauge, unless the cache was invalidated meanwhile (the read may predate the change).
    pub async fn refresh(&self, db: &PgPool) -> sqlx::Result<Active> {
        let generation = self.cache().generation;
        let mut conn = db.acquire().await?;
        let active = models::active(&mut conn).await?;
        let mut cache = self.cache_mut();
        if cache.generation == generation {
            cache.read = Some((Instant::now(), active.clone()));
            self.publish(&active);
        }
        Ok(active)
    }

    /// Forgets the cached read (after an activation or a deletion).
    pub fn invalidate(&self) {
        let mut cache = self.cache_mut();
        cache.generation += 1;
        cache.read = None;
    }

    fn cache(&self) -> RwLockReadGuard<'_, Cache> {
        self.cache.read().unwrap_or_else(|p| p.into_inner())
    }

    fn cache_mut(&self) -> RwLockWriteGuard<'_, Cache> {
        self.cache.write().unwrap_or_else(|p| p.into_inner())
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
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;
    use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

    #[test]
    fn the_active_forest_is_preferred_and_any_active_model_is_the_fallback() {
        let (forest, svm) = (Uuid::new_v4(), Uuid::new_v4());
        let both = [(Algorithm::Svm, svm), (Algorithm::RandomForest, forest)];
        assert_eq!(pick(&both), Some(forest));
        assert_eq!(pick(&both[..1]), Some(svm));
        assert_eq!(pick(&[]), None);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_stale_read_answers_at_once_while_one_task_reads_the_registry_again(db: PgPool) {
        let active = Arc::new(ActiveModels::default());
        let forest = Uuid::new_v4();
        let long_ago = Instant::now().checked_sub(FRESH_FOR * 2).unwrap();
        active.cache_mut().read = Some((long_ago, vec![(Algorithm::RandomForest, forest)]));

        // The registry (empty) is not waited for: the last read answers.
        assert_eq!(active.default_model(&db).await.unwrap(), Some(forest));
        // Meanwhile one task has read it again, and its answer is the one kept.
        for _ in 0..100 {
            if active.default_model(&db).await.unwrap().is_none() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the stale read was never replaced");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_read_that_started_before_an_invalidation_is_not_kept(
        options: PgPoolOptions,
        connect: PgConnectOptions,
    ) {
        let db = options
            .max_connections(1)
            .connect_with(connect)
            .await
            .unwrap();
        let active = ActiveModels::default();
        // The pool's only connection is busy: the read starts, then waits for it.
        let busy = db.acquire().await.unwrap();
        let mut read = std::pin::pin!(active.refresh(&db));
        let waiting = tokio::time::timeout(Duration::from_millis(100), &mut read).await;
        assert!(waiting.is_err(), "the read did not wait for the connection");

        active.invalidate();
        drop(busy);
        read.await.unwrap();
        assert!(
            active.cache().read.is_none(),
            "a read from before the invalidation was cached"
        );
    }
}
