//! The model service's configuration, read from the environment (or flags).

use crate::ml::dataset::TITANIC_SHA256;
use clap::Parser;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

/// Where the public copy of the Kaggle Titanic `train.csv` is downloaded from by default.
pub const DEFAULT_DATASET_URL: &str =
    "https://raw.githubusercontent.com/datasciencedojo/datasets/master/titanic.csv";

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
    /// The training set; downloaded from `dataset_url` when missing.
    #[arg(long, env = "DATASET_PATH", default_value = "/data/titanic.csv")]
    pub dataset_path: PathBuf,
    /// Where to download the training set from when `dataset_path` is missing.
    #[arg(long, env = "DATASET_URL", default_value = DEFAULT_DATASET_URL)]
    pub dataset_url: String,
    /// The sha256 the training set must have.
    #[arg(long, env = "DATASET_SHA256", default_value = TITANIC_SHA256)]
    pub dataset_sha256: String,
    /// Folder holding the model artifacts.
    #[arg(long, env = "MODEL_DIR", default_value = "/models")]
    pub model_dir: PathBuf,
    /// How many models may train at once; more training requests get 429.
    #[arg(long, env = "TRAINING_SLOTS", default_value_t = 1)]
    pub training_slots: usize,
}
