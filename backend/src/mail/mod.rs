//! Account mail: the letters that carry one-time links, the outbox they wait in (written in
//! the transaction that makes the link), and the worker that sends them over SMTP with
//! lettre, retrying with back-off. Without `SMTP_URL` mail is off: the forms answer the
//! same, no link is mailed, and the log says so once at start-up.

pub mod letters;
mod worker;

pub use worker::{MailTask, MailWorker, describe_metrics};

use crate::db::mail_outbox::Mail;
use anyhow::Context;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

/// The longest one SMTP conversation may take.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

/// Sends mail through the server at `SMTP_URL`, from `MAIL_FROM`.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from).finish()
    }
}

/// Why a mail was not sent.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The server refused it for good (a 5xx answer): it is given up.
    #[error("refused: {0}")]
    Refused(String),
    /// Anything else (down, slow, a 4xx answer): it is tried again later.
    #[error("not sent: {0}")]
    Transient(String),
}

impl Mailer {
    /// `smtp_url`: `smtps://user:pass@host:465` (TLS), `smtp://host:587?tls=required`
    /// (STARTTLS) or `smtp://host:1025` (plain, for a local catcher). `None` when unset or
    /// empty: mail is off.
    pub fn from_settings(
        smtp_url: Option<&SecretString>,
        from: &str,
    ) -> anyhow::Result<Option<Self>> {
        let Some(url) = smtp_url.filter(|url| !url.expose_secret().trim().is_empty()) else {
            return Ok(None);
        };
        let from: Mailbox = from
            .parse()
            .with_context(|| format!("MAIL_FROM is not a mail address: {from}"))?;
        // The URL may hold a password: its parse error is not printed.
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret().trim())
            .map_err(|_| anyhow::anyhow!("SMTP_URL is not an smtp:// or smtps:// URL"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Some(Self { transport, from }))
    }

    /// Sends `mail`, plain text with an HTML alternative when it has one.
    pub async fn send(&self, mail: &Mail) -> Result<(), SendError> {
        let to: Mailbox = mail
            .recipient
            .parse()
            .map_err(|e| SendError::Refused(format!("recipient: {e}")))?;
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject);
        let message = match &mail.html_body {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(
                mail.text_body.clone(),
                html.clone(),
            )),
            None => builder.singlepart(SinglePart::plain(mail.text_body.clone())),
        }
        .map_err(|e| SendError::Refused(format!("message: {e}")))?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendError::Refused(describe(&e))),
            Err(e) => Err(SendError::Transient(describe(&e))),
        }
    }
}

/// An SMTP error in words (kept in the outbox row and the log; never sent to a client).
fn describe(error: &smtp::Error) -> String {
    match error.status() {
        Some(code) => format!("the server answered {code}"),
        None if error.is_timeout() => "the server did not answer in time".to_owned(),
        None => "the server could not be reached".to_owned(),
    }
}
