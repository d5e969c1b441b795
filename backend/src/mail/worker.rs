//! The mail worker: turns "forgot password" requests into links and mails (or into nothing,
//! for an address without an account), then sends the outbox. Every replica runs one; rows
//! are taken with `FOR UPDATE SKIP LOCKED`, so each is handled by one replica at a time.
//!
//! Delivery is at least once. A mail's row stays locked while it is sent and is marked sent
//! in the same transaction, so a crash or a failed commit leaves it unsent: it is sent again
//! later, and the recipient may get it twice. That is the most SMTP allows (the server may
//! accept a mail whose acceptance never reaches us). On SIGTERM the worker finishes the mail
//! it is sending, marks it, and stops, so a graceful stop neither loses nor repeats one.

use super::{Mailer, SendError};
use crate::account_links::{LinkMaker, LinkPurpose};
use crate::db::{mail_outbox, request_counts, users};
use crate::request_limits;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

/// How often the worker looks for work that another replica queued (its own requests wake
/// it at once).
const POLL_EVERY: Duration = Duration::from_secs(1);
/// The first retry's wait; each retry doubles it, up to [`RETRY_AT_MOST`].
const RETRY_FIRST: Duration = Duration::from_secs(1);
/// The longest wait between two tries of one mail.
const RETRY_AT_MOST: Duration = Duration::from_secs(60);
/// How often old rate-limit counts are deleted.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(60);

/// What the worker needs; [`MailWorker::start`] runs it.
#[derive(Debug, Clone)]
pub struct MailWorker {
    pub db: PgPool,
    /// `None`: mail is off; requests are dropped and nothing is sent.
    pub mailer: Option<Mailer>,
    pub links: LinkMaker,
    /// Notified when this replica queues work.
    pub wake: Arc<Notify>,
}

/// The running worker; [`MailTask::finish`] stops it after the mail in hand.
#[derive(Debug)]
pub struct MailTask {
    stop: watch::Sender<bool>,
    handle: JoinHandle<()>,
}

impl MailTask {
    /// Asks the worker to stop and waits for it.
    pub async fn finish(self) {
        let _ = self.stop.send(true);
        let _ = self.handle.await;
    }
}

impl MailWorker {
    /// Starts the worker on its own task.
    pub fn start(self) -> MailTask {
        if self.mailer.is_none() {
            tracing::warn!(
                "mail is off (SMTP_URL is not set): no reset or verification link will be mailed; \
                 `lifeboat-backend reset-link EMAIL` makes a reset link without mail"
            );
        }
        let (stop, stopped) = watch::channel(false);
        let handle = tokio::spawn(self.run(stopped));
        MailTask { stop, handle }
    }

    async fn run(self, mut stopped: watch::Receiver<bool>) {
        let mut last_housekeeping = tokio::time::Instant::now();
        loop {
            if let Err(error) = self.pass(&stopped).await {
                tracing::warn!(error = %error, "mail worker pass failed; retrying");
            }
            if last_housekeeping.elapsed() >= HOUSEKEEPING_EVERY {
                last_housekeeping = tokio::time::Instant::now();
                if let Err(error) = self.housekeeping().await {
                    tracing::warn!(error = %error, "mail worker housekeeping failed");
                }
            }
            tokio::select! {
                _ = stopped.changed() => {}
                () = self.wake.notified() => {}
                () = tokio::time::sleep(POLL_EVERY) => {}
            }
            if *stopped.borrow() {
                return;
            }
        }
    }

    /// Handles every waiting request, then sends every mail that is due.
    async fn pass(&self, stopped: &watch::Receiver<bool>) -> anyhow::Result<()> {
        while !*stopped.borrow() && self.handle_reset_request().await? {}
        let Some(mailer) = &self.mailer else {
            return Ok(());
        };
        let mut conn = self.db.acquire().await?;
        let given_up = mail_outbox::give_up_expired(&mut conn).await?;
        metrics::counter!("mails_total", "outcome" => "failed").increment(given_up);
        while !*stopped.borrow() && self.send_next(mailer).await? {}
        metrics::gauge!("mail_outbox_pending").set(mail_outbox::pending(&mut conn).await? as f64);
        Ok(())
    }

    /// Takes one "forgot password" request; for an address with an account, issues a reset
    /// link and queues its mail in the same transaction. `false` when none was waiting.
    async fn handle_reset_request(&self) -> anyhow::Result<bool> {
        let mut tx = self.db.begin().await?;
        let Some(email) = mail_outbox::take_reset_request(&mut tx).await? else {
            return Ok(false);
        };
        if self.mailer.is_some()
            && let Some((user, address)) = users::find_by_email(&mut tx, &email).await?
        {
            self.links
                .mail(&mut tx, user, &address, LinkPurpose::Reset)
                .await?;
            tracing::info!(event = "reset_link_mailed", user_id = %user, "reset link queued");
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Sends the oldest due mail, holding its row until the outcome is recorded. `false` when
    /// none was due.
    async fn send_next(&self, mailer: &Mailer) -> anyhow::Result<bool> {
        let mut tx = self.db.begin().await?;
        let Some(mail) = mail_outbox::next_due(&mut tx).await? else {
            return Ok(false);
        };
        match mailer.send(&mail).await {
            Ok(()) => {
                mail_outbox::mark_sent(&mut tx, mail.id).await?;
                metrics::counter!("mails_total", "outcome" => "sent").increment(1);
                tracing::info!(event = "mail_sent", mail_id = mail.id, "mail sent");
            }
            Err(SendError::Transient(error)) => {
                let wait = retry_wait(mail.attempts);
                mail_outbox::retry_later(&mut tx, mail.id, wait, &error).await?;
                metrics::counter!("mails_total", "outcome" => "retried").increment(1);
                tracing::warn!(event = "mail_retry", mail_id = mail.id, attempts = mail.attempts + 1, %error, retry_in_s = wait.as_secs_f64(), "mail not sent; will retry");
            }
            Err(SendError::Refused(error)) => {
                mail_outbox::give_up(&mut tx, mail.id, &error).await?;
                metrics::counter!("mails_total", "outcome" => "failed").increment(1);
                tracing::error!(event = "mail_failed", mail_id = mail.id, %error, "mail refused for good; given up");
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn housekeeping(&self) -> sqlx::Result<()> {
        let mut conn = self.db.acquire().await?;
        request_counts::forget_old(&mut conn, request_limits::WINDOW).await?;
        Ok(())
    }
}

/// The wait after a mail's `attempts`-th failed try: 1 s, 2 s, 4 s, … up to a minute.
fn retry_wait(attempts_before: i32) -> Duration {
    let doublings = u32::try_from(attempts_before).unwrap_or(0).min(16);
    RETRY_FIRST
        .saturating_mul(1 << doublings)
        .min(RETRY_AT_MOST)
}

/// Help texts of the mail metrics, and their series from the start.
pub fn describe_metrics() {
    metrics::describe_counter!(
        "mails_total",
        "Account mails by outcome: sent, retried (a try failed; it will be tried again) and failed (given up)"
    );
    metrics::describe_gauge!(
        "mail_outbox_pending",
        "Mails in the outbox neither sent nor given up"
    );
    for outcome in ["sent", "retried", "failed"] {
        metrics::counter!("mails_total", "outcome" => outcome).increment(0);
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_twice_as_long_each_time_up_to_a_minute() {
        let waits: Vec<u64> = (0..9).map(|n| retry_wait(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(retry_wait(i32::MAX), RETRY_AT_MOST);
    }
}
