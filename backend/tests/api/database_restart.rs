//! Postgres restarted under the backend: while it is down, requests that need it fail fast
//! with 503; once it is back they succeed again, with no restart of the backend. The test
//! runs a private PostgreSQL cluster of its own (initdb + pg_ctl, as the `postgres` user when
//! the tests run as root, since PostgreSQL refuses to run as root) so it can stop it.

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, config};
use lifeboat_backend::{Application, Config};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// A PostgreSQL cluster in a temporary folder, on a free loopback port.
struct PrivatePostgres {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    _dir: tempfile::TempDir,
}

impl PrivatePostgres {
    fn init() -> Self {
        let bin = postgres_bin_dir();
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        if is_root() {
            // The `postgres` user must own the cluster's folder.
            run(Command::new("chown").args(["postgres", dir.path().to_str().unwrap()]));
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let pg = Self {
            bin,
            data,
            port,
            _dir: dir,
        };
        pg.as_owner(
            "initdb",
            &["-U", "lifeboat", "--auth=trust", "-E", "UTF8", "-D"],
        );
        pg.start();
        pg
    }

    fn url(&self) -> String {
        format!("postgres://lifeboat@127.0.0.1:{}/postgres", self.port)
    }

    fn start(&self) {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -c port={} -c unix_socket_directories=''",
            self.port
        );
        self.as_owner(
            "pg_ctl",
            &["-w", "-o", &options, "-l", "/dev/null", "start", "-D"],
        );
    }

    fn stop(&self) {
        self.as_owner("pg_ctl", &["-w", "-m", "fast", "stop", "-D"]);
    }

    /// Runs `program args... <data folder>` as the cluster's owner.
    fn as_owner(&self, program: &str, args: &[&str]) {
        run(&mut self.owner_command(program, args));
    }

    fn owner_command(&self, program: &str, args: &[&str]) -> Command {
        let program = self.bin.join(program);
        let mut command = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        command.args(args).arg(&self.data);
        command
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let _ = self
            .owner_command("pg_ctl", &["-m", "immediate", "stop", "-D"])
            .output();
    }
}

/// The newest installed PostgreSQL's programs (Debian's layout), or `PG_BIN_DIR`.
fn postgres_bin_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("PG_BIN_DIR") {
        return dir.into();
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    found.sort();
    found
        .pop()
        .map(|version| version.join("bin"))
        .filter(|bin| bin.join("initdb").exists())
        .expect("PostgreSQL's initdb and pg_ctl are needed (Debian: postgresql; or set PG_BIN_DIR)")
}

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

fn run(command: &mut Command) {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn me_status(app: &TestApp, token: &str) -> (u16, Duration) {
    let started = Instant::now();
    let status = app
        .client
        .get(app.url("/api/me"))
        .bearer_auth(token)
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16();
    (status, started.elapsed())
}

#[tokio::test]
async fn with_postgres_down_requests_fail_fast_with_503_and_succeed_once_it_is_back() {
    let pg = PrivatePostgres::init();
    let app = Application::build(Config {
        database_url: pg.url().into(),
        admin_email: Some(ADMIN_EMAIL.into()),
        admin_password: Some(ADMIN_PASSWORD.into()),
        ..config(&crate::helpers::closed_port_url())
    })
    .await
    .expect("the backend starts on the private cluster");
    let app = TestApp::running(app);
    let token = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(me_status(&app, &token).await.0, 200);

    pg.stop();
    for _ in 0..3 {
        let (status, took) = me_status(&app, &token).await;
        assert_eq!(status, 503, "a request during the outage");
        assert!(took < Duration::from_secs(3), "took {took:?}");
        eprintln!("during the outage: {status} in {took:?}");
    }
    let login = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(login.status(), 503);
    let body: serde_json::Value = login.json().await.unwrap();
    assert_eq!(body["error"], "database_unavailable");
    let health = app.get("/health").await;
    assert_eq!(health.status(), 200, "the process itself stays up");

    pg.start();
    let back = Instant::now();
    let deadline = back + Duration::from_secs(15);
    loop {
        let (status, _) = me_status(&app, &token).await;
        if status == 200 {
            eprintln!("200 again {:?} after Postgres started", back.elapsed());
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still {status} after Postgres came back"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // A fresh login (a write: a new session) works again too.
    assert_eq!(app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.status(), 200);
}
