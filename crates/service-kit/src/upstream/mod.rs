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
mod tests;
