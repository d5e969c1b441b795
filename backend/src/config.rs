//! The backend's configuration, read from the environment (or flags).

use clap::Parser;
use lifeboat_service_kit::secret_file::value_or_file;
use secrecy::{ExposeSecret, SecretString};
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::time::Duration;

/// Everything the backend can be told. See `.env.example`.
#[derive(Debug, Clone, Parser)]
#[command(name = "lifeboat-backend", version, about)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "BACKEND_HOST", default_value_t = IpAddr::V4(Ipv4Addr::UNSPECIFIED))]
    pub host: IpAddr,
    /// Port to listen on (0 picks a free one).
    #[arg(long, env = "BACKEND_PORT", default_value_t = 8000)]
    pub port: u16,
    /// A Unix socket to listen on as well, for the web port on the same host
    /// (`BACKEND_URL=unix:/path`); none by default.
    #[arg(long, env = "BACKEND_SOCKET")]
    pub socket: Option<PathBuf>,
    /// Postgres connection URL, e.g. `postgres://lifeboat:secret@localhost/lifeboat`.
    #[arg(
        long,
        env = "DATABASE_URL",
        hide_env_values = true,
        required_unless_present = "database_url_file"
    )]
    pub database_url: Option<SecretString>,
    /// A file holding the connection URL (a Swarm secret), read when `DATABASE_URL` is unset.
    #[arg(long, env = "DATABASE_URL_FILE")]
    pub database_url_file: Option<PathBuf>,
    /// Largest number of pooled database connections.
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", default_value_t = 10)]
    pub database_max_connections: u32,
    /// Base URL of the model service: `http://host:port`, or `unix:/path` for the Unix
    /// socket of one on the same host.
    #[arg(
        long,
        env = "MODEL_SERVICE_URL",
        default_value = "http://localhost:8001"
    )]
    pub model_service_url: String,
    /// How long to wait for a connection to the model service, in milliseconds.
    #[arg(long, env = "MODEL_SERVICE_CONNECT_TIMEOUT_MS", default_value_t = 500)]
    pub model_service_connect_timeout_ms: u64,
    /// How long a whole call to the model service may take, in milliseconds.
    #[arg(long, env = "MODEL_SERVICE_TIMEOUT_MS", default_value_t = 3000)]
    pub model_service_timeout_ms: u64,
    /// How long one training may take in the model service, in seconds.
    #[arg(long, env = "TRAINING_TIMEOUT_S", default_value_t = 600)]
    pub training_timeout_s: u64,
    /// How many training jobs may wait or run at once; more are refused with 429.
    #[arg(long, env = "TRAINING_QUEUE_LIMIT", default_value_t = 4)]
    pub training_queue_limit: usize,
    /// On start-up, train and activate a random forest and an SVM for each algorithm that
    /// has no model yet (a fresh install), so predictions work at once.
    #[arg(long, env = "TRAIN_DEFAULT_MODELS", default_value_t = true, action = clap::ArgAction::Set)]
    pub train_default_models: bool,
    /// Secret that signs access tokens (HS256), at least 32 bytes. Unset or empty: the
    /// secret is read from `jwt_secret_file`, which is created with a random one if missing.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<SecretString>,
    /// Where the generated JWT secret is kept when `JWT_SECRET` is not set.
    #[arg(long, env = "JWT_SECRET_FILE")]
    pub jwt_secret_file: Option<PathBuf>,
    /// E-mail of the admin account made (or promoted) at start-up, with `ADMIN_PASSWORD`;
    /// without it, the e-mail of a generated first admin (`INITIAL_ADMIN_PASSWORD_FILE`).
    #[arg(long, env = "ADMIN_EMAIL")]
    pub admin_email: Option<String>,
    /// Password of that admin account when it is created; never changes an existing one.
    #[arg(long, env = "ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<SecretString>,
    /// A file holding that password (a Swarm secret), read when `ADMIN_PASSWORD` is unset.
    #[arg(long, env = "ADMIN_PASSWORD_FILE")]
    pub admin_password_file: Option<PathBuf>,
    /// When no admin exists and none is configured, one is created (`ADMIN_EMAIL`, else
    /// `admin@lifeboat.local`) with a random password written to this file. Unset: none.
    #[arg(long, env = "INITIAL_ADMIN_PASSWORD_FILE")]
    pub initial_admin_password_file: Option<PathBuf>,
    /// Sign-ups allowed per client address per hour; 0 for no limit.
    #[arg(long, env = "SIGNUP_RATE_PER_HOUR", default_value_t = 30)]
    pub signup_rate_per_hour: u32,
    /// Predictions per second allowed to a client that is not signed in, with bursts of
    /// twice that; 0 for no limit. Signed-in users are not limited.
    #[arg(
        long,
        env = "ANONYMOUS_INFERENCE_RATE_PER_SECOND",
        default_value_t = 20
    )]
    pub anonymous_inference_rate_per_second: u32,
    /// Addresses (IPs or CIDR blocks, comma-separated) whose `X-Forwarded-For` names the
    /// client: the web port's, when it reaches the backend over TCP (on its Unix socket it is
    /// believed always). Empty (the default): over TCP the client is the connection's peer.
    #[arg(long, env = "TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,
    /// Days a signed-in user's predictions are kept in their history; older ones are deleted.
    #[arg(long, env = "PREDICTION_RETENTION_DAYS", default_value_t = 365, value_parser = clap::value_parser!(u32).range(1..))]
    pub prediction_retention_days: u32,
    /// Whether signed-in predictions are recorded in the history. Switched off only to
    /// measure what recording costs (bench/history-recording.sh).
    #[arg(long, env = "RECORD_PREDICTIONS", default_value_t = true, action = clap::ArgAction::Set)]
    pub record_predictions: bool,
    /// Where account mail (reset and verification links) is sent: `smtps://user:pass@host:465`
    /// (TLS), `smtp://user:pass@host:587?tls=required` (STARTTLS), or `smtp://mailcatcher:1025`
    /// for the development catcher. Unset: mail is off (the forms answer the same; nothing is
    /// sent).
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<SecretString>,
    /// The sender of account mail.
    #[arg(
        long,
        env = "MAIL_FROM",
        default_value = "Lifeboat <lifeboat@localhost>"
    )]
    pub mail_from: String,
    /// Where people open the web app; the links in account mail start with it.
    #[arg(long, env = "PUBLIC_URL", default_value = "http://localhost:8080")]
    pub public_url: String,
    /// Whether an account must have verified its address before it may sign in. `false` (the
    /// default): it may, and the web app shows a banner until it does.
    #[arg(long, env = "REQUIRE_VERIFIED_EMAIL", default_value_t = false, action = clap::ArgAction::Set)]
    pub require_verified_email: bool,
    /// Forgot-password, reset, verify and resend requests allowed per address typed per hour
    /// (counted in Postgres, so every replica agrees); 0 for no limit.
    #[arg(long, env = "ACCOUNT_LINK_RATE_PER_ADDRESS", default_value_t = 5)]
    pub account_link_rate_per_address: u32,
    /// The same requests allowed per client address per hour; 0 for no limit.
    #[arg(long, env = "ACCOUNT_LINK_RATE_PER_CLIENT", default_value_t = 30)]
    pub account_link_rate_per_client: u32,
    /// An operator's command instead of the service.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What an operator can ask of the backend binary (`docker compose exec backend
/// lifeboat-backend …`).
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Prints a one-time link to choose a new password for the account with EMAIL (admins
    /// included), valid 30 minutes; the account's older reset links end. No mail is sent.
    ResetLink {
        /// The account's e-mail address.
        email: String,
    },
}

impl Config {
    /// `DATABASE_URL`, else the contents of `DATABASE_URL_FILE`.
    pub fn database_url(&self) -> anyhow::Result<SecretString> {
        secret(&self.database_url, &self.database_url_file, "DATABASE_URL")?
            .ok_or_else(|| anyhow::anyhow!("set DATABASE_URL or DATABASE_URL_FILE"))
    }

    /// `ADMIN_PASSWORD`, else the contents of `ADMIN_PASSWORD_FILE`, else none.
    pub fn admin_password(&self) -> anyhow::Result<Option<SecretString>> {
        secret(
            &self.admin_password,
            &self.admin_password_file,
            "ADMIN_PASSWORD",
        )
    }

    pub fn model_service_connect_timeout(&self) -> Duration {
        Duration::from_millis(self.model_service_connect_timeout_ms)
    }

    pub fn model_service_timeout(&self) -> Duration {
        Duration::from_millis(self.model_service_timeout_ms)
    }

    pub fn training_timeout(&self) -> Duration {
        Duration::from_secs(self.training_timeout_s)
    }
}

/// `value`, else the contents of `file`, else none.
fn secret(
    value: &Option<SecretString>,
    file: &Option<PathBuf>,
    variable: &str,
) -> anyhow::Result<Option<SecretString>> {
    let value = value.as_ref().map(|v| v.expose_secret());
    Ok(value_or_file(value, file.as_deref(), variable)?.map(SecretString::from))
}
