//! What the layers every service wraps its routes in cost per request: the same small JSON
//! POST answered by a bare router and by the router as `server::serve` serves it (request
//! id, span, access line, HTTP metrics, limits, security headers), logging to a sink.
//! `cargo bench -p lifeboat-service-kit`.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{Request, header};
use axum::routing::post;
use criterion::{Criterion, criterion_group, criterion_main};
use lifeboat_service_kit::limits::Limits;
use lifeboat_service_kit::server::with_service_layers;
use lifeboat_service_kit::telemetry;
use tower::ServiceExt;

const PASSENGER: &str =
    r#"{"pclass":3,"sex":"male","age":22.0,"sibsp":1,"parch":0,"fare":7.25,"embarked":"S"}"#;

fn prediction_request() -> Request<Body> {
    Request::post("/api/inference")
        .header(header::HOST, "localhost:8080")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, PASSENGER.len())
        .body(Body::from(PASSENGER))
        .expect("a valid request")
}

fn routes() -> Router {
    Router::new().route("/api/inference", post(|body: Bytes| async move { body }))
}

fn one_request(c: &mut Criterion) {
    let _logs = telemetry::init_to(std::io::sink());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let mut group = c.benchmark_group("one_request");
    for (name, app) in [
        ("bare_router", routes()),
        (
            "service_layers",
            with_service_layers(routes(), Limits::default()),
        ),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let response = runtime
                    .block_on(app.clone().oneshot(prediction_request()))
                    .expect("infallible");
                assert!(response.status().is_success());
            })
        });
    }
    group.finish();
}

criterion_group!(benches, one_request);
criterion_main!(benches);
