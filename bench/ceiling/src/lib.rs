//! What the hardware allows: `bench/perf-native.sh` runs three of these hops in a chain on the
//! same ports' pattern as Lifeboat's three services (web port → backend → model service) and
//! measures them with the same load. A hop forwards `POST /api/inference` to the next one
//! over a pooled keep-alive connection; the last one answers a fixed prediction. No logs, no
//! metrics, no limits, no validation, no model: the cost of three HTTP hops on this machine
//! and nothing else, so Lifeboat's figures can be read against it.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::IntoResponse;
use axum::routing::post;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::net::TcpListener;

/// The last hop's answer, shaped like a prediction.
pub const ANSWER: &str = r#"{"prob":0.11,"survived":false}"#;

/// Where a hop sends what it receives: the next hop, or nowhere (it answers [`ANSWER`]).
#[derive(Clone)]
struct Hop {
    client: Client<HttpConnector, Full<Bytes>>,
    next: Option<Uri>,
}

/// One hop's routes: `POST /api/inference`, forwarded to `next` or answered.
pub fn router(next: Option<Uri>) -> Router {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let client = Client::builder(TokioExecutor::new()).build(connector);
    Router::new()
        .route("/api/inference", post(forward))
        .with_state(Hop { client, next })
}

/// Serves one hop on `listener` until the process ends.
pub async fn serve(listener: TcpListener, next: Option<Uri>) -> anyhow::Result<()> {
    Ok(axum::serve(listener, router(next)).await?)
}

async fn forward(State(hop): State<Hop>, body: Bytes) -> impl IntoResponse {
    let json = [(header::CONTENT_TYPE, "application/json")];
    let Some(next) = hop.next else {
        return (StatusCode::OK, json, Bytes::from_static(ANSWER.as_bytes()));
    };
    let request = axum::http::Request::post(next)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(body))
        .expect("a POST with a URI and a body is valid");
    let answer = match hop.client.request(request).await {
        Ok(answer) => answer,
        Err(_) => return (StatusCode::BAD_GATEWAY, json, Bytes::new()),
    };
    let status = answer.status();
    match answer.into_body().collect().await {
        Ok(body) => (status, json, body.to_bytes()),
        Err(_) => (StatusCode::BAD_GATEWAY, json, Bytes::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn hop(next: Option<Uri>) -> Uri {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(serve(listener, next));
        format!("http://127.0.0.1:{port}/api/inference")
            .parse()
            .unwrap()
    }

    #[tokio::test]
    async fn a_prediction_goes_through_three_hops_and_the_last_one_answers() {
        let last = hop(None).await;
        let middle = hop(Some(last)).await;
        let first = hop(Some(middle)).await;
        let answer = reqwest::Client::new()
            .post(first.to_string())
            .header("content-type", "application/json")
            .body(r#"{"pclass":3}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        assert_eq!(answer.text().await.unwrap(), ANSWER);
    }

    #[tokio::test]
    async fn a_hop_whose_next_hop_is_gone_answers_502() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let gone: Uri = format!("http://{}/api/inference", listener.local_addr().unwrap())
            .parse()
            .unwrap();
        drop(listener);
        let first = hop(Some(gone)).await;
        let answer = reqwest::Client::new()
            .post(first.to_string())
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 502);
    }
}
