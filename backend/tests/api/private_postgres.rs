//! A PostgreSQL cluster of a test's own (initdb + pg_ctl, as the `postgres` user when the
//! tests run as root, since PostgreSQL refuses to run as root), for tests that stop it.

use std::path::PathBuf;
use std::process::Command;

/// A PostgreSQL cluster in a temporary folder, on a free loopback port.
pub struct PrivatePostgres {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    _dir: tempfile::TempDir,
}

impl PrivatePostgres {
    pub fn init() -> Self {
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

    pub fn url(&self) -> String {
        format!("postgres://lifeboat@127.0.0.1:{}/postgres", self.port)
    }

    pub fn start(&self) {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -c port={} -c unix_socket_directories=''",
            self.port
        );
        self.as_owner(
            "pg_ctl",
            &["-w", "-o", &options, "-l", "/dev/null", "start", "-D"],
        );
    }

    pub fn stop(&self) {
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
