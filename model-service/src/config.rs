//! The model service's configuration, read from the environment (or flags).

use crate::ml::dataset::TITANIC_SHA256;
use clap::Parser;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

/// The region asked of an S3-compatible server that does not care which.
pub const DEFAULT_S3_REGION: &str = "us-east-1";

/// How to reach the bucket of `MODEL_STORE`, from the variables AWS tools use.
#[derive(Debug, Clone, clap::Args)]
pub struct S3Settings {
    /// The S3-compatible server (MinIO, Garage, Ceph…); AWS itself when unset.
    #[arg(long = "s3-endpoint", env = "AWS_ENDPOINT")]
    pub endpoint: Option<String>,
    #[arg(long = "s3-region", env = "AWS_REGION", default_value = DEFAULT_S3_REGION)]
    pub region: String,
    #[arg(long = "s3-access-key-id", env = "AWS_ACCESS_KEY_ID")]
    pub access_key_id: Option<String>,
    /// A file holding the access key id (a Swarm secret), read when the id is not given.
    #[arg(long = "s3-access-key-id-file", env = "AWS_ACCESS_KEY_ID_FILE")]
    pub access_key_id_file: Option<PathBuf>,
    #[arg(
        long = "s3-secret-access-key",
        env = "AWS_SECRET_ACCESS_KEY",
        hide_env_values = true
    )]
    pub secret_access_key: Option<String>,
    /// A file holding the secret key (a Swarm secret), read when the key is not given.
    #[arg(long = "s3-secret-access-key-file", env = "AWS_SECRET_ACCESS_KEY_FILE")]
    pub secret_access_key_file: Option<PathBuf>,
    /// Allow `http://` endpoints (a server on the same private network, or a test server).
    #[arg(
        long = "s3-allow-http",
        env = "AWS_ALLOW_HTTP",
        default_value_t = false
    )]
    pub allow_http: bool,
}

impl Default for S3Settings {
    fn default() -> Self {
        Self {
            endpoint: None,
            region: DEFAULT_S3_REGION.to_owned(),
            access_key_id: None,
            access_key_id_file: None,
            secret_access_key: None,
            secret_access_key_file: None,
            allow_http: false,
        }
    }
}

/// Everything the model service can be told. See `.env.example`.
#[derive(Debug, Clone, Parser)]
#[command(name = "lifeboat-model-service", version, about)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "MODEL_SERVICE_HOST", default_value_t = IpAddr::V4(Ipv4Addr::UNSPECIFIED))]
    pub host: IpAddr,
    /// Port to listen on (0 picks a free one).
    #[arg(long, env = "MODEL_SERVICE_PORT", default_value_t = 8001)]
    pub port: u16,
    /// A Unix socket to listen on as well, for the backend on the same host
    /// (`MODEL_SERVICE_URL=unix:/path`); none by default.
    #[arg(long, env = "MODEL_SERVICE_SOCKET")]
    pub socket: Option<PathBuf>,
    /// The training set, read when a file is there (a mounted folder, or the copy an earlier
    /// version downloaded); otherwise the copy built into the service is used.
    #[arg(long, env = "DATASET_PATH", default_value = "/data/titanic.csv")]
    pub dataset_path: PathBuf,
    /// The sha256 the training set must have.
    #[arg(long, env = "DATASET_SHA256", default_value = TITANIC_SHA256)]
    pub dataset_sha256: String,
    /// Folder holding the model artifacts, unless `model_store` names a bucket.
    #[arg(long, env = "MODEL_DIR", default_value = "/models")]
    pub model_dir: PathBuf,
    /// An S3-compatible bucket for the artifacts instead of the folder, shared by every
    /// replica: `s3://bucket` or `s3://bucket/prefix`, reached as `s3` says.
    #[arg(long, env = "MODEL_STORE")]
    pub model_store: Option<String>,
    #[command(flatten)]
    pub s3: S3Settings,
    /// How many models may train at once; more training requests get 429.
    #[arg(long, env = "TRAINING_SLOTS", default_value_t = 1)]
    pub training_slots: usize,
}

impl Config {
    /// `MODEL_STORE`, unless unset or empty (compose passes `${MODEL_STORE:-}`).
    pub fn model_store(&self) -> Option<&str> {
        self.model_store.as_deref().filter(|s| !s.is_empty())
    }
}
