//! What every service refuses at its edge, and the headers every answer carries (applied by
//! [`crate::edge::EdgeLayer`]).
//!
//! - request headers larger than [`Limits::max_header_bytes`]: 431;
//! - more than [`Limits::max_in_flight`] requests at once: 503 with `Retry-After` at once,
//!   rather than an unbounded queue;
//! - a request not answered within [`Limits::request_timeout`]: 503, never a hang;
//! - a body larger than [`Limits::max_body_bytes`]: 413;
//! - every such refusal, and any other error answer without a body of ours (an unknown
//!   path, a wrong method), gets our JSON [`ErrorBody`];
//! - `X-Content-Type-Options`, `X-Frame-Options`, `Referrer-Policy` and a
//!   `Content-Security-Policy` that allows nothing (an API answer is never a page), unless
//!   the route set its own.

use crate::error_response;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lifeboat_api_types::{ErrorBody, too_large_message};
use std::time::Duration;

/// A service's limits. [`Limits::default`] suits a JSON API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Largest total size of the request headers (names, values, separators), in bytes.
    pub max_header_bytes: usize,
    /// Most requests handled at once; more are refused with 503.
    pub max_in_flight: usize,
    /// Longest a request may take before it is answered 503.
    pub request_timeout: Duration,
    /// The routes that take files, each with its own largest body (path, bytes).
    pub uploads: &'static [(&'static str, usize)],
}

/// The one route that takes a file, `POST /api/inference/file` (and its deprecated alias),
/// up to 2 MiB.
pub const UPLOADS: &[(&str, usize)] = &[
    (
        lifeboat_api_types::BATCH_FILE_PATH,
        lifeboat_api_types::BATCH_FILE_MAX_BYTES,
    ),
    (
        lifeboat_api_types::BATCH_FILE_OLD_PATH,
        lifeboat_api_types::BATCH_FILE_MAX_BYTES,
    ),
];

impl Limits {
    /// The largest body a request to `path` may have.
    pub fn body_limit(&self, path: &str) -> usize {
        self.uploads
            .iter()
            .find(|(upload, _)| *upload == path)
            .map_or(self.max_body_bytes, |&(_, bytes)| bytes)
    }
}

/// 413 saying how large a body may be.
pub fn too_large(limit: usize) -> Response {
    error_response(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorBody::new("payload_too_large", too_large_message(limit)),
    )
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            // Our largest JSON document (a sign-up, a training request) is under 1 KiB.
            max_body_bytes: 64 * 1024,
            max_header_bytes: 16 * 1024,
            max_in_flight: 1024,
            request_timeout: Duration::from_secs(10),
            uploads: UPLOADS,
        }
    }
}

/// `Content-Security-Policy` of an API answer: nothing may load, nothing may frame it.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// Every answer's security headers (a route's own value wins).
pub(crate) const SECURITY_HEADERS: [(HeaderName, HeaderValue); 4] = [
    (
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ),
    (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
    (
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    ),
    (
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(API_CSP),
    ),
];

/// The size of `headers` as they came over the wire (`name: value\r\n` each).
pub(crate) fn header_bytes(headers: &HeaderMap) -> usize {
    headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum()
}

/// 503 with `Retry-After: 1`: too many requests in flight.
pub(crate) fn overloaded() -> Response {
    let mut response = error_response(
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorBody::new(
            "overloaded",
            "the service is at capacity; try again in a moment",
        ),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// Gives an error answer that has no JSON body of ours (one made by a layer or by the
/// router itself) the [`ErrorBody`] for its status, keeping its other headers.
pub(crate) fn with_error_body(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (code, message) = match status {
        StatusCode::NOT_FOUND => ("not_found", "no such resource"),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "method not allowed here"),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "the request body is too large"),
        StatusCode::SERVICE_UNAVAILABLE => (
            "timeout",
            "the request took too long to answer; try again shortly",
        ),
        s if s.is_client_error() => ("bad_request", "the request cannot be handled"),
        _ => ("internal_error", "something went wrong on our side"),
    };
    let (mut parts, _) = response.into_parts();
    let fresh = error_response(status, ErrorBody::new(code, message));
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let (_, body) = fresh.into_parts();
    Response::from_parts(parts, body).into_response()
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;
    use crate::edge::EdgeLayer;
    use axum::Router;
    use axum::body::{Body, Bytes, to_bytes};
    use axum::extract::Request;
    use axum::routing::{get, post};
    use std::sync::Arc;
    use tokio::sync::Notify;
    use tower::ServiceExt;

    fn limits() -> Limits {
        Limits {
            max_body_bytes: 100,
            max_header_bytes: 200,
            max_in_flight: 1,
            request_timeout: Duration::from_millis(300),
            uploads: &[("/upload", 1000)],
        }
    }

    async fn body_of(response: Response) -> ErrorBody {
        let bytes = to_bytes(response.into_body(), 10_000).await.unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    fn app(limits: Limits) -> Router {
        Router::new()
            .route("/echo", post(|body: Bytes| async move { body }))
            .route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    "late"
                }),
            )
            .layer(EdgeLayer::new(limits))
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_refused_413_with_our_error_body() {
        let request = Request::post("/echo")
            .body(Body::from(vec![b'x'; 101]))
            .unwrap();
        let response = app(limits()).oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(body_of(response).await.error, "payload_too_large");

        let request = Request::post("/echo")
            .body(Body::from(vec![b'x'; 100]))
            .unwrap();
        let response = app(limits()).oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }

    #[tokio::test]
    async fn an_upload_route_takes_its_own_larger_body_and_says_its_limit_past_it() {
        let app = || {
            Router::new()
                .route("/upload", post(|body: Bytes| async move { body }))
                .layer(EdgeLayer::new(limits()))
        };
        let request = Request::post("/upload")
            .body(Body::from(vec![b'x'; 1000]))
            .unwrap();
        assert_eq!(
            app().oneshot(request).await.unwrap().status(),
            StatusCode::OK
        );

        let request = Request::post("/upload")
            .header(header::CONTENT_LENGTH, "1001")
            .body(Body::from(vec![b'x'; 1001]))
            .unwrap();
        let response = app().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let body = body_of(response).await;
        assert_eq!(body.error, "payload_too_large");
        assert_eq!(
            body.message,
            "the request body is larger than the 1000 bytes this route takes"
        );
    }

    #[tokio::test]
    async fn a_request_slower_than_the_timeout_is_answered_503_instead_of_hanging() {
        let request = Request::get("/slow").body(Body::empty()).unwrap();
        let response = tokio::time::timeout(Duration::from_secs(5), app(limits()).oneshot(request))
            .await
            .expect("answered within the timeout")
            .unwrap();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body_of(response).await.error, "timeout");
    }

    #[tokio::test]
    async fn headers_over_the_limit_are_refused_431() {
        let request = Request::post("/echo")
            .header("x-padding", "p".repeat(300))
            .body(Body::empty())
            .unwrap();
        let response = app(limits()).oneshot(request).await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
        );
        assert_eq!(body_of(response).await.error, "headers_too_large");
    }

    #[tokio::test]
    async fn past_the_in_flight_limit_a_request_is_refused_503_at_once_with_retry_after() {
        let started = Arc::new(Notify::new());
        let release = Arc::new(Notify::new());
        let (s, r) = (Arc::clone(&started), Arc::clone(&release));
        let app = Router::new()
            .route(
                "/hold",
                get(move || {
                    let (s, r) = (Arc::clone(&s), Arc::clone(&r));
                    async move {
                        s.notify_one();
                        r.notified().await;
                        "done"
                    }
                }),
            )
            .layer(EdgeLayer::new(limits()));
        let held = tokio::spawn(
            app.clone()
                .oneshot(Request::get("/hold").body(Body::empty()).unwrap()),
        );
        started.notified().await;

        let refused = app
            .clone()
            .oneshot(Request::get("/hold").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(refused.headers()[header::RETRY_AFTER], "1");
        assert_eq!(body_of(refused).await.error, "overloaded");

        release.notify_one();
        assert_eq!(held.await.unwrap().unwrap().status(), StatusCode::OK);
    }

    #[tokio::test]
    async fn an_unknown_path_or_method_answers_our_json_error_body() {
        let response = app(Limits::default())
            .oneshot(Request::get("/nowhere").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(body_of(response).await.error, "not_found");

        let response = app(Limits::default())
            .oneshot(Request::get("/echo").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert!(response.headers().contains_key(header::ALLOW));
        assert_eq!(body_of(response).await.error, "method_not_allowed");
    }

    #[tokio::test]
    async fn every_answer_carries_the_security_headers_and_a_routes_own_policy_wins() {
        let app = Router::new()
            .route("/", get(|| async { "ok" }))
            .route(
                "/page",
                get(|| async {
                    (
                        [(header::CONTENT_SECURITY_POLICY, "default-src 'self'")],
                        "page",
                    )
                }),
            )
            .layer(EdgeLayer::new(Limits::default()));
        let response = app
            .clone()
            .oneshot(Request::get("/").body(Body::empty()).unwrap())
            .await
            .unwrap();
        let headers = response.headers();
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
        assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
        assert_eq!(headers[header::CONTENT_SECURITY_POLICY], API_CSP);

        let response = app
            .oneshot(Request::get("/page").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(
            response.headers()[header::CONTENT_SECURITY_POLICY],
            "default-src 'self'"
        );
    }
}
