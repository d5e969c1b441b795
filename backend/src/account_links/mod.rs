//! One-time links: "choose a new password" (30 minutes) and "this address is mine" (24
//! hours). Each carries a token of 256 random bits of which only the SHA-256 is stored;
//! it works once, and a newer link of the same purpose ends the older ones. A password change
//! or reset ends every reset link of the account.

use crate::auth::{new_token, token_hash};
use crate::db::{account_links, mail_outbox};
use crate::mail::letters;
use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

pub mod purpose;

pub use purpose::LinkPurpose;

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
