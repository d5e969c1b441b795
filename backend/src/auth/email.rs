//! `Email`: an address that has passed our (deliberately simple) shape check.

/// An e-mail address that meets [`lifeboat_api_types::check_email`] (trimmed). Case is kept;
/// the database compares addresses case-insensitively (citext).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Parses `raw`, or says what is wrong with it.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        lifeboat_api_types::check_email(raw).map(|email| Self(email.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An address as the limits count it (the login throttle, the account-link limits): as
/// typed, trimmed and lower-cased, the way the database compares addresses. Postgres text
/// cannot hold NUL, and no account has one.
pub fn address_key(raw: &str) -> String {
    raw.trim().to_lowercase().replace('\0', "")
}
