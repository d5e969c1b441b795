//! The one layer every route of every service sits behind ([`EdgeLayer`]). In order, a
//! request:
//!
//! 1. gets its `x-request-id` (the caller's, cleaned by [`clean_request_id`], or a new UUID),
//!    and `Authorization` and cookies are marked sensitive, so no log line shows them;
//! 2. is answered inside a span that carries the id, method and path (and later the user);
//! 3. meets the [`Limits`]: headers too large (431), a body declared too large (413), too
//!    many requests in flight (503 with `Retry-After`, at once), no answer within the
//!    timeout (503); a body that turns out too large while it is read is refused 413 by
//!    whatever reads it;
//! 4. when answered: an error answer without a body of ours gets our JSON [`ErrorBody`], every
//!    answer the security headers and the request id, the access line is logged and the
//!    request counted and timed by method, matched route and status.
//!
//! All of it in one layer: why, in docs/architecture.md ("Why some infrastructure is our own").

use crate::error_response;
use crate::limits::{Limits, SECURITY_HEADERS, header_bytes, overloaded, with_error_body};
use crate::metrics::HttpSeries;
use crate::telemetry::{
    Access, NOTES, Notes, REQUEST_ID, clean_request_id, log_access, new_request_id, request_span,
};
use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use http_body_util::Limited;
use lifeboat_api_types::ErrorBody;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;
use tokio::sync::Semaphore;
use tower::{Layer, Service, ServiceExt};
use tracing::Instrument;

/// Wraps a service's routes in the steps above; `Router::layer(EdgeLayer::new(limits))`.
/// Its clones share one count of the requests in flight.
#[derive(Debug, Clone)]
pub struct EdgeLayer {
    limits: Limits,
    in_flight: Arc<Semaphore>,
}

impl EdgeLayer {
    pub fn new(limits: Limits) -> Self {
        // The metrics recorder is installed before the first request, not by it.
        crate::metrics::handle();
        Self {
            limits,
            in_flight: Arc::new(Semaphore::new(limits.max_in_flight)),
        }
    }
}

impl<S> Layer<S> for EdgeLayer {
    type Service = Edge<S>;

    fn layer(&self, inner: S) -> Edge<S> {
        Edge {
            inner,
            layer: self.clone(),
        }
    }
}

/// A route behind [`EdgeLayer`].
#[derive(Debug, Clone)]
pub struct Edge<S> {
    inner: S,
    layer: EdgeLayer,
}

impl<S> Service<Request> for Edge<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // The inner service is made ready in `answer` (`oneshot`).
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let inner = self.inner.clone();
        let layer = self.layer.clone();
        Box::pin(async move { Ok(answer(inner, layer, request).await) })
    }
}

/// Steps 1, 2 and 4.
async fn answer<S>(inner: S, layer: EdgeLayer, mut request: Request) -> Response
where
    S: Service<Request, Response = Response, Error = Infallible> + Send,
    S::Future: Send,
{
    let started = Instant::now();
    let request_id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(clean_request_id)
        .unwrap_or_else(new_request_id);
    let headers = request.headers_mut();
    headers.insert(REQUEST_ID, request_id.clone());
    mark_sensitive(
        headers,
        &[
            header::AUTHORIZATION,
            header::PROXY_AUTHORIZATION,
            header::COOKIE,
        ],
    );
    let method = request.method().clone();
    let uri = request.uri().clone();
    let route = request.extensions().get::<MatchedPath>().cloned();
    let span = request_span(&request_id, &method, uri.path());
    let notes = Arc::new(Notes::default());

    let mut response = NOTES
        .scope(Arc::clone(&notes), limited(inner, &layer, request))
        .instrument(span.clone())
        .await;

    let elapsed = started.elapsed();
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        headers.entry(name).or_insert(value);
    }
    mark_sensitive(headers, &[header::SET_COOKIE]);
    headers.insert(REQUEST_ID, request_id.clone());
    let status = response.status();
    log_access(&Access {
        span: &span,
        notes: &notes,
        request_id: &request_id,
        method: &method,
        path: uri.path(),
        status,
        elapsed,
    });
    let route = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    HttpSeries::of(&method, route, status).record(elapsed);
    response
}

/// Step 3, and the error body of step 4.
async fn limited<S>(inner: S, layer: &EdgeLayer, request: Request) -> Response
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    let limits = &layer.limits;
    if header_bytes(request.headers()) > limits.max_header_bytes {
        return error_response(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            ErrorBody::new(
                "headers_too_large",
                format!(
                    "the request headers exceed {} bytes",
                    limits.max_header_bytes
                ),
            ),
        );
    }
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let max_body_bytes = limits.body_limit(request.uri().path());
    if declared.is_some_and(|length| length > max_body_bytes as u64) {
        return crate::limits::too_large(max_body_bytes);
    }
    // Held until the answer is ready.
    let Ok(_in_flight) = Arc::clone(&layer.in_flight).try_acquire_owned() else {
        return overloaded();
    };
    let request = request.map(|body| Body::new(Limited::new(body, max_body_bytes)));
    match tokio::time::timeout(limits.request_timeout, inner.oneshot(request)).await {
        Ok(Ok(response)) => with_error_body(response),
        Err(_) => with_error_body(StatusCode::SERVICE_UNAVAILABLE.into_response()),
    }
}

fn mark_sensitive(headers: &mut HeaderMap, names: &[header::HeaderName]) {
    for name in names {
        if let header::Entry::Occupied(mut entry) = headers.entry(name) {
            for value in entry.iter_mut() {
                value.set_sensitive(true);
            }
        }
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;
    use axum::Router;
    use axum::http::HeaderValue;
    use axum::routing::post;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn credentials_in_and_cookies_out_are_marked_sensitive() {
        let app = Router::new()
            .route(
                "/",
                post(|request: Request| async move {
                    let headers = request.headers();
                    let marked = [header::AUTHORIZATION, header::COOKIE]
                        .map(|name| headers[name].is_sensitive());
                    assert_eq!(marked, [true, true]);
                    assert!(!headers[header::CONTENT_TYPE].is_sensitive());
                    [(header::SET_COOKIE, HeaderValue::from_static("s=1"))]
                }),
            )
            .layer(EdgeLayer::new(Limits::default()));
        let request = Request::post("/")
            .header(header::AUTHORIZATION, "Bearer secret")
            .header(header::COOKIE, "s=1")
            .header(header::CONTENT_TYPE, "text/plain")
            .body(Body::empty())
            .unwrap();
        let response = app.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers()[header::SET_COOKIE].is_sensitive());
    }

    #[tokio::test]
    async fn a_body_declared_too_large_is_refused_413_before_the_route_runs() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&calls);
        let limits = Limits {
            max_body_bytes: 100,
            ..Limits::default()
        };
        // A route that never reads the body: only the declared length can refuse it.
        let app = Router::new()
            .route(
                "/",
                post(move || {
                    counted.fetch_add(1, Ordering::SeqCst);
                    async { "ok" }
                }),
            )
            .layer(EdgeLayer::new(limits));
        let request = Request::post("/")
            .header(header::CONTENT_LENGTH, "101")
            .body(Body::from(vec![b'x'; 101]))
            .unwrap();
        let response = app.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(calls.load(Ordering::SeqCst), 0);
    }
}
