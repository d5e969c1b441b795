//! What the hardware allows: `bench/perf-native.sh` runs three of these hops in a chain on the
//! same pattern as Lifeboat's three services (web port → backend → model service, the last
//! two on Unix sockets as in Lifeboat's stacks) and measures them with the same load. A hop
//! forwards `POST /api/inference` to the next one over a pooled keep-alive connection; the
//! last one answers a fixed prediction. No logs, no metrics, no limits, no validation, no
//! model: the cost of three HTTP hops on this machine and nothing else, so Lifeboat's figures
//! can be read against it.

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
use lifeboat_service_kit::upstream::UnixConnector;
use std::path::Path;
use std::time::Duration;
use tokio::net::{TcpListener, UnixListener};

/// The last hop's answer, shaped like a prediction.
pub const ANSWER: &str = r#"{"prob":0.11,"survived":false}"#;

/// Where a hop sends what it receives.
#[derive(Debug, Clone)]
pub enum Next {
    /// Nowhere: this hop answers [`ANSWER`].
    Answer,
    /// The next hop's `http://` URL.
    Tcp(Uri),
    /// The next hop's Unix socket.
    Unix(std::sync::Arc<Path>),
}

impl std::str::FromStr for Next {
    type Err = axum::http::uri::InvalidUri;

    /// `unix:PATH` or an `http://` URL.
    fn from_str(next: &str) -> Result<Self, Self::Err> {
        Ok(match next.strip_prefix("unix:") {
            Some(path) => Self::Unix(Path::new(path).into()),
            None => Self::Tcp(next.parse()?),
        })
    }
}

#[derive(Clone)]
enum Hop {
    Answer,
    Tcp(Client<HttpConnector, Full<Bytes>>, Uri),
    Unix(Client<UnixConnector, Full<Bytes>>),
}

/// One hop's routes: `POST /api/inference`, forwarded to `next` or answered.
pub fn router(next: Next) -> Router {
    let hop = match next {
        Next::Answer => Hop::Answer,
        Next::Tcp(uri) => {
            let mut connector = HttpConnector::new();
            connector.set_nodelay(true);
            Hop::Tcp(Client::builder(TokioExecutor::new()).build(connector), uri)
        }
        Next::Unix(path) => {
            let connector = UnixConnector::new(&path, Duration::from_secs(1));
            Hop::Unix(Client::builder(TokioExecutor::new()).build(connector))
        }
    };
    Router::new()
        .route("/api/inference", post(forward))
        .with_state(hop)
}

/// Serves one hop on `listener` until the process ends.
pub async fn serve(listener: TcpListener, next: Next) -> anyhow::Result<()> {
    Ok(axum::serve(listener, router(next)).await?)
}

/// Serves one hop on the Unix socket `listener` until the process ends.
pub async fn serve_unix(listener: UnixListener, next: Next) -> anyhow::Result<()> {
    Ok(axum::serve(listener, router(next)).await?)
}

async fn forward(State(hop): State<Hop>, body: Bytes) -> impl IntoResponse {
    let json = [(header::CONTENT_TYPE, "application/json")];
    let post = |uri: Uri| {
        axum::http::Request::post(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Full::new(body))
            .expect("a POST with a URI and a body is valid")
    };
    let answer = match hop {
        Hop::Answer => return (StatusCode::OK, json, Bytes::from_static(ANSWER.as_bytes())),
        Hop::Tcp(client, next) => client.request(post(next)).await,
        Hop::Unix(client) => {
            client
                .request(post(Uri::from_static("http://localhost/api/inference")))
                .await
        }
    };
    let answer = match answer {
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

    async fn hop(next: Next) -> Uri {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(serve(listener, next));
        format!("http://127.0.0.1:{port}/api/inference")
            .parse()
            .unwrap()
    }

    /// Asserts that a prediction sent to `first` comes back as the last hop's answer.
    async fn assert_answered(first: Uri) {
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
    async fn a_prediction_goes_through_three_hops_and_the_last_one_answers() {
        let last = hop(Next::Answer).await;
        let middle = hop(Next::Tcp(last)).await;
        assert_answered(hop(Next::Tcp(middle)).await).await;
    }

    #[tokio::test]
    async fn hops_on_unix_sockets_pass_the_prediction_on_too() {
        let dir = tempfile::tempdir().unwrap();
        let (last, middle) = (dir.path().join("last.sock"), dir.path().join("middle.sock"));
        tokio::spawn(serve_unix(UnixListener::bind(&last).unwrap(), Next::Answer));
        let to_last = format!("unix:{}", last.display()).parse().unwrap();
        tokio::spawn(serve_unix(UnixListener::bind(&middle).unwrap(), to_last));
        let to_middle = format!("unix:{}", middle.display()).parse().unwrap();
        assert_answered(hop(to_middle).await).await;
    }

    #[tokio::test]
    async fn a_hop_whose_next_hop_is_gone_answers_502() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let gone: Uri = format!("http://{}/api/inference", listener.local_addr().unwrap())
            .parse()
            .unwrap();
        drop(listener);
        let first = hop(Next::Tcp(gone)).await;
        let answer = reqwest::Client::new()
            .post(first.to_string())
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 502);
    }
}
