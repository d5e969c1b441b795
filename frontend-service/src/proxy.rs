//! Forwards `/api/*` to the backend, so the browser talks to one origin.

use crate::error::ApiError;
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::response::Response;
use std::net::SocketAddr;

/// Largest request body forwarded; API bodies are small JSON documents.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

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

/// The backend's address and a pooled client to reach it.
#[derive(Debug, Clone)]
pub struct Backend {
    pub client: reqwest::Client,
    pub base_url: String,
}

/// Sends the request on to the backend unchanged (but for hop-by-hop headers and `Host`),
/// adding the caller's address to `X-Forwarded-For`, and returns the backend's answer.
pub async fn forward(
    State(backend): State<Backend>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Result<Response, ApiError> {
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| ApiError::PayloadTooLarge)?;
    let path = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());

    let mut headers = without_hop_by_hop(&parts.headers);
    headers.remove(header::HOST);
    append_forwarded_for(&mut headers, peer);

    let answer = backend
        .client
        .request(parts.method, format!("{}{path}", backend.base_url))
        .headers(headers)
        .body(body)
        .send()
        .await
        .map_err(|e| {
            if e.is_timeout() {
                ApiError::BackendTimeout
            } else {
                ApiError::BackendUnavailable(e.to_string())
            }
        })?;

    let status = answer.status();
    let headers = without_hop_by_hop(answer.headers());
    let bytes = answer.bytes().await.map_err(|e| {
        if e.is_timeout() {
            ApiError::BackendTimeout
        } else {
            ApiError::BackendUnavailable(e.to_string())
        }
    })?;
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response.headers_mut().remove(header::CONTENT_LENGTH);
    Ok(response)
}

fn without_hop_by_hop(headers: &HeaderMap) -> HeaderMap {
    let mut kept = headers.clone();
    for name in &HOP_BY_HOP {
        kept.remove(name);
    }
    kept
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
        let kept = without_hop_by_hop(&headers);
        assert!(kept.get(header::CONNECTION).is_none());
        assert_eq!(kept[header::AUTHORIZATION], "Bearer x");
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
