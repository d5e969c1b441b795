//! What the handlers share.

use crate::account_links::LinkMaker;
use crate::active::ActiveModels;
use crate::auth::{JwtKeys, LiveSessions};
use crate::dataset_summary::SummaryCache;
use crate::history::Recorder;
use crate::model_client::ModelClient;
use crate::rate_limit::RateLimits;
use crate::request_limits::AccountLinkLimits;
use crate::training::Trainer;
use lifeboat_service_kit::forwarded::TrustedProxies;
use sqlx::PgPool;
use std::ops::Deref;
use std::sync::Arc;
use tokio::sync::Notify;

/// What every handler gets: one shared [`Shared`], so cloning it per request is one atomic
/// increment.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The backend's shared parts.
#[derive(Debug)]
pub struct Shared {
    pub db: PgPool,
    pub model: ModelClient,
    pub jwt: Arc<JwtKeys>,
    /// Which sessions are live, cached for the prediction path.
    pub live_sessions: LiveSessions,
    pub rate_limits: RateLimits,
    /// Whose `X-Forwarded-For` is believed over TCP (see `routes::client`).
    pub trusted_proxies: TrustedProxies,
    pub active: Arc<ActiveModels>,
    pub trainer: Trainer,
    /// Where answered predictions go to be kept (signed-in) or counted (anonymous).
    pub recorder: Recorder,
    /// The data set summary, read from the model service once an hour at most.
    pub dataset_summary: SummaryCache,
    /// Makes the one-time links (reset, verification) and queues their mail.
    pub links: LinkMaker,
    /// Whether mail is on (`SMTP_URL` is set): without it no link is mailed.
    pub mail_on: bool,
    /// Wakes this replica's mail worker when a request or a mail was queued.
    pub mail_wake: Arc<Notify>,
    /// The limits on forgot, reset, verify and resend, shared by every replica.
    pub link_limits: AccountLinkLimits,
    /// `REQUIRE_VERIFIED_EMAIL`.
    pub require_verified_email: bool,
}

impl Shared {
    /// Queues a verification link to `user`'s address, in the caller's transaction, when mail
    /// is on (without it there is nothing to verify with). Wake the mail worker with
    /// `mail_wake` once the transaction is committed.
    pub async fn queue_verification(
        &self,
        conn: &mut sqlx::PgConnection,
        user: &lifeboat_api_types::User,
    ) -> anyhow::Result<()> {
        if self.mail_on {
            self.links
                .mail(
                    conn,
                    user.id,
                    &user.email,
                    crate::account_links::LinkPurpose::Verify,
                )
                .await?;
        }
        Ok(())
    }
}
