//! JSON logs, and each request's span and access line (written by the layer in
//! [`crate::edge`]); the request ids they carry are [`crate::request_id`]'s.

use crate::log_output::BatchedStdout;
pub use crate::log_output::LogGuard;
pub(crate) use crate::request_id::new_request_id;
pub use crate::request_id::{REQUEST_ID, REQUEST_ID_MAX_LEN, clean_request_id};
use axum::http::{HeaderValue, Method, StatusCode};
use std::io::Write;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tracing::{Level, Span, Subscriber};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::{FormatTime, SystemTime};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::{EnvFilter, Layer, layer::SubscriberExt, util::SubscriberInitExt};

/// The environment variable that filters the logs (tracing's `EnvFilter` syntax), and its
/// default: settings of every service, though not in any service's `Config`.
pub const LOG_FILTER_VAR: &str = "RUST_LOG";
pub const DEFAULT_LOG_FILTER: &str = "info";

/// Installs the global subscriber: JSON lines on stdout, filtered by `RUST_LOG` (default
/// `info`). Call once, first thing in `main`, and keep the guard.
///
/// Lines are collected in a 64 KiB buffer and written when it fills, every 100 ms, and when
/// the guard is dropped: a busy service makes one write per many lines instead of one system
/// call per request and service. WARN and ERROR lines are written at once.
pub fn init() -> LogGuard {
    init_to(std::io::stdout())
}

/// [`init`], the lines going to `out` instead of stdout (benchmarks log to a sink).
pub fn init_to(out: impl Write + Send + 'static) -> LogGuard {
    let stdout = BatchedStdout::new(Box::new(out));
    // Set once: installing the subscriber below fails loudly on a second call.
    let _ = LOG_OUTPUT.set(stdout.clone());
    stdout.flush_every(crate::log_output::LOG_FLUSH_EVERY);
    let filter = EnvFilter::try_from_env(LOG_FILTER_VAR)
        .unwrap_or_else(|_| EnvFilter::new(DEFAULT_LOG_FILTER));
    tracing_subscriber::registry()
        .with(filter)
        .with(json_layer(stdout.clone()))
        .init();
    LogGuard::new(stdout)
}

/// Our log format: tracing-subscriber's own JSON lines, written by json-subscriber, which
/// keeps each span's fields ready to write instead of re-parsing them for every line.
fn json_layer<S>(out: impl for<'a> MakeWriter<'a> + Send + Sync + 'static) -> impl Layer<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    json_subscriber::fmt::layer()
        .with_writer(out)
        .flatten_event(true)
        .with_current_span(true)
        .with_span_list(false)
}

/// The target of the access lines: this module's, as the JSON layer names it.
const TARGET: &str = module_path!();

/// Where [`init`] sends the log, for the lines written without the JSON layer.
static LOG_OUTPUT: OnceLock<BatchedStdout> = OnceLock::new();

/// Names the signed-in caller in the current request's span and access line, so every later
/// log line of the request carries `user_id`.
pub fn record_user_id(user_id: &impl std::fmt::Display) {
    let user_id = user_id.to_string();
    tracing::Span::current().record("user_id", user_id.as_str());
    let _ = NOTES.try_with(|notes| notes.user_id.set(user_id));
}

/// Names, in the current request's span and access line, the requests it was made on
/// behalf of (the model service's batches: the ids of the predictions in the batch).
pub fn record_request_ids(request_ids: String) {
    tracing::Span::current().record("request_ids", request_ids.as_str());
    let _ = NOTES.try_with(|notes| notes.request_ids.set(request_ids));
}

/// What a request's handlers tell its access line ([`record_user_id`],
/// [`record_request_ids`]).
#[derive(Debug, Default)]
pub(crate) struct Notes {
    user_id: OnceLock<String>,
    request_ids: OnceLock<String>,
}

tokio::task_local! {
    /// The notes of the request the current task is answering.
    pub(crate) static NOTES: Arc<Notes>;
}

/// The request's `request` span: the id, method and path, and later the user, on every line
/// logged while it is answered.
pub(crate) fn request_span(request_id: &HeaderValue, method: &Method, path: &str) -> Span {
    tracing::info_span!(
        "request",
        request_id = request_id.to_str().unwrap_or_default(),
        method = %method,
        path = path,
        // Filled in by the service once it knows who is calling.
        user_id = tracing::field::Empty,
        // Filled in by a request made on behalf of others (the model service's batches).
        request_ids = tracing::field::Empty,
    )
}

/// What an answered request's access line says.
pub(crate) struct Access<'a> {
    pub span: &'a Span,
    pub notes: &'a Notes,
    pub request_id: &'a HeaderValue,
    pub method: &'a Method,
    pub path: &'a str,
    pub status: StatusCode,
    pub elapsed: Duration,
}

/// Logs the access line of an answered request: `status` and `latency_us` in the request's
/// span; WARN for a 5xx.
///
/// The INFO line is written straight into the log's buffer, in the same shape the JSON layer
/// gives every other line; the rare WARN line goes through the layer. Why: docs/architecture.md
/// ("Why some infrastructure is our own").
pub(crate) fn log_access(access: &Access<'_>) {
    let latency_us = access.elapsed.as_micros() as u64;
    let status = access.status.as_u16();
    if access.status.is_server_error() {
        access.span.in_scope(|| {
            tracing::warn!(status, latency_us, "response failed");
        });
        return;
    }
    if !tracing::enabled!(Level::INFO) {
        return;
    }
    match LOG_OUTPUT.get() {
        Some(out) => {
            let line = access_line(access, status, latency_us);
            let _ = out.write_line(&line);
        }
        // Another subscriber (a test's) gets the line as an event.
        None => access.span.in_scope(|| {
            tracing::info!(status, latency_us, "finished processing request");
        }),
    }
}

/// The access line as the JSON layer writes an INFO event inside the request span.
fn access_line(access: &Access<'_>, status: u16, latency_us: u64) -> Vec<u8> {
    let mut line = Vec::with_capacity(384);
    line.extend_from_slice(br#"{"level":"INFO","span":{"method":"#);
    push_json_str(&mut line, access.method.as_str());
    line.extend_from_slice(br#","name":"request","path":"#);
    push_json_str(&mut line, access.path);
    line.extend_from_slice(br#","request_id":"#);
    push_json_str(&mut line, access.request_id.to_str().unwrap_or_default());
    if let Some(ids) = access.notes.request_ids.get() {
        line.extend_from_slice(br#","request_ids":"#);
        push_json_str(&mut line, ids);
    }
    if let Some(user_id) = access.notes.user_id.get() {
        line.extend_from_slice(br#","user_id":"#);
        push_json_str(&mut line, user_id);
    }
    line.extend_from_slice(br#"},"target":"#);
    push_json_str(&mut line, TARGET);
    line.extend_from_slice(br#","timestamp":""#);
    let mut timestamp = String::with_capacity(32);
    let _ = SystemTime.format_time(&mut Writer::new(&mut timestamp));
    line.extend_from_slice(timestamp.as_bytes());
    let _ = writeln!(
        line,
        r#"","latency_us":{latency_us},"message":"finished processing request","status":{status}}}"#
    );
    line
}

/// `text` as a JSON string.
fn push_json_str(line: &mut Vec<u8>, text: &str) {
    let _ = serde_json::to_writer(line, text);
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;
    use crate::edge::EdgeLayer;
    use crate::limits::Limits;
    use axum::Router;
    use axum::body::Body;
    use axum::extract::Request;
    use axum::routing::get;
    use serde_json::Value;
    use std::sync::Mutex;
    use tower::ServiceExt;

    /// Log lines written to memory.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Captured {
        fn lines(&self) -> Vec<Value> {
            let bytes = self.0.lock().unwrap().clone();
            String::from_utf8(bytes)
                .unwrap()
                .lines()
                .map(|line| serde_json::from_str(line).unwrap())
                .collect()
        }
    }

    /// The same access line as the JSON layer's line and as ours, without the timestamps
    /// (checked for their shape), for a request with these notes.
    fn both_lines(user_id: Option<&str>, request_ids: Option<&str>) -> (Value, Value) {
        let captured = Captured::default();
        let out = captured.clone();
        let subscriber = tracing_subscriber::registry().with(json_layer(move || out.clone()));
        let (request_id, method) = (HeaderValue::from_static("id-1"), Method::POST);
        let notes = Notes::default();
        let span = tracing::subscriber::with_default(subscriber, || {
            let span = request_span(&request_id, &method, "/api/inference");
            if let Some(user_id) = user_id {
                span.record("user_id", user_id);
                notes.user_id.set(user_id.to_owned()).unwrap();
            }
            if let Some(ids) = request_ids {
                span.record("request_ids", ids);
                notes.request_ids.set(ids.to_owned()).unwrap();
            }
            span.in_scope(|| {
                tracing::info!(
                    target: TARGET,
                    status = 200,
                    latency_us = 734,
                    "finished processing request"
                );
            });
            span
        });
        let ours = access_line(
            &Access {
                span: &span,
                notes: &notes,
                request_id: &request_id,
                method: &method,
                path: "/api/inference",
                status: StatusCode::OK,
                elapsed: Duration::from_micros(734),
            },
            200,
            734,
        );
        let mut ours: Value = serde_json::from_slice(&ours).unwrap();
        let mut layers = captured.lines().pop().expect("the layer wrote a line");
        for line in [&mut ours, &mut layers] {
            let timestamp = line["timestamp"].take();
            let timestamp = timestamp.as_str().unwrap();
            assert!(
                timestamp.len() == 27 && timestamp.ends_with('Z') && timestamp.contains('T'),
                "{timestamp}"
            );
        }
        (ours, layers)
    }

    #[test]
    fn the_access_line_written_directly_is_the_line_the_json_layer_writes() {
        let (ours, layers) = both_lines(None, None);
        assert_eq!(ours, layers);
        assert_eq!(ours["span"]["request_id"], "id-1");
        let (ours, layers) = both_lines(Some("user-\"7\""), Some("a b"));
        assert_eq!(ours, layers);
        assert_eq!(ours["span"]["user_id"], "user-\"7\"");
    }

    // The one test that installs the process's subscriber: `init_to` may run only once.
    #[tokio::test]
    async fn a_requests_access_line_names_the_user_its_handler_recorded() {
        let captured = Captured::default();
        let logs = init_to(captured.clone());
        let app = Router::new()
            .route(
                "/who",
                get(|| async {
                    record_user_id(&"user-7");
                    "you"
                }),
            )
            .layer(EdgeLayer::new(Limits::default()));
        let request = Request::get("/who")
            .header(REQUEST_ID, "access-line-test")
            .body(Body::empty())
            .unwrap();
        app.oneshot(request).await.unwrap();
        drop(logs);

        let line = captured
            .lines()
            .into_iter()
            .find(|line| line["span"]["request_id"] == "access-line-test")
            .expect("an access line");
        assert_eq!(line["message"], "finished processing request");
        assert_eq!(line["span"]["user_id"], "user-7");
        assert_eq!(line["span"]["path"], "/who");
        assert_eq!(line["status"], 200);
        assert!(line["latency_us"].is_u64());
    }

    async fn answered_id(sent: Option<&str>) -> String {
        let app = Router::new()
            .route("/", get(|| async { "ok" }))
            .layer(EdgeLayer::new(Limits::default()));
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
        let app = Router::new()
            .route("/things/{id}", get(|| async { "ok" }))
            .layer(EdgeLayer::new(Limits::default()));
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
