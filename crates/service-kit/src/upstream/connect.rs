//! How connections to a peer are opened: over TCP to every address its name resolves to, in
//! turn ([`RoundRobin`]), or to a Unix socket on this host ([`UnixConnector`]); and hyper's
//! pool over either.

use axum::body::Body;
use axum::http::Uri;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::dns::Name;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::UnixStream;

/// How long an idle pooled connection is kept.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// hyper's TCP connector over `resolver`: it tries the resolved addresses in their order,
/// the connect timeout shared between them, and sets no Nagle delay.
pub(super) fn tcp_connector<R: Clone>(resolver: R, connect_timeout: Duration) -> HttpConnector<R> {
    let mut connector = HttpConnector::new_with_resolver(resolver);
    connector.set_connect_timeout(Some(connect_timeout));
    connector.set_nodelay(true);
    connector
}

/// Resolves a peer's name with `R` and hands out its addresses starting one further each
/// time: when the name has one address per replica, successive connections start at
/// successive replicas, and the connector falls through to the next address when one cannot
/// be connected to. (A pooled connection is reused while it lives, so the spread is of
/// connections: one per request in flight, over every replica.)
#[derive(Debug, Clone)]
pub struct RoundRobin<R> {
    inner: R,
    next: Arc<AtomicUsize>,
}

impl<R> RoundRobin<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            next: Arc::default(),
        }
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl<R> tower::Service<Name> for RoundRobin<R>
where
    R: tower::Service<Name>,
    R::Response: Iterator<Item = SocketAddr>,
    R::Error: Into<BoxError>,
    R::Future: Send + 'static,
{
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let resolving = self.inner.call(name);
        let next = Arc::clone(&self.next);
        Box::pin(async move {
            let mut addresses: Vec<SocketAddr> = resolving.await.map_err(Into::into)?.collect();
            if !addresses.is_empty() {
                let first = next.fetch_add(1, Ordering::Relaxed) % addresses.len();
                addresses.rotate_left(first);
            }
            Ok(addresses.into_iter())
        })
    }
}

/// hyper's pooled HTTP/1.1 client over `connector`.
pub(super) fn pooled<C>(connector: C) -> Client<C, Body>
where
    C: hyper_util::client::legacy::connect::Connect + Clone,
{
    Client::builder(TokioExecutor::new())
        .pool_idle_timeout(POOL_IDLE_TIMEOUT)
        .build(connector)
}

/// Opens connections to a Unix socket, whatever the request's URI says: the connector of
/// hyper's client for a peer on this host.
#[derive(Debug, Clone)]
pub struct UnixConnector {
    path: Arc<Path>,
    timeout: Duration,
}

impl UnixConnector {
    /// Connects to the socket at `path`, giving up after `timeout`.
    pub fn new(path: &Path, timeout: Duration) -> Self {
        Self {
            path: Arc::from(path),
            timeout,
        }
    }
}

impl tower::Service<Uri> for UnixConnector {
    type Response = TokioIo<UnixStream>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<Self::Response>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Uri) -> Self::Future {
        let Self { path, timeout } = self.clone();
        Box::pin(async move {
            match tokio::time::timeout(timeout, UnixStream::connect(&*path)).await {
                Ok(stream) => stream.map(TokioIo::new),
                Err(_) => Err(io::ErrorKind::TimedOut.into()),
            }
        })
    }
}
