//! Accounts on the wire: sign-up, login, the caller, and the admin's user list.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// What a signed-in person may do. Anonymous callers have no role at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

/// `POST /api/auth/signup` and `POST /api/auth/login` body. Any other field (a `role`, say)
/// is ignored: the role is never taken from the caller.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// `POST /api/auth/login` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: u64,
}

/// A user as the API shows it (never with the password hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

/// `PATCH /api/admin/users/{id}` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleChange {
    pub role: Role,
}

/// One page of a list, with the total to build page controls from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

#[cfg(test)]
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
    fn roles_are_lowercase_on_the_wire() {
        assert_eq!(serde_json::to_string(&Role::Admin).unwrap(), "\"admin\"");
        assert_eq!(Role::User.to_string(), "user");
    }
}
