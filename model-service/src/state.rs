//! What the handlers share: the configuration, the loaded models and the start-up status.

use crate::config::Config;
use crate::ml::ModelArtifact;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use uuid::Uuid;

/// Cheap to clone; every handler gets one.
#[derive(Debug, Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub models: Arc<ModelStore>,
}

/// The models in memory, and why there are none when there are none.
#[derive(Debug, Default)]
pub struct ModelStore {
    inner: RwLock<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    by_id: HashMap<Uuid, Arc<ModelArtifact>>,
    default: Option<Uuid>,
    problem: Option<String>,
}

impl ModelStore {
    /// Adds a model; the newest one becomes the default.
    pub fn insert(&self, model: ModelArtifact) {
        let mut inner = self.write();
        let newer = inner
            .default
            .and_then(|id| inner.by_id.get(&id))
            .is_none_or(|current| current.created_at <= model.created_at);
        if newer {
            inner.default = Some(model.id);
        }
        inner.by_id.insert(model.id, Arc::new(model));
        metrics::gauge!("models_loaded").set(inner.by_id.len() as f64);
    }

    /// The model with `id`, or the default one.
    pub fn get(&self, id: Option<Uuid>) -> Option<Arc<ModelArtifact>> {
        let inner = self.read();
        inner.by_id.get(&id.or(inner.default)?).cloned()
    }

    /// Every loaded model, newest first.
    pub fn all(&self) -> Vec<Arc<ModelArtifact>> {
        let mut models: Vec<_> = self.read().by_id.values().cloned().collect();
        models.sort_by_key(|m| std::cmp::Reverse(m.created_at));
        models
    }

    /// How many models are loaded.
    pub fn len(&self) -> usize {
        self.read().by_id.len()
    }

    /// True when no model is loaded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Records why models may be missing (shown by `/ready`).
    pub fn set_problem(&self, problem: impl Into<String>) {
        self.write().problem = Some(problem.into());
    }

    /// Why the service is not ready, or `None` when a default model is loaded.
    pub fn not_ready_reason(&self) -> Option<String> {
        let inner = self.read();
        if inner.default.is_some() {
            return None;
        }
        Some(
            inner
                .problem
                .clone()
                .unwrap_or_else(|| "starting: loading or training the default model".into()),
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
