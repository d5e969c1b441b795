//! Accounts on the wire: sign-up, login, the caller, and the admin's user list.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// What a signed-in person may do. Anonymous callers have no role at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
#[cfg_attr(
    feature = "sqlx",
    derive(sqlx::Type),
    sqlx(type_name = "user_role", rename_all = "lowercase")
)]
pub enum Role {
    Admin,
    User,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Admin => "admin",
            Self::User => "user",
        })
    }
}

/// Longest e-mail address, in characters.
pub const MAX_EMAIL_CHARS: usize = 254;
/// bcrypt reads at most 72 bytes. Longer passwords are refused rather than silently cut.
pub const MAX_PASSWORD_BYTES: usize = 72;
/// Shortest password, in characters (any Unicode).
pub const MIN_PASSWORD_CHARS: usize = 8;

/// The e-mail rule (deliberately simple): trimmed, at most 254 characters, one `@` with a
/// non-empty local part and a dotted domain, no spaces or control characters. Returns the
/// trimmed address, or what is wrong with it.
pub fn check_email(raw: &str) -> Result<&str, &'static str> {
    let email = raw.trim();
    if email.is_empty() {
        return Err("is required");
    }
    if email.chars().count() > MAX_EMAIL_CHARS {
        return Err("must be at most 254 characters");
    }
    let shape_ok = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
        }
        None => false,
    };
    if !shape_ok || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must be an e-mail address like name@example.com");
    }
    Ok(email)
}

/// [`check_email`] in the OpenAPI document: at most [`MAX_EMAIL_CHARS`], and the rule as a
/// pattern (one `@`, a dotted domain, no spaces or control characters but the surrounding
/// whitespace, which is trimmed).
#[cfg(feature = "openapi")]
fn email_schema() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(MAX_EMAIL_CHARS))
        .pattern(Some(EMAIL_PATTERN))
        .examples([serde_json::json!("ada@example.com")])
        .description(Some("An e-mail address"))
        .build()
}

/// The e-mail rule as a regular expression (ECMA 262, as JSON Schema reads it).
#[cfg(feature = "openapi")]
const EMAIL_PATTERN: &str = r"^[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^@\u0000-\u001f\u007f-\u009f \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+@[^@.\u0000-\u001f\u007f-\u009f \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+(\.[^@.\u0000-\u001f\u007f-\u009f \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+)+[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$";

/// The rule for a new password: 8 or more characters, at most 72 bytes in UTF-8.
pub fn check_new_password(raw: &str) -> Result<(), &'static str> {
    if raw.chars().count() < MIN_PASSWORD_CHARS {
        return Err("must be at least 8 characters");
    }
    if raw.len() > MAX_PASSWORD_BYTES {
        return Err("must be at most 72 bytes (bcrypt's limit); use fewer or simpler characters");
    }
    Ok(())
}

/// `POST /api/auth/signup` and `POST /api/auth/login` body. Any other field (a `role`, say)
/// is ignored: the role is never taken from the caller.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Credentials {
    /// An e-mail address ([`check_email`]).
    #[cfg_attr(feature = "openapi", schema(schema_with = email_schema))]
    pub email: String,
    /// At least 8 characters; at most 72 bytes in UTF-8 (bcrypt's limit), which a JSON
    /// Schema cannot say.
    #[cfg_attr(feature = "openapi", schema(min_length = 8))]
    pub password: String,
}

/// `PUT /api/me/password` body: the current password, and the new one (the sign-up rules).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChange {
    pub current_password: String,
    /// The sign-up rules: at least 8 characters, at most 72 bytes in UTF-8.
    #[cfg_attr(feature = "openapi", schema(min_length = 8))]
    pub new_password: String,
}

/// `DELETE /api/me` body: the password, so a borrowed session cannot delete the account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountDeletion {
    pub password: String,
}

/// `POST /api/auth/login` and `POST /api/auth/refresh` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Exchanged once at `POST /api/auth/refresh` for a new pair; presenting it a second time
    /// ends the session.
    pub refresh_token: String,
}

/// `POST /api/auth/refresh` body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// A user as the API shows it (never with the password hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    /// Whether the person has shown the address is theirs (a verification or reset link was
    /// used). Accounts made before verification existed count as verified.
    pub email_verified: bool,
}

/// The web app's page a password-reset link opens: `{PUBLIC_URL}/reset?token=…`.
pub const RESET_PAGE: &str = "/reset";
/// The web app's page a verification link opens: `{PUBLIC_URL}/verify?token=…`.
pub const VERIFY_PAGE: &str = "/verify";
/// How long a password-reset link works, in minutes.
pub const RESET_LINK_MINUTES: u32 = 30;
/// How long an e-mail verification link works, in hours.
pub const VERIFY_LINK_HOURS: u32 = 24;

/// `POST /api/auth/forgot` body: the address a reset link should go to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ForgotPassword {
    /// An e-mail address ([`check_email`]).
    #[cfg_attr(feature = "openapi", schema(schema_with = email_schema))]
    pub email: String,
}

/// `POST /api/auth/forgot` answer: the same for every address, registered or not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ForgotAnswer {
    pub message: String,
}

impl Default for ForgotAnswer {
    /// The one answer.
    fn default() -> Self {
        Self {
            message: format!(
                "If an account has this address, a link to choose a new password is on its \
                 way. It works once, for {RESET_LINK_MINUTES} minutes."
            ),
        }
    }
}

/// `POST /api/auth/reset` body: the token from the link and the new password.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordReset {
    pub token: String,
    /// The sign-up rules: at least 8 characters, at most 72 bytes in UTF-8.
    #[cfg_attr(feature = "openapi", schema(min_length = 8))]
    pub password: String,
}

/// `POST /api/auth/verify` body: the token from the verification link.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailVerification {
    pub token: String,
}

/// `POST /api/admin/users/{id}/reset-link` answer: a one-time link to hand to the person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResetLink {
    pub link: String,
    pub expires_at: DateTime<Utc>,
}

/// `PATCH /api/admin/users/{id}` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleChange {
    pub role: Role,
}

/// One page of a list, with the total to build page controls from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn a_role_in_the_body_of_a_sign_up_is_not_part_of_the_credentials() {
        let c: Credentials = serde_json::from_str(
            r#"{"email":"a@example.com","password":"longenough","role":"admin"}"#,
        )
        .unwrap();
        assert_eq!(c.email, "a@example.com");
        assert_eq!(serde_json::to_value(&c).unwrap().get("role"), None);
    }

    #[test]
    fn ordinary_addresses_are_accepted_and_trimmed() {
        assert_eq!(check_email("  Ada@Example.org "), Ok("Ada@Example.org"));
        assert!(check_email("a.b+tag@sub.example.co.uk").is_ok());
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "",
            "plain",
            "@example.com",
            "a@",
            "a@b",
            "a@@b.com",
            "a b@c.com",
            "a@.com",
            "a@b.com.",
            "a@b..com",
        ] {
            assert!(check_email(bad).is_err(), "{bad:?} was accepted");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(check_email(&long), Err("must be at most 254 characters"));
    }

    #[test]
    fn a_password_needs_8_characters_and_at_most_72_bytes() {
        assert!(check_new_password("1234567").is_err());
        assert!(check_new_password("12345678").is_ok());
        assert!(check_new_password("ü".repeat(8).as_str()).is_ok());
        assert!(check_new_password(&"ü".repeat(37)).is_err());
    }

    #[test]
    fn roles_are_lowercase_on_the_wire() {
        assert_eq!(serde_json::to_string(&Role::Admin).unwrap(), "\"admin\"");
        assert_eq!(Role::User.to_string(), "user");
    }
}
