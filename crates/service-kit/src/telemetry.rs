//! JSON logs, and the one middleware every request passes first: request id, span, access
//! line and HTTP metrics.

use crate::metrics::HttpSeries;
use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::{Next, from_fn};
use axum::response::Response;
use std::io::{BufWriter, Stdout, Write};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use tracing::{Instrument, Level};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::{EnvFilter, layer::SubscriberExt, util::SubscriberInitExt};

/// The header that carries one id through every service a request touches.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest request id kept from a caller; longer ones are cut.
pub const REQUEST_ID_MAX_LEN: usize = 64;

/// Writes what is still buffered when dropped. Hold it for the whole of `main`.
#[derive(Debug)]
#[must_use = "buffered log lines are written out when the guard is dropped"]
pub struct LogGuard(BatchedStdout);

impl Drop for LogGuard {
    fn drop(&mut self) {
        self.0.flush();
    }
}

/// How long a log line may wait in the buffer before it is written.
const LOG_FLUSH_EVERY: Duration = Duration::from_millis(100);

/// Installs the global subscriber: JSON lines on stdout, filtered by `RUST_LOG` (default
/// `info`). Call once, first thing in `main`, and keep the guard.
///
/// Lines are collected in a 64 KiB buffer and written when it fills, every 100 ms, and when
/// the guard is dropped: a busy service makes one write per many lines instead of one system
/// call per request and service. WARN and ERROR lines are written at once.
pub fn init() -> LogGuard {
    let stdout = BatchedStdout::new();
    stdout.flush_every(LOG_FLUSH_EVERY);
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::registry()
        .with(filter)
        .with(
            // tracing-subscriber's own JSON format, written by json-subscriber, which keeps
            // each span's fields ready to write instead of re-parsing them for every line.
            json_subscriber::fmt::layer()
                .with_writer(stdout.clone())
                .flatten_event(true)
                .with_current_span(true)
                .with_span_list(false),
        )
        .init();
    LogGuard(stdout)
}

/// Stdout behind one buffer shared by every thread; each line goes in whole under the lock.
#[derive(Debug, Clone)]
struct BatchedStdout(Arc<Mutex<BufWriter<Stdout>>>);

impl BatchedStdout {
    fn new() -> Self {
        Self(Arc::new(Mutex::new(BufWriter::with_capacity(
            64 * 1024,
            std::io::stdout(),
        ))))
    }

    fn line(&self, urgent: bool) -> Line<'_> {
        Line {
            // A thread that panicked while writing leaves the buffer usable.
            out: self.0.lock().unwrap_or_else(PoisonError::into_inner),
            urgent,
        }
    }

    fn flush(&self) {
        if let Ok(mut out) = self.0.lock() {
            let _ = out.flush();
        }
    }

    /// Flushes from a small thread of its own, so a quiet service's lines appear promptly.
    fn flush_every(&self, period: Duration) {
        let out = self.clone();
        let spawned = std::thread::Builder::new()
            .name("log-flush".into())
            .stack_size(64 * 1024)
            .spawn(move || {
                loop {
                    std::thread::sleep(period);
                    out.flush();
                }
            });
        if let Err(error) = spawned {
            eprintln!("cannot start the log flush thread ({error}); lines are written at once");
        }
    }
}

/// One log line's writer: holds the buffer until the line is in.
struct Line<'a> {
    out: MutexGuard<'a, BufWriter<Stdout>>,
    urgent: bool,
}

impl Write for Line<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.out.write(bytes)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

impl Drop for Line<'_> {
    fn drop(&mut self) {
        if self.urgent {
            let _ = self.out.flush();
        }
    }
}

impl<'a> MakeWriter<'a> for BatchedStdout {
    type Writer = Line<'a>;

    fn make_writer(&'a self) -> Line<'a> {
        self.line(false)
    }

    fn make_writer_for(&'a self, meta: &tracing::Metadata<'_>) -> Line<'a> {
        self.line(*meta.level() <= Level::WARN)
    }
}

/// Names the signed-in caller in the current request's span, so every later log line of
/// the request carries `user_id`.
pub fn record_user_id(user_id: &impl std::fmt::Display) {
    tracing::Span::current().record("user_id", tracing::field::display(user_id));
}

/// Wraps every route of `router` (and its fallback) in [`observe`].
pub fn with_request_tracing(router: Router) -> Router {
    crate::metrics::handle();
    router.layer(from_fn(observe))
}

/// The first thing every request meets, in one step: gives it an `x-request-id` (the
/// caller's, cleaned by [`clean_request_id`], or a new UUID), runs it inside a span that
/// carries the id, method, path and later the user, writes one access line when it is
/// answered (`status`, `latency_us`; WARN for a 5xx), counts and times it by method, matched
/// route and status, and returns the id in the response.
async fn observe(mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| clean_request_id(v.as_bytes()))
        .unwrap_or_else(new_request_id);
    request.headers_mut().insert(REQUEST_ID, request_id.clone());
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().cloned();
    let span = tracing::info_span!(
        "request",
        request_id = request_id.to_str().unwrap_or_default(),
        method = %method,
        path = %request.uri().path(),
        // Filled in by the service once it knows who is calling.
        user_id = tracing::field::Empty,
        // Filled in by a request made on behalf of others (the model service's batches).
        request_ids = tracing::field::Empty,
    );
    let mut response = next.run(request).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let status = response.status();
    span.in_scope(|| {
        let latency_us = elapsed.as_micros() as u64;
        if status.is_server_error() {
            tracing::warn!(status = status.as_u16(), latency_us, "response failed");
        } else {
            tracing::info!(
                status = status.as_u16(),
                latency_us,
                "finished processing request"
            );
        }
    });
    let route = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    HttpSeries::of(&method, route, status).record(elapsed);
    response.headers_mut().insert(REQUEST_ID, request_id);
    response
}

fn new_request_id() -> HeaderValue {
    let mut text = uuid::Uuid::encode_buffer();
    let id = uuid::Uuid::new_v4().hyphenated().encode_lower(&mut text);
    HeaderValue::from_str(id).unwrap_or_else(|_| HeaderValue::from_static("unknown"))
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
    async fn each_request_is_counted_once_by_method_matched_route_and_status() {
        let app = with_request_tracing(Router::new().route("/things/{id}", get(|| async { "ok" })));
        let series = r#"http_requests_total{method="GET",path="/things/{id}",status="200"}"#;
        let count = || {
            crate::metrics::handle()
                .render()
                .lines()
                .find(|line| line.starts_with(series))
                .and_then(|line| line.rsplit(' ').next()?.parse::<u64>().ok())
                .unwrap_or(0)
        };
        let before = count();
        for id in ["1", "2", "3"] {
            let request = Request::builder()
                .uri(format!("/things/{id}"))
                .body(Body::empty())
                .unwrap();
            app.clone().oneshot(request).await.unwrap();
        }
        assert_eq!(count() - before, 3);
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
