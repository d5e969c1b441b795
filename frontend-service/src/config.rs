//! The frontend service's configuration, read from the environment (or flags).

use clap::Parser;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::time::Duration;

/// Everything the frontend service can be told. See `.env.example`.
#[derive(Debug, Clone, Parser)]
#[command(name = "lifeboat-frontend-service", version, about)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "FRONTEND_HOST", default_value_t = IpAddr::V4(Ipv4Addr::UNSPECIFIED))]
    pub host: IpAddr,
    /// Port to listen on (0 picks a free one).
    #[arg(long, env = "FRONTEND_PORT", default_value_t = 8080)]
    pub port: u16,
    /// The built web app (index.html, the wasm bundle, styles).
    #[arg(long, env = "STATIC_DIR", default_value = "frontend/dist")]
    pub static_dir: PathBuf,
    /// Base URL of the backend that `/api/*` is forwarded to.
    #[arg(long, env = "BACKEND_URL", default_value = "http://localhost:8000")]
    pub backend_url: String,
    /// How long a forwarded request may take, in milliseconds.
    #[arg(long, env = "BACKEND_TIMEOUT_MS", default_value_t = 15_000)]
    pub backend_timeout_ms: u64,
}

impl Config {
    pub fn backend_timeout(&self) -> Duration {
        Duration::from_millis(self.backend_timeout_ms)
    }
}
