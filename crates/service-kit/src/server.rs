//! Binding, serving and the health answers, the same for every service.

use crate::edge::EdgeLayer;
use crate::limits::Limits;
use anyhow::Context;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use lifeboat_api_types::HealthStatus;
use std::future::IntoFuture;
use std::net::{IpAddr, SocketAddr};
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use tokio::net::{TcpListener, UnixListener, UnixStream};

/// Binds `host:port` (port 0 picks a free one, as tests do).
pub async fn bind(host: IpAddr, port: u16) -> anyhow::Result<TcpListener> {
    TcpListener::bind((host, port))
        .await
        .with_context(|| format!("cannot listen on {host}:{port}"))
}

/// A Unix socket a service listens on besides its port, for the services on the same host
/// (`unix:` addresses in [`crate::upstream::Upstream`]). Its file is removed when dropped.
#[derive(Debug)]
pub struct UnixSocket {
    listener: Option<UnixListener>,
    path: PathBuf,
}

impl Drop for UnixSocket {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Binds the Unix socket at `path`. A socket file that a process which has ended left
/// behind is replaced; one that a running process answers on is not (the same refusal as a
/// port in use), nor is a file that is not a socket.
pub async fn bind_unix(path: &Path) -> anyhow::Result<UnixSocket> {
    let stale = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_socket());
    if stale {
        anyhow::ensure!(
            UnixStream::connect(path).await.is_err(),
            "cannot listen on {}: another process is listening there",
            path.display()
        );
        std::fs::remove_file(path)
            .with_context(|| format!("cannot remove the old socket {}", path.display()))?;
    }
    let listener =
        UnixListener::bind(path).with_context(|| format!("cannot listen on {}", path.display()))?;
    Ok(UnixSocket {
        listener: Some(listener),
        path: path.to_owned(),
    })
}

/// [`bind_unix`] when a socket is configured.
pub async fn bind_unix_if_set(path: Option<&Path>) -> anyhow::Result<Option<UnixSocket>> {
    match path {
        Some(path) => Ok(Some(bind_unix(path).await?)),
        None => Ok(None),
    }
}

/// Where a service answers `GET /metrics`.
#[derive(Debug)]
pub enum MetricsAt {
    /// Beside its routes, on its own port and socket: for ports only the service network
    /// reaches.
    ServicePort,
    /// On a listener of its own, and not on the service's port: for a port that faces users
    /// (the web port), with the monitoring port reachable by Prometheus alone.
    Listener(TcpListener),
}

/// Serves `router` behind `limits`, with request ids, tracing and the HTTP metrics
/// ([`with_service_layers`]), on `listener` (the caller's address available to handlers) and
/// on `socket` if given, and `GET /metrics` where `metrics` says, until SIGTERM or Ctrl-C;
/// in-flight requests finish first.
pub async fn serve(
    service: &'static str,
    listener: TcpListener,
    socket: Option<UnixSocket>,
    router: Router,
    limits: Limits,
    metrics: MetricsAt,
) -> anyhow::Result<()> {
    let port = listener.local_addr()?.port();
    let socket_path = socket.as_ref().map(|s| s.path.display().to_string());
    let (router, metrics_listener) = match metrics {
        MetricsAt::ServicePort => (with_metrics_route(router), None),
        MetricsAt::Listener(listener) => (router, Some(listener)),
    };
    let metrics_port = match &metrics_listener {
        Some(listener) => Some(listener.local_addr()?.port()),
        None => None,
    };
    tracing::info!(
        service,
        port,
        socket = socket_path,
        metrics_port,
        "listening"
    );
    let router = with_service_layers(router, limits);

    // One signal stops every server; the socket file goes when `socket` is dropped.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        crate::shutdown_signal().await;
        let _ = stop.send(true);
    });
    let on_stop = |mut stopped: tokio::sync::watch::Receiver<bool>| async move {
        let _ = stopped.wait_for(|&stop| stop).await;
    };
    let tcp = axum::serve(
        listener,
        router
            .clone()
            .into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(on_stop(stopped.clone()))
    .into_future();
    let mut socket = socket;
    let unix = socket.as_mut().and_then(|s| s.listener.take()).map(|unix| {
        axum::serve(unix, router)
            .with_graceful_shutdown(on_stop(stopped.clone()))
            .into_future()
    });
    let monitoring = metrics_listener.map(|listener| {
        let metrics = with_metrics_route(Router::new()).layer(EdgeLayer::new(Limits::default()));
        axum::serve(listener, metrics)
            .with_graceful_shutdown(on_stop(stopped.clone()))
            .into_future()
    });
    tokio::try_join!(tcp, optional(unix), optional(monitoring)).context("server error")?;
    drop(socket);
    Ok(())
}

/// Runs `server` when there is one.
async fn optional(
    server: Option<impl Future<Output = std::io::Result<()>>>,
) -> std::io::Result<()> {
    match server {
        Some(server) => server.await,
        None => Ok(()),
    }
}

/// `router` plus `GET /metrics`.
fn with_metrics_route(router: Router) -> Router {
    router.route("/metrics", get(crate::metrics::render))
}

/// `router` behind [`EdgeLayer`] with `limits`: the way [`serve`] serves it.
pub fn with_service_layers(router: Router, limits: Limits) -> Router {
    router.layer(EdgeLayer::new(limits))
}

/// `GET /health`: the process answers. No dependency is checked.
pub async fn health() -> Json<HealthStatus> {
    Json(HealthStatus::ok())
}

/// The `/ready` answer: 200 when ready, 503 with the reason otherwise.
pub fn readiness(result: Result<(), String>) -> (StatusCode, Json<HealthStatus>) {
    match result {
        Ok(()) => (StatusCode::OK, Json(HealthStatus::ok())),
        Err(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(HealthStatus::unavailable(reason)),
        ),
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_socket_left_by_an_ended_process_is_replaced_and_removed_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("service.sock");
        // Bound and dropped without removing its file, as a killed process leaves it.
        drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
        assert!(path.exists());

        let socket = bind_unix(&path).await.unwrap();
        UnixStream::connect(&path)
            .await
            .expect("the new socket accepts");
        drop(socket);
        assert!(!path.exists(), "the socket file was left behind");
    }

    #[tokio::test]
    async fn a_socket_another_process_listens_on_or_a_plain_file_is_not_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("service.sock");
        let _running = bind_unix(&path).await.unwrap();
        let error = bind_unix(&path).await.unwrap_err();
        assert!(error.to_string().contains("another process"), "{error:#}");

        let file = dir.path().join("notes.txt");
        std::fs::write(&file, "keep me").unwrap();
        assert!(bind_unix(&file).await.is_err());
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    }
}
