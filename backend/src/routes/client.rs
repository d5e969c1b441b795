//! The caller's address, for per-client limits.

use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use lifeboat_service_kit::forwarded::X_FORWARDED_FOR;
use std::convert::Infallible;
use std::net::SocketAddr;

/// The client's IP address. `X-Forwarded-For` is believed only from the web port: on the
/// Unix socket (which only the services on this host reach; the web port sets the header to
/// the one client address), and over TCP from the `TRUSTED_PROXIES` alone. Anyone else is
/// the peer of their connection, whatever header they send.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let forwarded = parts
            .headers
            .get(X_FORWARDED_FOR)
            .and_then(|v| v.to_str().ok());
        let client = match parts.extensions.get::<ConnectInfo<SocketAddr>>() {
            Some(ConnectInfo(peer)) => state
                .trusted_proxies
                .client(peer.ip(), forwarded)
                .to_string(),
            // The Unix socket: the web port, which names the client.
            None => forwarded
                .and_then(|v| v.rsplit(',').next())
                .map(|ip| ip.trim().to_owned())
                .filter(|ip| !ip.is_empty())
                .unwrap_or_else(|| "unknown".into()),
        };
        Ok(Self(client))
    }
}
