//! What a link is for, with its lifetime and page: what the links, their table and their
//! mails all read.

use lifeboat_api_types::{RESET_LINK_MINUTES, RESET_PAGE, VERIFY_LINK_HOURS, VERIFY_PAGE};
use std::time::Duration;

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
    pub fn page(self) -> &'static str {
        match self {
            Self::Reset => RESET_PAGE,
            Self::Verify => VERIFY_PAGE,
        }
    }
}
