//! Where model artifacts are kept: a local folder (`MODEL_DIR`, the default) or an
//! S3-compatible bucket (`MODEL_STORE=s3://bucket/prefix`), both through the `object_store`
//! crate, so every model-service replica can read what one of them trained.
//!
//! A write is atomic — a rename in the folder, a single PUT in a bucket — so a reader finds
//! the whole artifact or none, and every read checks the artifact's sha256 (`artifact.rs`).
//! Objects are named `<model id>.model`.

use crate::config::S3Settings;
use crate::ml::artifact::{self, ArtifactError, EXTENSION, ModelArtifact};
use crate::ml::files::TEMP_PREFIX;
use futures_util::TryStreamExt;
use lifeboat_service_kit::secret_file::value_or_file;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ClientOptions, ObjectStore, PutPayload, RetryConfig};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// Bounds on each call to a bucket: connecting, the whole call, and retries of a failed one.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const CALL_TIMEOUT: Duration = Duration::from_secs(60);
const RETRIES: usize = 2;
const RETRY_TIMEOUT: Duration = Duration::from_secs(20);

/// Why the artifact store could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("model storage {location}: {source}")]
    Store {
        location: String,
        source: object_store::Error,
    },
    #[error(transparent)]
    Artifact(#[from] ArtifactError),
    #[error("cannot open the model folder {0}: {1}")]
    Folder(String, std::io::Error),
    #[error("{0}")]
    Config(String),
}

/// The folder or bucket holding the artifacts. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ArtifactStore {
    store: Arc<dyn ObjectStore>,
    /// Where in the store the artifacts are (empty for a folder).
    prefix: ObjectPath,
    /// The folder or URL, for logs and errors.
    location: String,
}

impl ArtifactStore {
    /// The bucket `location` when one is given (`s3://bucket/prefix`), else the folder `dir`.
    pub fn open(location: Option<&str>, s3: &S3Settings, dir: &Path) -> Result<Self, StoreError> {
        match location.map(str::trim).filter(|l| !l.is_empty()) {
            Some(url) => Self::bucket(url, s3),
            None => Self::folder(dir),
        }
    }

    /// The folder `dir`, created when missing. Temporary files an interrupted write left
    /// behind (earlier builds' `.tmp-*`, object_store's `*#*`) are removed.
    pub fn folder(dir: &Path) -> Result<Self, StoreError> {
        let location = dir.display().to_string();
        let io = |e| StoreError::Folder(location.clone(), e);
        std::fs::create_dir_all(dir).map_err(io)?;
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let entry = entry.map_err(io)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(TEMP_PREFIX) || name.contains('#') {
                std::fs::remove_file(entry.path()).map_err(io)?;
                tracing::warn!(file = name, "removed a file left by an interrupted save");
            }
        }
        let store = LocalFileSystem::new_with_prefix(dir).map_err(|source| StoreError::Store {
            location: location.clone(),
            source,
        })?;
        Ok(Self {
            store: Arc::new(store),
            prefix: ObjectPath::default(),
            location,
        })
    }

    /// The bucket at `url` (`s3://bucket` or `s3://bucket/prefix`), reached as `s3` says.
    pub fn bucket(url: &str, s3: &S3Settings) -> Result<Self, StoreError> {
        let rest = url.strip_prefix("s3://").ok_or_else(|| {
            StoreError::Config(format!(
                "MODEL_STORE must be s3://bucket[/prefix], not {url}"
            ))
        })?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(StoreError::Config(format!(
                "MODEL_STORE names no bucket: {url}"
            )));
        }
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_region(&s3.region)
            .with_client_options(
                ClientOptions::new()
                    .with_allow_http(s3.allow_http)
                    .with_connect_timeout(CONNECT_TIMEOUT)
                    .with_timeout(CALL_TIMEOUT),
            )
            .with_retry(RetryConfig {
                max_retries: RETRIES,
                retry_timeout: RETRY_TIMEOUT,
                ..RetryConfig::default()
            });
        // Empty is unset: compose passes `${AWS_ENDPOINT:-}`.
        if let Some(endpoint) = s3.endpoint.as_deref().filter(|e| !e.is_empty()) {
            builder = builder.with_endpoint(endpoint);
        }
        let secret = |value: &Option<String>, file: &Option<std::path::PathBuf>, variable| {
            value_or_file(value.as_deref(), file.as_deref(), variable)
                .map_err(|e| StoreError::Config(e.to_string()))
        };
        if let Some(id) = secret(
            &s3.access_key_id,
            &s3.access_key_id_file,
            "AWS_ACCESS_KEY_ID",
        )? {
            builder = builder.with_access_key_id(id);
        }
        let key = secret(
            &s3.secret_access_key,
            &s3.secret_access_key_file,
            "AWS_SECRET_ACCESS_KEY",
        )?;
        if let Some(key) = key {
            builder = builder.with_secret_access_key(key);
        }
        let store = builder.build().map_err(|source| StoreError::Store {
            location: url.to_owned(),
            source,
        })?;
        Ok(Self {
            store: Arc::new(store),
            prefix: ObjectPath::from(prefix),
            location: url.to_owned(),
        })
    }

    /// The folder or URL.
    pub fn location(&self) -> &str {
        &self.location
    }

    fn path_of(&self, id: Uuid) -> ObjectPath {
        self.prefix.child(artifact::file_name(id))
    }

    fn failed(&self, source: object_store::Error) -> StoreError {
        StoreError::Store {
            location: self.location.clone(),
            source,
        }
    }

    /// Writes an encoded artifact (`ModelArtifact::encode`) of model `id`; readers see it
    /// whole once this returns, and not before.
    pub async fn save(&self, id: Uuid, bytes: Vec<u8>) -> Result<(), StoreError> {
        self.store
            .put(&self.path_of(id), PutPayload::from(bytes))
            .await
            .map_err(|e| self.failed(e))?;
        Ok(())
    }

    /// Model `id`'s artifact and its sha256, checked; `None` when there is none.
    pub async fn load(&self, id: Uuid) -> Result<Option<(ModelArtifact, String)>, StoreError> {
        let path = self.path_of(id);
        let bytes = match self.store.get(&path).await {
            Ok(found) => found.bytes().await.map_err(|e| self.failed(e))?,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(self.failed(e)),
        };
        let name = format!("{}/{path}", self.location);
        let decoded = tokio::task::spawn_blocking(move || ModelArtifact::decode(&bytes, &name))
            .await
            .map_err(|e| StoreError::Config(format!("decoding an artifact panicked: {e}")))??;
        Ok(Some(decoded))
    }

    /// The ids of every artifact present.
    pub async fn ids(&self) -> Result<Vec<Uuid>, StoreError> {
        let suffix = format!(".{EXTENSION}");
        let listed: Vec<_> = self
            .store
            .list(Some(&self.prefix))
            .try_collect()
            .await
            .map_err(|e| self.failed(e))?;
        Ok(listed
            .iter()
            .filter_map(|meta| meta.location.filename()?.strip_suffix(&suffix))
            .filter_map(|id| Uuid::parse_str(id).ok())
            .collect())
    }

    /// Deletes model `id`'s artifact; `Ok(false)` when there was none.
    pub async fn remove(&self, id: Uuid) -> Result<bool, StoreError> {
        let path = self.path_of(id);
        match self.store.head(&path).await {
            Ok(_) => {}
            Err(object_store::Error::NotFound { .. }) => return Ok(false),
            Err(e) => return Err(self.failed(e)),
        }
        match self.store.delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(true),
            Err(e) => Err(self.failed(e)),
        }
    }
}
