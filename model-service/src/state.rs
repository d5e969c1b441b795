//! What the handlers share: the configuration, the artifact store, the loaded models, the
//! data set, and the bound on concurrent trainings.

use crate::config::Config;
use crate::ml::artifact_store::{ArtifactStore, StoreError};
use crate::ml::rows::training_records;
use crate::ml::what_if::Grid;
use crate::ml::{Dataset, ModelArtifact};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};
use std::time::Instant;
use tokio::sync::Semaphore;
use uuid::Uuid;

/// Cheap to clone; every handler gets one.
#[derive(Debug, Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    /// The folder or bucket the artifacts are kept in, shared by every replica.
    pub store: ArtifactStore,
    pub loaded: Arc<Loaded>,
    /// One permit per training allowed to run at once; none left means 429.
    pub training_slots: Arc<Semaphore>,
    /// One permit per explanation or what-if computed at once, one per core: they run on
    /// the blocking pool, and more at once would only queue there.
    pub explain_slots: Arc<Semaphore>,
}

impl AppState {
    /// The model with `id`: from memory, else from the artifact store (trained by another replica),
    /// checked and kept in memory from then on. `Ok(None)` when the artifact store has none either.
    pub async fn model(&self, id: Uuid) -> Result<Option<Arc<LoadedModel>>, StoreError> {
        if let Some(model) = self.loaded.get(id) {
            return Ok(Some(model));
        }
        let Some((artifact, sha256)) = self.store.load(id).await? else {
            return Ok(None);
        };
        tracing::info!(model_id = %id, "model loaded from the artifact store on first use");
        self.loaded.insert(artifact, sha256);
        Ok(self.loaded.get(id))
    }
}

/// A model in memory with the sha256 of its artifact.
#[derive(Debug)]
pub struct LoadedModel {
    pub artifact: ModelArtifact,
    pub sha256: String,
    /// When it was put in memory: a listing of the artifact store older than this may not show it.
    pub loaded_at: Instant,
}

/// What this replica has loaded: the models in memory, the data set, and why the service is
/// not ready when it is not. (The artifact files themselves are the [`ArtifactStore`]'s.)
#[derive(Debug, Default)]
pub struct Loaded {
    inner: RwLock<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    by_id: HashMap<Uuid, Arc<LoadedModel>>,
    dataset: Option<Arc<Dataset>>,
    /// What the what-if search knows of the training rows of `dataset`.
    grid: Option<Arc<Grid>>,
    problem: Option<String>,
}

impl Loaded {
    /// Adds (or replaces) a model.
    pub fn insert(&self, mut artifact: ModelArtifact, sha256: String) {
        let dataset = self.dataset();
        if let Some(dataset) = dataset.as_deref() {
            artifact.complete_for_explanations(dataset);
        }
        let mut inner = self.write();
        let model = Arc::new(LoadedModel {
            artifact,
            sha256,
            loaded_at: Instant::now(),
        });
        inner.by_id.insert(model.artifact.id, model);
        inner.refresh();
    }

    /// Forgets the models loaded before `listed_at` whose artifact is not in `present` (a
    /// listing of the artifact store begun at `listed_at`): another replica deleted them. Returns
    /// their ids.
    pub fn keep_only(&self, present: &HashSet<Uuid>, listed_at: Instant) -> Vec<Uuid> {
        let mut inner = self.write();
        let gone: Vec<Uuid> = inner
            .by_id
            .values()
            .filter(|m| m.loaded_at < listed_at && !present.contains(&m.artifact.id))
            .map(|m| m.artifact.id)
            .collect();
        for id in &gone {
            inner.by_id.remove(id);
        }
        inner.refresh();
        gone
    }

    /// Whether model `id` is in memory.
    pub fn has(&self, id: Uuid) -> bool {
        self.read().by_id.contains_key(&id)
    }

    /// Forgets model `id`; returns whether it was loaded.
    pub fn remove(&self, id: Uuid) -> bool {
        let mut inner = self.write();
        let removed = inner.by_id.remove(&id).is_some();
        inner.refresh();
        removed
    }

    /// The model with `id`. There is no default: which model answers is the backend's
    /// choice alone.
    pub fn get(&self, id: Uuid) -> Option<Arc<LoadedModel>> {
        self.read().by_id.get(&id).cloned()
    }

    /// Every loaded model, newest first.
    pub fn all(&self) -> Vec<Arc<LoadedModel>> {
        let mut models: Vec<_> = self.read().by_id.values().cloned().collect();
        models.sort_by_key(|m| std::cmp::Reverse(m.artifact.created_at));
        models
    }

    /// Keeps the data set new models are trained on; the service is ready from then on.
    /// Models saved before explanations existed get what those need from its training rows.
    pub fn set_dataset(&self, dataset: Dataset) {
        let grid = Grid::fit(&training_records(&dataset));
        let mut inner = self.write();
        for model in inner.by_id.values_mut() {
            if !model.artifact.explainable() {
                let mut artifact = model.artifact.clone();
                if artifact.complete_for_explanations(&dataset) {
                    *model = Arc::new(LoadedModel {
                        artifact,
                        sha256: model.sha256.clone(),
                        loaded_at: model.loaded_at,
                    });
                }
            }
        }
        inner.dataset = Some(Arc::new(dataset));
        inner.grid = Some(Arc::new(grid));
        inner.problem = None;
        inner.refresh();
        metrics::gauge!("model_service_ready").set(1.0);
    }

    /// The what-if grid of the training rows, once the data set is loaded.
    pub fn grid(&self) -> Option<Arc<Grid>> {
        self.read().grid.clone()
    }

    /// The training data set, once loaded.
    pub fn dataset(&self) -> Option<Arc<Dataset>> {
        self.read().dataset.clone()
    }

    /// Records why the data set is missing (shown by `/ready`).
    pub fn set_problem(&self, problem: impl Into<String>) {
        self.write().problem = Some(problem.into());
        metrics::gauge!("model_service_ready").set(0.0);
    }

    /// Why the service is not ready (cannot train), or `None` when it is.
    pub fn not_ready_reason(&self) -> Option<String> {
        let inner = self.read();
        if inner.dataset.is_some() {
            return None;
        }
        Some(
            inner
                .problem
                .clone()
                .unwrap_or_else(|| "starting: loading the saved models and the data set".into()),
        )
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Inner> {
        self.inner
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Inner> {
        self.inner
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Inner {
    /// Recomputes the default model and the gauges after a change.
    fn refresh(&mut self) {
        metrics::gauge!("models_loaded").set(self.by_id.len() as f64);
    }
}
