//! Prometheus metrics: one recorder per process, the same HTTP series in every service
//! (`http_requests_total` and `http_request_duration_seconds` by method, matched route and
//! status), the process's own memory, CPU and file descriptors, and the `GET /metrics`
//! handler.

use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use metrics::{Counter, Histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use metrics_process::Collector;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{OnceLock, RwLock};
use std::time::Duration;

/// Latency buckets in seconds: sub-millisecond predictions up to multi-second training calls.
const LATENCY_BUCKETS: [f64; 16] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
    30.0,
];

/// The process's metrics registry, installed as the global recorder on first use (several
/// services in one test process share it).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &LATENCY_BUCKETS)
            .expect("the bucket list is not empty")
            .build_recorder();
        let handle = recorder.handle();
        // Fails only if another recorder was installed first, in which case ours stays unused
        // and /metrics shows nothing: make that loud in the log.
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::error!("another metrics recorder is installed; /metrics will be empty");
        }
        metrics::describe_counter!(
            "http_requests_total",
            "HTTP requests answered, by method, matched route and status"
        );
        metrics::describe_histogram!(
            "http_request_duration_seconds",
            metrics::Unit::Seconds,
            "Time to answer an HTTP request, by method, matched route and status"
        );
        process_collector().describe();
        spawn_upkeep(handle.clone());
        handle
    })
}

/// How often histogram samples are folded into their buckets.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// The recorder keeps every histogram sample until upkeep folds it into the buckets; a
/// scrape does that too, but without one (no Prometheus running) memory would grow with
/// every request. Runs on its own small thread, as the recorder may be made outside a
/// runtime.
fn spawn_upkeep(handle: PrometheusHandle) {
    let spawned = std::thread::Builder::new()
        .name("metrics-upkeep".into())
        .stack_size(64 * 1024)
        .spawn(move || {
            loop {
                std::thread::sleep(UPKEEP_EVERY);
                handle.run_upkeep();
            }
        });
    if let Err(error) = spawned {
        tracing::error!(%error, "cannot start the metrics upkeep thread; memory will grow until /metrics is scraped");
    }
}

/// Reads `process_resident_memory_bytes`, `process_cpu_seconds_total`, open file
/// descriptors and threads from the OS at each scrape.
fn process_collector() -> &'static Collector {
    static COLLECTOR: OnceLock<Collector> = OnceLock::new();
    COLLECTOR.get_or_init(Collector::default)
}

/// `GET /metrics`: everything recorded so far, in the Prometheus text format.
pub async fn render() -> Response {
    let handle = handle();
    process_collector().collect();
    let mut response = handle.render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

/// Metric handles kept per label set: a hot path looks its series up in the registry once
/// per combination of labels, not on every call (which would format the labels and take
/// the registry's lock each time). Used as a `static`.
#[derive(Debug)]
pub struct HandleCache<K, V> {
    map: OnceLock<RwLock<HashMap<K, V>>>,
}

impl<K, V> HandleCache<K, V> {
    pub const fn new() -> Self {
        Self {
            map: OnceLock::new(),
        }
    }
}

impl<K, V> Default for HandleCache<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Eq + Hash, V: Clone> HandleCache<K, V> {
    /// The handles of `key`, registered with `register` the first time.
    pub fn get_or_register(&self, key: K, register: impl FnOnce(&K) -> V) -> V {
        let map = self.map.get_or_init(Default::default);
        if let Some(found) = map.read().ok().and_then(|m| m.get(&key).cloned()) {
            return found;
        }
        let handles = register(&key);
        if let Ok(mut map) = map.write() {
            map.insert(key, handles.clone());
        }
        handles
    }
}

/// The HTTP series of one (method, matched route, status): its handles are looked up in the
/// registry once and kept, so answering a request allocates no labels and takes no registry
/// lock.
#[derive(Clone)]
pub(crate) struct HttpSeries {
    requests: Counter,
    duration: Histogram,
}

/// method + status → series, per route. (Not a [`HandleCache`]: the route is looked up by
/// the borrowed `&str` of the request, so answering allocates nothing.)
type SeriesOfRoute = HashMap<(Method, u16), HttpSeries>;

impl HttpSeries {
    pub(crate) fn of(method: &Method, route: &str, status: StatusCode) -> Self {
        static CACHE: OnceLock<RwLock<HashMap<Box<str>, SeriesOfRoute>>> = OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        let key = (method.clone(), status.as_u16());
        if let Some(series) = cache
            .read()
            .ok()
            .and_then(|routes| routes.get(route).and_then(|s| s.get(&key)).cloned())
        {
            return series;
        }
        handle();
        let labels = [
            ("method", method.to_string()),
            ("path", route.to_owned()),
            ("status", status.as_u16().to_string()),
        ];
        let series = Self {
            requests: metrics::counter!("http_requests_total", &labels),
            duration: metrics::histogram!("http_request_duration_seconds", &labels),
        };
        if let Ok(mut routes) = cache.write() {
            routes
                .entry(route.into())
                .or_default()
                .insert(key, series.clone());
        }
        series
    }

    pub(crate) fn record(&self, elapsed: Duration) {
        self.requests.increment(1);
        self.duration.record(elapsed.as_secs_f64());
    }
}
