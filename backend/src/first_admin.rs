//! The admin at start-up: the one configured (`ADMIN_EMAIL` with `ADMIN_PASSWORD` or
//! `ADMIN_PASSWORD_FILE`), else, on an install with no admin at all, one made with a random
//! password that is written to a file only the backend can read (as Jenkins does with its
//! `initialAdminPassword`). Bad settings are reported with the rule they break and never
//! stop the backend from starting.

use crate::auth::{Email, Password, hash_password, private_temp_file};
use crate::config::Config;
use crate::db::users::{self, EMAIL_UNIQUE};
use anyhow::Context;
use lifeboat_api_types::Role;
use rand::Rng;
use rand::distributions::Alphanumeric;
use secrecy::ExposeSecret;
use sqlx::PgPool;
use std::path::Path;

/// The first admin's e-mail when `ADMIN_EMAIL` is not set (or not an address).
pub const INITIAL_ADMIN_EMAIL: &str = "admin@lifeboat.local";

/// Length of a generated password: 24 letters and digits, about 142 bits.
const GENERATED_PASSWORD_CHARS: usize = 24;

/// Makes sure there is a way in as admin; see the module's documentation.
pub async fn ensure(config: &Config, db: &PgPool) -> anyhow::Result<()> {
    let email = configured_email(config);
    if let (Some(email), Some(password)) = (&email, configured_password(config)) {
        let mut conn = db.acquire().await.context("cannot reach the database")?;
        let hash = if users::exists(&mut conn, email.as_str()).await? {
            String::new() // an existing account keeps its password
        } else {
            hash_password(password).await?
        };
        let admin = users::ensure_admin(&mut conn, email.as_str(), &hash).await?;
        tracing::info!(user_id = %admin.id, email = admin.email, "admin account ready");
        return Ok(());
    }
    let Some(file) = &config.initial_admin_password_file else {
        if !has_admin(db).await? {
            tracing::warn!(
                "no admin: set ADMIN_EMAIL and ADMIN_PASSWORD (or ADMIN_PASSWORD_FILE), or \
                 INITIAL_ADMIN_PASSWORD_FILE for a generated one, and restart the backend"
            );
        }
        return Ok(());
    };
    let email = email.unwrap_or_else(|| {
        Email::parse(INITIAL_ADMIN_EMAIL).expect("the initial admin's e-mail is an address")
    });
    create_initial_admin(db, &email, file).await
}

/// `ADMIN_EMAIL` when it is set and an address; an address that breaks the rules is
/// reported.
fn configured_email(config: &Config) -> Option<Email> {
    let raw = config.admin_email.as_deref().map(str::trim)?;
    if raw.is_empty() {
        return None;
    }
    Email::parse(raw)
        .inspect_err(|rule| tracing::error!("ADMIN_EMAIL {rule}: it is not used"))
        .ok()
}

/// `ADMIN_PASSWORD` (or its file) when it is set and meets the sign-up rules; one that does
/// not, or a file that cannot be read, is reported.
fn configured_password(config: &Config) -> Option<Password> {
    let raw = match config.admin_password() {
        Ok(raw) => raw?.expose_secret().to_owned(),
        Err(error) => {
            tracing::error!("{error:#}: no admin password is configured");
            return None;
        }
    };
    if raw.is_empty() {
        return None;
    }
    Password::parse(raw)
        .inspect_err(|rule| tracing::error!("ADMIN_PASSWORD {rule}: it is not used"))
        .ok()
}

async fn has_admin(db: &PgPool) -> anyhow::Result<bool> {
    let mut conn = db.acquire().await.context("cannot reach the database")?;
    Ok(users::lock_admins(&mut conn).await? > 0)
}

/// Creates the first admin with a random password written to `file`, unless an admin exists.
/// Replicas starting together race on the e-mail's unique constraint: one account, one file.
async fn create_initial_admin(db: &PgPool, email: &Email, file: &Path) -> anyhow::Result<()> {
    let mut tx = db.begin().await.context("cannot reach the database")?;
    if users::lock_admins(&mut tx).await? > 0 {
        return Ok(());
    }
    let password = generated_password();
    let hash =
        hash_password(Password::parse(password.clone()).expect("a generated password")).await?;
    // The operator's own address (or the built-in one): it counts as verified.
    match users::insert(&mut tx, email.as_str(), &hash, Role::Admin, true).await {
        Ok(_) => {}
        Err(sqlx::Error::Database(e)) if e.constraint() == Some(EMAIL_UNIQUE) => {
            // Another replica made it a moment ago, or someone signed up with the address
            // while there was no admin: neither is promoted by a generated password.
            tracing::warn!(
                email = email.as_str(),
                "no first admin created: that e-mail has an account already (set ADMIN_EMAIL \
                 and ADMIN_PASSWORD to promote one)"
            );
            return Ok(());
        }
        Err(e) => return Err(e).context("cannot create the first admin"),
    }
    // Written before the commit: an admin whose password nobody can read is never made.
    write_password(file, &password).with_context(|| {
        format!(
            "cannot write the first admin's password to {}",
            file.display()
        )
    })?;
    tx.commit().await.context("cannot create the first admin")?;
    tracing::warn!(
        email = email.as_str(),
        file = %file.display(),
        "no admin existed: created one; its password is in the file (only the backend can \
         read it: `docker compose exec backend cat {}`); sign in and change it",
        file.display()
    );
    Ok(())
}

fn generated_password() -> String {
    rand::rngs::OsRng
        .sample_iter(&Alphanumeric)
        .take(GENERATED_PASSWORD_CHARS)
        .map(char::from)
        .collect()
}

/// Writes `password` to `path` atomically, readable by its owner only.
fn write_password(path: &Path, password: &str) -> std::io::Result<()> {
    private_temp_file(path, format!("{password}\n").as_bytes())?
        .persist(path)
        .map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn a_generated_password_meets_the_sign_up_rules_and_differs_each_time() {
        let (a, b) = (generated_password(), generated_password());
        assert_eq!(a.len(), GENERATED_PASSWORD_CHARS);
        assert!(Password::parse(a.clone()).is_ok());
        assert_ne!(a, b);
    }

    #[test]
    fn the_password_file_is_readable_by_its_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets/initial_admin_password");
        write_password(&path, "abc").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "abc\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
