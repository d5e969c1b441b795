//! Calling another Lifeboat service: hyper's pooled HTTP/1.1 client (keep-alive connections,
//! no Nagle delay), the base address parsed once, and a deadline on every call that covers
//! connecting, sending and reading the whole answer, so a slow or absent peer never holds a
//! request for long.
//!
//! A peer known by a name with several addresses (a service's replicas behind DNS round
//! robin, as Swarm's `endpoint_mode: dnsrr` gives them) gets its connections spread over all
//! of them ([`RoundRobin`]), and a connection that cannot be opened to one address — refused,
//! or no answer within the connect timeout — is opened to the next. That is the only retry:
//! nothing was sent on a connection that never opened, so no request can run twice.
//!
//! hyper's client rather than reqwest, and Unix sockets on one host
//! (`unix:/run/lifeboat/backend.sock`): why, in docs/architecture.md ("Why some infrastructure
//! is our own"). Plain `http://` only: the services talk on a private network.

use axum::body::{Body, Bytes};
use axum::http::uri::{Authority, InvalidUri, PathAndQuery, Scheme};
use axum::http::{Request, Uri, response};
use http_body_util::BodyExt;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::dns::GaiResolver;
use lifeboat_api_types::HealthStatus;
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

mod connect;
pub use connect::{RoundRobin, UnixConnector};
use connect::{pooled, tcp_connector};

/// How long an idle pooled connection is kept.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// How a call failed before a complete answer arrived.
#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    /// No complete answer within the deadline.
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    /// The peer could not be reached.
    #[error("cannot connect: {0}")]
    Connect(#[source] hyper_util::client::legacy::Error),
    /// The connection failed while sending or reading.
    #[error("request failed: {0}")]
    Failed(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl UpstreamError {
    /// The failure in a word or two, for answers others read (a readiness reason): "timed
    /// out" or "unreachable", without the connection error's own words, which belong in the
    /// log.
    pub fn summary(&self) -> &'static str {
        match self {
            Self::Timeout(_) => "timed out",
            Self::Connect(_) | Self::Failed(_) => "unreachable",
        }
    }
}

/// A complete answer: status and headers, and the whole body.
#[derive(Debug)]
pub struct Answer {
    pub head: response::Parts,
    pub body: Bytes,
}

/// One peer service. Cheap to clone (one reference count): the connection pool is shared.
#[derive(Debug, Clone)]
pub struct Upstream(Arc<Peer>);

#[derive(Debug)]
struct Peer {
    client: Transport,
    scheme: Scheme,
    authority: Authority,
    timeout: Duration,
}

/// How the peer is reached: its TCP address, or its Unix socket.
#[derive(Debug)]
enum Transport {
    Tcp(Client<HttpConnector<RoundRobin<GaiResolver>>, Body>),
    Unix(Client<UnixConnector, Body>),
}

impl Upstream {
    /// A client for the service at `base_url` that gives up connecting after
    /// `connect_timeout` and on a whole call after `timeout`. `base_url` is `http://host:port`
    /// (a path is ignored) or, for a peer on this host, `unix:` and the path of its socket
    /// (`unix:/run/lifeboat/backend.sock`).
    pub fn new(
        base_url: &str,
        connect_timeout: Duration,
        timeout: Duration,
    ) -> Result<Self, InvalidBaseUrl> {
        if let Some(path) = base_url.strip_prefix("unix:") {
            // `unix:///run/x.sock` is the same socket as `unix:/run/x.sock`.
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err(InvalidBaseUrl(base_url.to_owned(), "no socket path".into()));
            }
            let connector = UnixConnector::new(Path::new(path), connect_timeout);
            return Ok(Self(Arc::new(Peer {
                client: Transport::Unix(pooled(connector)),
                scheme: Scheme::HTTP,
                // What the `Host` header says; the socket is the address.
                authority: Authority::from_static("localhost"),
                timeout,
            })));
        }
        let uri: Uri = base_url
            .parse()
            .map_err(|e: InvalidUri| InvalidBaseUrl(base_url.to_owned(), e.to_string()))?;
        let invalid = |why: &str| InvalidBaseUrl(base_url.to_owned(), why.to_owned());
        let scheme = uri.scheme().cloned().ok_or_else(|| invalid("no scheme"))?;
        if scheme != Scheme::HTTP {
            return Err(invalid("only http:// is supported"));
        }
        let authority = uri.authority().cloned().ok_or_else(|| invalid("no host"))?;
        let connector = tcp_connector(RoundRobin::new(GaiResolver::new()), connect_timeout);
        Ok(Self(Arc::new(Peer {
            client: Transport::Tcp(pooled(connector)),
            scheme,
            authority,
            timeout,
        })))
    }

    /// The peer's address for `path_and_query` (which starts with `/`).
    pub fn uri(&self, path_and_query: PathAndQuery) -> Uri {
        Uri::builder()
            .scheme(self.0.scheme.clone())
            .authority(self.0.authority.clone())
            .path_and_query(path_and_query)
            .build()
            .expect("scheme, authority and path are each valid")
    }

    /// The peer's address for a path we write ourselves, such as `/inference`.
    pub fn uri_for(&self, path: &str) -> Uri {
        self.uri(PathAndQuery::try_from(path).expect("our own paths are valid"))
    }

    /// Sends `request` (its URI made with [`Upstream::uri`]) and reads the whole answer,
    /// within the client's timeout.
    pub async fn send(&self, request: Request<Body>) -> Result<Answer, UpstreamError> {
        self.send_within(request, self.0.timeout).await
    }

    /// `Ok` when the peer's `GET /ready` answers 2xx; otherwise why not, for a readiness
    /// answer: `"<name>: <its reason>"`, or `"<name>: timed out"` / `"unreachable"` (the
    /// connection error's own words go to the log, not to whoever asks).
    pub async fn check_ready(&self, name: &str) -> Result<(), String> {
        let request = Request::get(self.uri_for("/ready"))
            .body(Body::empty())
            .expect("a GET with no body is valid");
        let answer = self.send(request).await.map_err(|error| {
            tracing::warn!(%error, peer = name, "readiness: the check failed");
            format!("{name}: {}", error.summary())
        })?;
        if answer.head.status.is_success() {
            return Ok(());
        }
        let reason = serde_json::from_slice::<HealthStatus>(&answer.body)
            .ok()
            .and_then(|h| h.reason)
            .unwrap_or_else(|| "not ready".into());
        Err(format!("{name}: {reason}"))
    }

    /// Sends `request` and answers as soon as the head has arrived (within the client's
    /// timeout), with the body passed on as it comes: a long answer (a CSV export) is never
    /// held whole here. The body fails if the peer sends nothing for as long as the timeout.
    pub async fn send_streaming(
        &self,
        request: Request<Body>,
    ) -> Result<response::Response<Body>, UpstreamError> {
        let timeout = self.0.timeout;
        let response = tokio::time::timeout(timeout, self.request(request))
            .await
            .map_err(|_| UpstreamError::Timeout(timeout))??;
        let (head, body) = response.into_parts();
        let frames = futures_util::stream::unfold(Some(body), move |body| async move {
            let mut body = body?;
            match tokio::time::timeout(timeout, body.frame()).await {
                Ok(Some(Ok(frame))) => Some((Ok(frame), Some(body))),
                Ok(None) => None,
                Ok(Some(Err(error))) => Some((Err(io::Error::other(error)), None)),
                Err(_) => Some((
                    Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "the peer went quiet",
                    )),
                    None,
                )),
            }
        });
        let body = Body::new(http_body_util::StreamBody::new(frames));
        Ok(response::Response::from_parts(head, body))
    }

    /// The request on the pooled connection, up to the answer's head.
    async fn request(
        &self,
        request: Request<Body>,
    ) -> Result<response::Response<hyper::body::Incoming>, UpstreamError> {
        let response = match &self.0.client {
            Transport::Tcp(client) => client.request(request),
            Transport::Unix(client) => client.request(request),
        };
        response.await.map_err(|e| {
            if e.is_connect() {
                UpstreamError::Connect(e)
            } else {
                UpstreamError::Failed(Box::new(e))
            }
        })
    }

    /// [`Upstream::send`] with a deadline of its own (a training call takes longer).
    pub async fn send_within(
        &self,
        request: Request<Body>,
        timeout: Duration,
    ) -> Result<Answer, UpstreamError> {
        let call = async {
            let (head, body) = self.request(request).await?.into_parts();
            let body = body
                .collect()
                .await
                .map_err(|e| UpstreamError::Failed(Box::new(e)))?
                .to_bytes();
            Ok(Answer { head, body })
        };
        tokio::time::timeout(timeout, call)
            .await
            .map_err(|_| UpstreamError::Timeout(timeout))?
    }
}

/// The configured address of a peer service is not an `http://host:port` URL.
#[derive(Debug, thiserror::Error)]
#[error("invalid service address {0:?}: {1} (expected http://host:port or unix:/path)")]
pub struct InvalidBaseUrl(String, String);

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
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
}
