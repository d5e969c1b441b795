//! The upstream client against real sockets and servers: pooling, deadlines, round robin.

use super::*;
use hyper_util::client::legacy::connect::dns::Name;
use std::net::SocketAddr;
use std::task::{Context, Poll};

fn upstream(url: &str) -> Result<Upstream, InvalidBaseUrl> {
    Upstream::new(url, Duration::from_secs(1), Duration::from_secs(1))
}

#[test]
fn an_address_keeps_the_peers_host_and_port_and_takes_the_callers_path() {
    let peer = upstream("http://model-service:8001/ignored").unwrap();
    assert_eq!(
        peer.uri_for("/inference?x=1").to_string(),
        "http://model-service:8001/inference?x=1"
    );
}

#[test]
fn only_plain_http_addresses_with_a_host_are_accepted() {
    for bad in [
        "https://backend:8000",
        "backend:8000",
        "/api",
        "http://",
        "unix:",
        "unix://",
    ] {
        assert!(upstream(bad).is_err(), "{bad} was accepted");
    }
}

#[tokio::test]
async fn a_peer_on_a_unix_socket_is_called_there_with_the_callers_path() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("peer.sock");
    let listener = tokio::net::UnixListener::bind(&socket).unwrap();
    let app = axum::Router::new().route(
        "/echo",
        axum::routing::get(|uri: Uri| async move { uri.to_string() }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });

    for base in [
        format!("unix:{}", socket.display()),
        format!("unix://{}", socket.display()),
    ] {
        let peer = upstream(&base).unwrap();
        for _ in 0..2 {
            let request = Request::get(peer.uri_for("/echo?x=1"))
                .body(Body::empty())
                .unwrap();
            let answer = peer.send(request).await.unwrap();
            assert_eq!(answer.head.status, 200);
            assert_eq!(answer.body, "/echo?x=1");
        }
    }
}

/// A name with fixed addresses: stands in for DNS round robin over replicas (the
/// connections themselves are real).
#[derive(Debug, Clone)]
struct Fixed(Vec<SocketAddr>);

impl tower::Service<Name> for Fixed {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = io::Error;
    type Future = std::future::Ready<io::Result<Self::Response>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Name) -> Self::Future {
        std::future::ready(Ok(self.0.clone().into_iter()))
    }
}

/// A replica at `ip:port` that answers `GET /who` with `name` and closes the connection,
/// so that every request opens a new one.
async fn replica(ip: &str, port: u16, name: &'static str) -> Option<u16> {
    let listener = tokio::net::TcpListener::bind((ip, port)).await.ok()?;
    let port = listener.local_addr().unwrap().port();
    let app = axum::Router::new().route(
        "/who",
        axum::routing::get(move || async move { ([("connection", "close")], name) }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    Some(port)
}

/// Two replicas on one port of two loopback addresses.
async fn two_replicas() -> u16 {
    for _ in 0..20 {
        let port = replica("127.0.0.1", 0, "a").await.unwrap();
        if replica("127.0.0.2", port, "b").await.is_some() {
            return port;
        }
    }
    panic!("no port free on both 127.0.0.1 and 127.0.0.2");
}

/// Who answers each of `count` calls to `peer.test:port` resolved to `addresses`.
async fn who_answers(addresses: Vec<SocketAddr>, port: u16, count: usize) -> Vec<String> {
    let connector = tcp_connector(RoundRobin::new(Fixed(addresses)), Duration::from_secs(1));
    let client = pooled(connector);
    let mut answers = Vec::new();
    for _ in 0..count {
        let request = Request::get(format!("http://peer.test:{port}/who"))
            .body(Body::empty())
            .unwrap();
        let answer = client.request(request).await.unwrap();
        let body = answer.into_body().collect().await.unwrap().to_bytes();
        answers.push(String::from_utf8(body.to_vec()).unwrap());
    }
    answers
}

#[tokio::test]
async fn successive_connections_go_to_successive_replicas_of_a_name() {
    let port = two_replicas().await;
    let addresses = vec![
        SocketAddr::from(([127, 0, 0, 1], port)),
        SocketAddr::from(([127, 0, 0, 2], port)),
    ];
    let answers = who_answers(addresses, port, 6).await;
    assert_eq!(answers, ["a", "b", "a", "b", "a", "b"]);
}

#[tokio::test]
async fn an_address_that_refuses_the_connection_is_skipped_for_the_next() {
    let port = two_replicas().await;
    // Nothing listens on 127.0.0.3: that replica is gone, its address still resolves.
    let addresses = vec![
        SocketAddr::from(([127, 0, 0, 3], port)),
        SocketAddr::from(([127, 0, 0, 2], port)),
    ];
    let answers = who_answers(addresses, port, 4).await;
    assert_eq!(answers, ["b", "b", "b", "b"]);
}

/// Asserts that a call to `base_url` fails to connect, and says so in a word.
async fn assert_unreachable(base_url: &str) {
    let peer = upstream(base_url).unwrap();
    let request = Request::get(peer.uri_for("/health"))
        .body(Body::empty())
        .unwrap();
    let error = peer.send(request).await.unwrap_err();
    assert!(matches!(error, UpstreamError::Connect(_)), "{error:?}");
    assert_eq!(error.summary(), "unreachable");
}

#[tokio::test]
async fn a_unix_socket_nobody_listens_on_is_a_connect_error() {
    let dir = tempfile::tempdir().unwrap();
    assert_unreachable(&format!("unix:{}", dir.path().join("gone.sock").display())).await;
}

#[tokio::test]
async fn a_peer_that_is_not_listening_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    assert_unreachable(&format!("http://127.0.0.1:{port}")).await;
}

#[tokio::test]
async fn a_peer_that_accepts_but_never_answers_times_out() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accepts and holds the connection without ever answering.
    let held = tokio::spawn(async move {
        let (_socket, _) = listener.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let peer = Upstream::new(
        &format!("http://127.0.0.1:{port}"),
        Duration::from_secs(1),
        Duration::from_millis(200),
    )
    .unwrap();
    let request = Request::get(peer.uri_for("/health"))
        .body(Body::empty())
        .unwrap();
    let error = peer.send(request).await.unwrap_err();
    assert!(matches!(error, UpstreamError::Timeout(_)), "{error:?}");
    assert_eq!(error.summary(), "timed out");
    held.abort();
}

/// A peer that sends `first`, then waits for `release` before sending `second`.
async fn peer_in_two_parts(release: Arc<tokio::sync::Notify>) -> Upstream {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = axum::Router::new().route(
        "/export",
        axum::routing::get(move || async move {
            let parts = futures_util::stream::unfold(0, move |sent| {
                let release = Arc::clone(&release);
                async move {
                    match sent {
                        0 => Some((Ok::<_, io::Error>(Bytes::from("first,")), 1)),
                        1 => {
                            release.notified().await;
                            Some((Ok(Bytes::from("second")), 2))
                        }
                        _ => None,
                    }
                }
            });
            Body::from_stream(parts)
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    upstream(&format!("http://127.0.0.1:{port}")).unwrap()
}

#[tokio::test]
async fn a_streamed_answer_is_passed_on_as_it_arrives_not_when_it_is_complete() {
    let release = Arc::new(tokio::sync::Notify::new());
    let peer = peer_in_two_parts(Arc::clone(&release)).await;
    let request = Request::get(peer.uri_for("/export"))
        .body(Body::empty())
        .unwrap();
    let answer = peer.send_streaming(request).await.unwrap();
    let mut body = answer.into_body();
    let first = body.frame().await.unwrap().unwrap().into_data().unwrap();
    // The peer has not sent the rest yet, and the first part is here.
    assert_eq!(first, "first,");
    release.notify_one();
    let rest = body.collect().await.unwrap().to_bytes();
    assert_eq!(rest, "second");
}

#[tokio::test]
async fn a_streamed_answer_whose_peer_goes_quiet_ends_in_an_error() {
    let release = Arc::new(tokio::sync::Notify::new());
    let peer = peer_in_two_parts(release).await;
    let request = Request::get(peer.uri_for("/export"))
        .body(Body::empty())
        .unwrap();
    // The client's timeout is 1 s; the second part never comes.
    let answer = peer.send_streaming(request).await.unwrap();
    let error = answer.into_body().collect().await.unwrap_err();
    assert!(error.to_string().contains("quiet"), "{error}");
}
