//! The frontend service's configuration, read from the environment (or flags).

use axum::http::HeaderValue;
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
    /// Port of the monitoring listener, where `GET /metrics` is answered (0 picks a free
    /// one). The web port faces users and does not show metrics; publish this one to
    /// Prometheus alone.
    #[arg(long, env = "FRONTEND_METRICS_PORT", default_value_t = 9464)]
    pub metrics_port: u16,
    /// The built web app (index.html, the wasm bundle, styles).
    #[arg(long, env = "STATIC_DIR", default_value = "frontend/dist")]
    pub static_dir: PathBuf,
    /// Base URL of the backend that `/api/*` is forwarded to: `http://host:port`, or
    /// `unix:/path` for the Unix socket of one on the same host.
    #[arg(long, env = "BACKEND_URL", default_value = "http://localhost:8000")]
    pub backend_url: String,
    /// How long a forwarded request may take, in milliseconds.
    #[arg(long, env = "BACKEND_TIMEOUT_MS", default_value_t = 15_000)]
    pub backend_timeout_ms: u64,
    /// Other origins whose pages may call the API from a browser (CORS), comma-separated,
    /// such as `https://admin.example.com`. Empty (the default): only pages served from
    /// this origin may.
    #[arg(long, env = "CORS_ALLOWED_ORIGINS", default_value = "")]
    pub cors_allowed_origins: String,
    /// The reverse proxies in front of the web port (IPs or CIDR blocks, comma-separated)
    /// whose `X-Forwarded-For` names the client. Empty (the default): the client is the
    /// connection's peer, and any `X-Forwarded-For` it sends is replaced.
    #[arg(long, env = "TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,
}

impl Config {
    pub fn backend_timeout(&self) -> Duration {
        Duration::from_millis(self.backend_timeout_ms)
    }

    /// The parsed `CORS_ALLOWED_ORIGINS`.
    pub fn cors_allowed_origins(&self) -> anyhow::Result<Vec<HeaderValue>> {
        self.cors_allowed_origins
            .split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(|origin| {
                let origin = origin.trim_end_matches('/');
                let host = origin
                    .strip_prefix("https://")
                    .or_else(|| origin.strip_prefix("http://"));
                match host {
                    Some(host) if !host.is_empty() && !host.contains(['/', '*', ' ']) => {
                        Ok(HeaderValue::from_str(origin)?)
                    }
                    _ => anyhow::bail!(
                        "CORS_ALLOWED_ORIGINS: {origin:?} is not an origin such as https://example.com"
                    ),
                }
            })
            .collect()
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    fn origins(value: &str) -> anyhow::Result<Vec<HeaderValue>> {
        Config::try_parse_from(["lifeboat-frontend-service", "--cors-allowed-origins", value])
            .unwrap()
            .cors_allowed_origins()
    }

    #[test]
    fn cors_origins_are_read_from_a_comma_separated_list() {
        assert!(origins("").unwrap().is_empty());
        assert_eq!(
            origins("https://a.example, http://b.example:8080/").unwrap(),
            ["https://a.example", "http://b.example:8080"]
        );
    }

    #[test]
    fn anything_but_an_origin_is_refused_at_start_up() {
        for bad in [
            "*",
            "a.example",
            "https://a.example/path",
            "https://",
            "ftp://a",
        ] {
            assert!(origins(bad).is_err(), "{bad} was accepted");
        }
    }
}
