//! Forwards `/api/*` to the backend, so the browser talks to one origin.

use crate::error::ApiError;
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::uri::PathAndQuery;
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::response::Response;
use lifeboat_service_kit::upstream::{Upstream, UpstreamError};
use std::net::SocketAddr;

/// Largest request body forwarded; API bodies are small JSON documents (the backend takes
/// the same at most).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

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
const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// Sends the request on to the backend unchanged (but for hop-by-hop headers and `Host`),
/// adding the caller's address to `X-Forwarded-For`, and returns the backend's answer.
pub async fn forward(
    State(backend): State<Upstream>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Result<Response, ApiError> {
    let (mut parts, body) = request.into_parts();
    let body = to_bytes(body, MAX_BODY_BYTES)
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
    append_forwarded_for(&mut parts.headers, peer);
    parts.uri = backend.uri(path);
    parts.version = axum::http::Version::HTTP_11;
    parts.extensions.clear();

    let answer = backend
        .send(Request::from_parts(parts, Body::from(body)))
        .await
        .map_err(|e| match e {
            UpstreamError::Timeout(_) => ApiError::BackendTimeout,
            other => ApiError::BackendUnavailable(other.to_string()),
        })?;

    let mut head = answer.head;
    strip_hop_by_hop(&mut head.headers);
    // Set again from the body below.
    head.headers.remove(header::CONTENT_LENGTH);
    Ok(Response::from_parts(head, Body::from(answer.body)))
}

fn strip_hop_by_hop(headers: &mut HeaderMap) {
    for name in &HOP_BY_HOP {
        headers.remove(name);
    }
}

fn append_forwarded_for(headers: &mut HeaderMap, peer: SocketAddr) {
    let ip = peer.ip().to_string();
    let value = match headers.get(&X_FORWARDED_FOR).and_then(|v| v.to_str().ok()) {
        Some(earlier) => format!("{earlier}, {ip}"),
        None => ip,
    };
    if let Ok(value) = HeaderValue::from_str(&value) {
        headers.insert(X_FORWARDED_FOR, value);
    }
}

#[cfg(test)]
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
    fn the_caller_is_appended_to_x_forwarded_for() {
        let mut headers = HeaderMap::new();
        append_forwarded_for(&mut headers, "10.0.0.7:5000".parse().unwrap());
        assert_eq!(headers[&X_FORWARDED_FOR], "10.0.0.7");
        append_forwarded_for(&mut headers, "127.0.0.1:1".parse().unwrap());
        assert_eq!(headers[&X_FORWARDED_FOR], "10.0.0.7, 127.0.0.1");
    }
}
