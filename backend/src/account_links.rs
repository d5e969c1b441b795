//! One-time links: "choose a new password" (30 minutes) and "this address is mine" (24
//! hours). Each carries a token of 256 random bits of which only the SHA-256 is stored;
//! it works once, and a newer link of the same purpose ends the older ones. A password change
//! or reset ends every reset link of the account.

use crate::auth::{new_token, token_hash};
use crate::db::{account_links, mail_outbox};
use crate::mail::letters;
use anyhow::Context;
use chrono::{DateTime, Utc};
use lifeboat_api_types::{RESET_LINK_MINUTES, RESET_PAGE, VERIFY_LINK_HOURS, VERIFY_PAGE};
use sqlx::PgConnection;
use std::time::Duration;
use uuid::Uuid;

/// What a link is for, as stored in `account_link.purpose`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "account_link_purpose", rename_all = "lowercase")]
pub enum LinkPurpose {
    /// Choose a new password: `RESET_PAGE`.
    Reset,
    /// Show that the address is yours: `VERIFY_PAGE`.
    Verify,
}

impl LinkPurpose {
    /// How long a link works.
    pub fn lifetime(self) -> Duration {
        match self {
            Self::Reset => Duration::from_secs(u64::from(RESET_LINK_MINUTES) * 60),
            Self::Verify => Duration::from_secs(u64::from(VERIFY_LINK_HOURS) * 3600),
        }
    }

    /// The web app's page the link opens.
    fn page(self) -> &'static str {
        match self {
            Self::Reset => RESET_PAGE,
            Self::Verify => VERIFY_PAGE,
        }
    }
}

/// A link as handed out: the URL with its token, and when it stops working.
#[derive(Debug, Clone)]
pub struct IssuedLink {
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// Makes links that open the web app at `public_url`.
#[derive(Debug, Clone)]
pub struct LinkMaker {
    public_url: String,
}

impl LinkMaker {
    /// `public_url` is where people open the web app (`PUBLIC_URL`), without a trailing `/`.
    pub fn new(public_url: &str) -> Self {
        Self {
            public_url: public_url.trim_end_matches('/').to_owned(),
        }
    }

    /// Issues a new link of `purpose` for `user`, ending its older ones. Run it in the
    /// transaction that also sends or shows the link.
    pub async fn issue(
        &self,
        conn: &mut PgConnection,
        user: Uuid,
        purpose: LinkPurpose,
    ) -> anyhow::Result<IssuedLink> {
        let (token, hash) = new_token();
        let expires_at = Utc::now()
            + chrono::Duration::from_std(purpose.lifetime()).context("a link lifetime fits")?;
        account_links::end_live(conn, user, purpose).await?;
        account_links::insert(conn, &hash, user, purpose, expires_at).await?;
        Ok(IssuedLink {
            url: format!("{}{}?token={token}", self.public_url, purpose.page()),
            expires_at,
        })
    }

    /// Issues a link of `purpose` for `user` and queues the mail that carries it to `email`,
    /// in the caller's transaction: both are written, or neither.
    pub async fn mail(
        &self,
        conn: &mut PgConnection,
        user: Uuid,
        email: &str,
        purpose: LinkPurpose,
    ) -> anyhow::Result<()> {
        let link = self.issue(conn, user, purpose).await?;
        let letter = letters::for_link(purpose, &link.url);
        mail_outbox::add(
            conn,
            email,
            &letter.subject,
            (&letter.text, &letter.html),
            link.expires_at,
        )
        .await?;
        Ok(())
    }
}

/// Uses the link whose token is `token`: it ends, and its account is answered. `None` for
/// an unknown, used, replaced or expired link alike.
pub async fn redeem(
    conn: &mut PgConnection,
    token: &str,
    purpose: LinkPurpose,
) -> sqlx::Result<Option<Uuid>> {
    account_links::take(conn, &token_hash(token.trim()), purpose).await
}
