//! `<binary> healthcheck`: the container health probe, so runtime images need no curl.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(2);

/// `<binary> healthcheck [path]`: when the first argument asks for the probe, runs it against
/// the port in the environment variable `port_var` (else `default_port`) and returns its exit
/// code; otherwise `None`, and the binary starts the server.
pub fn run_if_requested(port_var: &str, default_port: u16) -> Option<ExitCode> {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() != Some("healthcheck") {
        return None;
    }
    let path = args.next().unwrap_or_else(|| "/health".into());
    let port = std::env::var(port_var)
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(default_port);
    Some(check(port, &path))
}

/// GETs `http://127.0.0.1:{port}{path}` and succeeds on a 200 answer.
pub fn check(port: u16, path: &str) -> ExitCode {
    match get_status(port, path) {
        Ok(200) => ExitCode::SUCCESS,
        Ok(status) => {
            eprintln!("healthcheck: {path} answered {status}");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("healthcheck: {error}");
            ExitCode::FAILURE
        }
    }
}

fn get_status(port: u16, path: &str) -> std::io::Result<u16> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )?;
    let mut head = [0u8; 32];
    let n = stream.read(&mut head)?;
    let line = String::from_utf8_lossy(&head[..n]);
    line.split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not an HTTP answer: {line:?}")))
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;
    use axum::{Router, http::StatusCode, routing::get};

    async fn serve(router: Router) -> u16 {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        port
    }

    #[tokio::test]
    async fn the_probe_succeeds_on_200_and_fails_otherwise() {
        let port = serve(
            Router::new()
                .route("/health", get(|| async { "ok" }))
                .route("/ready", get(|| async { StatusCode::SERVICE_UNAVAILABLE })),
        )
        .await;
        let (ok, not_ready) = tokio::task::spawn_blocking(move || {
            (get_status(port, "/health"), get_status(port, "/ready"))
        })
        .await
        .unwrap();
        assert_eq!(ok.unwrap(), 200);
        assert_eq!(not_ready.unwrap(), 503);
        assert_eq!(
            tokio::task::spawn_blocking(move || check(port, "/ready"))
                .await
                .unwrap(),
            ExitCode::FAILURE
        );
    }

    #[test]
    fn the_probe_fails_when_nothing_listens() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        assert_eq!(check(port, "/health"), ExitCode::FAILURE);
    }
}
