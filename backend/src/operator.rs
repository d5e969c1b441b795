//! The operator's commands (`docker compose exec backend lifeboat-backend …`): recovery
//! without mail.

use crate::account_links::{LinkMaker, LinkPurpose};
use crate::config::{Command, Config};
use crate::db::users;
use crate::startup::connect;

/// Runs `command`; what it prints is for the operator's terminal.
pub async fn run(config: &Config, command: &Command) -> anyhow::Result<String> {
    match command {
        Command::ResetLink { email } => {
            let db = connect(config).await?;
            let links = LinkMaker::new(&config.public_url);
            let mut tx = db.begin().await?;
            let Some((user, address)) = users::find_by_email(&mut tx, email.trim()).await? else {
                anyhow::bail!("no account has the address {}", email.trim());
            };
            let link = links.issue(&mut tx, user, LinkPurpose::Reset).await?;
            tx.commit().await?;
            tracing::info!(event = "reset_link_issued", by = "operator", user_id = %user, "reset link issued by the operator");
            Ok(format!(
                "A one-time link to choose a new password for {address}, valid until {} (older reset links of the account no longer work):\n{}",
                link.expires_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                link.url
            ))
        }
    }
}
