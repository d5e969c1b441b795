//! Accounts and access: e-mail and password rules, bcrypt hashing, JWTs, the extractors
//! that enforce roles, login throttling, and the JWT secret.

mod email;
mod extractors;
mod jwt;
mod live_sessions;
mod password;
mod refresh;
mod secret;
pub mod throttle;

pub use email::Email;
pub use extractors::{AuthUser, RequireAdmin, bearer_token};
pub use jwt::{Claims, JwtKeys, TOKEN_TTL};
pub use live_sessions::{LiveSessions, SESSION_CHECK_TTL};
pub use password::{
    Password, PasswordError, hash_password, verify_password, warm_up as warm_up_password_checks,
};
pub use refresh::{SESSION_TTL, new_refresh_token, refresh_token_hash};
pub use secret::{load_or_create_secret, private_temp_file};
