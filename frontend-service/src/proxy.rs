//! Forwards `/api/*` to the backend, so the browser talks to one origin.

use crate::error::ApiError;
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::uri::PathAndQuery;
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::response::Response;
use lifeboat_service_kit::forwarded::{self, TrustedProxies};
use lifeboat_service_kit::limits::Limits;
use lifeboat_service_kit::upstream::{Upstream, UpstreamError};
use std::net::{IpAddr, SocketAddr};

/// Headers that describe one connection, not the request, so they are never forwarded.
const HOP_BY_HOP: [HeaderName; 8] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    header::PROXY_AUTHENTICATE,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
];
const X_FORWARDED_FOR: HeaderName = HeaderName::from_static(forwarded::X_FORWARDED_FOR);

/// What the forwarder needs: the backend, and whose `X-Forwarded-For` to believe. (Its own
/// state: a request clones what its handler's state holds, and this is the hot path.)
#[derive(Debug, Clone)]
pub struct Forwarder {
    pub backend: Upstream,
    pub trusted_proxies: TrustedProxies,
    /// The body limits: the edge's, so a body the edge let in is forwarded whole.
    pub limits: Limits,
}

/// Sends the request on to the backend unchanged (but for hop-by-hop headers and `Host`),
/// with `X-Forwarded-For` set to the caller's address alone — the peer, or, behind a trusted
/// proxy, the address that proxy names — and returns the backend's answer.
pub async fn forward(
    State(Forwarder {
        backend,
        trusted_proxies,
        limits,
    }): State<Forwarder>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Result<Response, ApiError> {
    let (mut parts, body) = request.into_parts();
    let body = to_bytes(body, limits.body_limit(parts.uri.path()))
        .await
        .map_err(|_| ApiError::PayloadTooLarge)?;
    let path = parts
        .uri
        .path_and_query()
        .cloned()
        .unwrap_or_else(|| PathAndQuery::from_static("/"));

    strip_hop_by_hop(&mut parts.headers);
    // The client sets `Host` from the backend's address.
    parts.headers.remove(header::HOST);
    let said = parts
        .headers
        .get(&X_FORWARDED_FOR)
        .and_then(|v| v.to_str().ok());
    let client = trusted_proxies.client(peer.ip(), said);
    set_forwarded_for(&mut parts.headers, client);
    parts.uri = backend.uri(path);
    parts.version = axum::http::Version::HTTP_11;
    parts.extensions.clear();

    // The answer's body is passed on as it arrives (a CSV export can be long), with its
    // `Content-Length` when the backend gave one.
    let mut answer = backend
        .send_streaming(Request::from_parts(parts, Body::from(body)))
        .await
        .map_err(|e| match e {
            UpstreamError::Timeout(_) => ApiError::BackendTimeout,
            other => ApiError::BackendUnavailable(other.to_string()),
        })?;
    strip_hop_by_hop(answer.headers_mut());
    Ok(answer)
}

fn strip_hop_by_hop(headers: &mut HeaderMap) {
    for name in &HOP_BY_HOP {
        headers.remove(name);
    }
}

fn set_forwarded_for(headers: &mut HeaderMap, client: IpAddr) {
    if let Ok(value) = HeaderValue::from_str(&client.to_string()) {
        headers.insert(X_FORWARDED_FOR, value);
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn hop_by_hop_headers_are_dropped_and_the_rest_kept() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer x"));
        strip_hop_by_hop(&mut headers);
        assert!(headers.get(header::CONNECTION).is_none());
        assert_eq!(headers[header::AUTHORIZATION], "Bearer x");
    }

    #[test]
    fn x_forwarded_for_is_replaced_by_the_one_client_address() {
        let mut headers = HeaderMap::new();
        headers.insert(X_FORWARDED_FOR, HeaderValue::from_static("203.0.113.66"));
        set_forwarded_for(&mut headers, "10.0.0.7".parse().unwrap());
        assert_eq!(headers[&X_FORWARDED_FOR], "10.0.0.7");
        assert_eq!(headers.get_all(&X_FORWARDED_FOR).iter().count(), 1);
    }
}
