//! Building and running the backend: database pool and migrations, the model service
//! client, the listener; then serving until SIGTERM.

use crate::account_links::LinkMaker;
use crate::active::ActiveModels;
use crate::auth::{JwtKeys, LiveSessions, load_or_create_secret};
use crate::config::Config;
use crate::dataset_summary::SummaryCache;
use crate::history::{self, Recorder, RecorderTask};
use crate::mail::{self, MailWorker, Mailer};
use crate::model_client::ModelClient;
use crate::rate_limit::RateLimits;
use crate::request_limits::AccountLinkLimits;
use crate::routes;
use crate::state::{AppState, Shared};
use crate::training::Trainer;
use crate::{bootstrap, gauges};
use anyhow::Context;
use lifeboat_api_types::Algorithm;
use lifeboat_service_kit::limits::Limits;
use lifeboat_service_kit::server::{self, UnixSocket};
use secrecy::{ExposeSecret, SecretString};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// How long start-up waits for Postgres to accept the migrations.
const MIGRATION_PATIENCE: Duration = Duration::from_secs(60);

/// A bound, not yet running, backend.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    socket: Option<UnixSocket>,
    state: AppState,
    train_default_models: bool,
    recorder: RecorderTask,
    mail: MailWorker,
    retention_days: u32,
}

impl Application {
    /// Connects to Postgres, applies the migrations and binds the listener.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let pool = connect(&config).await?;
        Self::build_with_pool(config, pool).await
    }

    /// Like [`Application::build`] with a pool that is already migrated (tests).
    pub async fn build_with_pool(config: Config, db: PgPool) -> anyhow::Result<Self> {
        describe_metrics();
        let jwt = JwtKeys::new(&jwt_secret(&config)?)?;
        crate::first_admin::ensure(&config, &db).await?;
        tokio::task::spawn_blocking(crate::auth::warm_up_password_checks);
        let model = ModelClient::new(
            &config.model_service_url,
            config.model_service_connect_timeout(),
            config.model_service_timeout(),
            config.training_timeout(),
        )
        .context("cannot build the model service client")?;
        let active = Arc::new(ActiveModels::default());
        let trainer = Trainer::new(
            db.clone(),
            model.clone(),
            Arc::clone(&active),
            config.training_queue_limit,
        );
        let rate_limits = RateLimits::new(
            config.signup_rate_per_hour,
            config.anonymous_inference_rate_per_second,
        );
        rate_limits.spawn_sweeper();
        let (recorder, recorder_task) = Recorder::start(db.clone(), config.record_predictions);
        let mailer = Mailer::from_settings(config.smtp_url.as_ref(), &config.mail_from)?;
        if config.require_verified_email && mailer.is_none() {
            anyhow::bail!(
                "REQUIRE_VERIFIED_EMAIL=true needs SMTP_URL: without mail no one could verify"
            );
        }
        let links = LinkMaker::new(&config.public_url);
        let mail_wake = Arc::new(Notify::new());
        let mail_on = mailer.is_some();
        let mail = MailWorker {
            db: db.clone(),
            mailer,
            links: links.clone(),
            wake: Arc::clone(&mail_wake),
        };
        let listener = server::bind(config.host, config.port).await?;
        let socket = server::bind_unix_if_set(config.socket.as_deref()).await?;
        Ok(Self {
            listener,
            socket,
            state: AppState::new(Shared {
                db,
                model,
                jwt: Arc::new(jwt),
                live_sessions: LiveSessions::default(),
                rate_limits,
                trusted_proxies: config.trusted_proxies.parse()?,
                active,
                trainer,
                recorder,
                dataset_summary: SummaryCache::default(),
                links,
                mail_on,
                mail_wake,
                link_limits: AccountLinkLimits {
                    per_address: config.account_link_rate_per_address,
                    per_client: config.account_link_rate_per_client,
                },
                require_verified_email: config.require_verified_email,
            }),
            train_default_models: config.train_default_models,
            recorder: recorder_task,
            mail,
            retention_days: config.prediction_retention_days,
        })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// Starts the background start-up work, then serves until asked to stop, finishing
    /// in-flight requests; then writes the predictions still queued for the history and
    /// lets the mail worker finish the mail in hand.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let mail = self.mail.start();
        tokio::spawn(gauges::sample_forever(self.state.clone()));
        tokio::spawn(history::keep_within(
            self.state.db.clone(),
            self.retention_days,
        ));
        tokio::spawn(self.state.trainer.clone().work_forever());
        tokio::spawn(bootstrap::run(
            self.state.clone(),
            self.train_default_models,
        ));
        let served = server::serve(
            "backend",
            self.listener,
            self.socket,
            routes::router(self.state),
            Limits::default(),
            server::MetricsAt::ServicePort,
        )
        .await;
        self.recorder.finish().await;
        mail.finish().await;
        served
    }
}

/// Help texts of the backend's own metrics (the HTTP ones come from the service kit).
fn describe_metrics() {
    lifeboat_service_kit::metrics::handle();
    gauges::describe();
    history::describe_metrics();
    mail::describe_metrics();
    metrics::describe_counter!("logins_total", "Login attempts by outcome");
    metrics::describe_counter!(
        "token_refreshes_total",
        "Refresh token exchanges by outcome (success, reused, session_ended, unknown)"
    );
    metrics::describe_counter!("signups_total", "Accounts created");
    metrics::describe_counter!(
        "inference_requests_total",
        "Predictions asked of the model service, by model, algorithm and outcome"
    );
    metrics::describe_counter!(
        "training_jobs_total",
        "Training jobs finished, by algorithm and status"
    );
    metrics::describe_histogram!(
        "training_job_duration_seconds",
        metrics::Unit::Seconds,
        "Time from a training job's start to its end, by algorithm"
    );
    metrics::describe_gauge!(
        "training_jobs_in_queue",
        "Training jobs waiting to run, in every replica (the queue is in Postgres)"
    );
    metrics::describe_counter!(
        "training_jobs_abandoned_total",
        "Running training jobs this replica failed because the replica running them stopped"
    );
    metrics::describe_histogram!(
        "inference_duration_seconds",
        metrics::Unit::Seconds,
        "Time for the model service to answer a prediction (its wait for a batch slot included), by model, algorithm and outcome"
    );
    // Series that exist from the start, so rates and dashboards show 0 rather than nothing.
    for outcome in ["success", "failure", "throttled"] {
        metrics::counter!("logins_total", "outcome" => outcome).increment(0);
    }
    metrics::counter!("signups_total").increment(0);
    metrics::counter!("db_pool_timeouts_total").increment(0);
    for algorithm in Algorithm::ALL {
        for status in ["succeeded", "failed"] {
            metrics::counter!(
                "training_jobs_total",
                "algorithm" => algorithm.as_str(),
                "status" => status
            )
            .increment(0);
        }
    }
    metrics::gauge!("training_jobs_in_queue").increment(0.0);
}

/// The JWT secret: `JWT_SECRET` when set, else the generated file; refuses to start without.
fn jwt_secret(config: &Config) -> anyhow::Result<SecretString> {
    if let Some(secret) = config
        .jwt_secret
        .as_ref()
        .filter(|s| !s.expose_secret().is_empty())
    {
        return Ok(secret.clone());
    }
    match &config.jwt_secret_file {
        Some(path) => load_or_create_secret(path),
        None => anyhow::bail!("set JWT_SECRET (32+ bytes) or JWT_SECRET_FILE"),
    }
}

/// A pool on `DATABASE_URL`, with the migrations applied.
pub async fn connect(config: &Config) -> anyhow::Result<PgPool> {
    let pool = PgPoolOptions::new()
        .max_connections(config.database_max_connections)
        .acquire_timeout(Duration::from_secs(2))
        .connect_lazy(config.database_url()?.expose_secret())
        .context("invalid DATABASE_URL")?;
    migrate(&pool).await?;
    Ok(pool)
}

/// Applies `migrations/`, waiting for Postgres to come up for at most a minute.
async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    let started = tokio::time::Instant::now();
    loop {
        match sqlx::migrate!("../migrations").run(pool).await {
            Ok(()) => return Ok(()),
            Err(error) if started.elapsed() < MIGRATION_PATIENCE => {
                tracing::warn!(%error, "database not ready for migrations, retrying");
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
            Err(error) => return Err(error).context("cannot apply the database migrations"),
        }
    }
}
