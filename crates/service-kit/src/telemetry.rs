//! JSON logs and per-request spans carrying a request id.

use axum::Router;
use axum::extract::Request as AxumRequest;
use axum::http::{HeaderName, HeaderValue, Request};
use axum::middleware::map_request;
use tower_http::LatencyUnit;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnFailure, DefaultOnResponse, TraceLayer};
use tracing::Level;
use tracing_subscriber::{EnvFilter, layer::SubscriberExt, util::SubscriberInitExt};

/// The header that carries one id through every service a request touches.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest request id kept from a caller; longer ones are cut.
pub const REQUEST_ID_MAX_LEN: usize = 64;

/// Installs the global subscriber: JSON lines on stdout, filtered by `RUST_LOG`
/// (default `info`). Call once, first thing in `main`.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::registry()
        .with(filter)
        .with(
            // tracing-subscriber's own JSON format, written by json-subscriber, which keeps
            // each span's fields ready to write instead of re-parsing them for every line.
            json_subscriber::fmt::layer()
                .flatten_event(true)
                .with_current_span(true)
                .with_span_list(false),
        )
        .init();
}

/// Names the signed-in caller in the current request's span, so every later log line of
/// the request carries `user_id`.
pub fn record_user_id(user_id: &impl std::fmt::Display) {
    tracing::Span::current().record("user_id", tracing::field::display(user_id));
}

/// Wraps `router` so every request gets an `x-request-id` (the caller's, cleaned by
/// [`clean_request_id`], or a new UUID), runs inside a span that carries it, and returns it
/// in the response.
pub fn with_request_tracing(router: Router) -> Router {
    router
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http()
                // One access line per request (status, latency), in the request's span, so
                // one id finds the request in every service's log. Silence with
                // RUST_LOG=info,tower_http=warn.
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(LatencyUnit::Micros),
                )
                // A 5xx is logged once by the service's own error mapping, with its cause;
                // the trace layer only notes it.
                .on_failure(DefaultOnFailure::new().level(Level::WARN))
                .make_span_with(|req: &Request<_>| {
                    let request_id = req
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default();
                    tracing::info_span!(
                        "request",
                        request_id,
                        method = %req.method(),
                        path = %req.uri().path(),
                        // Filled in by the service once it knows who is calling.
                        user_id = tracing::field::Empty,
                    )
                }),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(map_request(clean_incoming_request_id))
}

async fn clean_incoming_request_id(mut request: AxumRequest) -> AxumRequest {
    let cleaned = request
        .headers()
        .get(REQUEST_ID)
        .map(|v| clean_request_id(v.as_bytes()));
    match cleaned {
        None => {}
        Some(Some(id)) => {
            request.headers_mut().insert(REQUEST_ID, id);
        }
        Some(None) => {
            request.headers_mut().remove(REQUEST_ID);
        }
    }
    request
}

/// A caller's request id made safe for logs and headers: only ASCII letters, digits and
/// `-_.:` are kept, at most [`REQUEST_ID_MAX_LEN`] of them; `None` when nothing is left (a
/// new id is generated then).
pub fn clean_request_id(raw: &[u8]) -> Option<HeaderValue> {
    let kept: String = raw
        .iter()
        .map(|&b| char::from(b))
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
        .take(REQUEST_ID_MAX_LEN)
        .collect();
    if kept.is_empty() {
        return None;
    }
    HeaderValue::from_str(&kept).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    #[test]
    fn a_request_id_keeps_only_safe_characters_and_at_most_64_of_them() {
        assert_eq!(clean_request_id(b"trace-me-123").unwrap(), "trace-me-123");
        assert_eq!(
            clean_request_id(b"a b\"c\nd<script>").unwrap(),
            "abcdscript"
        );
        let long = "x".repeat(500);
        assert_eq!(clean_request_id(long.as_bytes()).unwrap().len(), 64);
        assert_eq!(clean_request_id(b" \"<>{}"), None);
    }

    async fn answered_id(sent: Option<&str>) -> String {
        let app = with_request_tracing(Router::new().route("/", get(|| async { "ok" })));
        let mut request = Request::builder().uri("/");
        if let Some(id) = sent {
            request = request.header(REQUEST_ID, id);
        }
        let response = app
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        response.headers()[REQUEST_ID].to_str().unwrap().to_owned()
    }

    #[tokio::test]
    async fn a_callers_id_comes_back_cleaned_and_a_missing_or_empty_one_is_generated() {
        assert_eq!(answered_id(Some("abc-123")).await, "abc-123");
        assert_eq!(answered_id(Some("ab c;d")).await, "abcd");
        for sent in [None, Some("%%%")] {
            let id = answered_id(sent).await;
            assert_eq!(id.len(), 36, "a UUID: {id}");
        }
    }
}
