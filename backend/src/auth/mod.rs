//! Accounts and access: e-mail and password rules, bcrypt hashing, JWTs, the extractors
//! that enforce roles, login throttling, and the JWT secret.

mod email;
mod extractors;
mod jwt;
mod live_sessions;
mod password;
mod secret;
pub mod throttle;
mod token;

pub use email::{Email, address_key};
pub use extractors::{AuthUser, RequireAdmin, bearer_token};
pub use jwt::{Claims, JwtKeys, TOKEN_TTL};
pub use live_sessions::{LiveSessions, SESSION_CHECK_TTL};
pub use password::{
    Password, PasswordError, hash_password, verify_password, warm_up as warm_up_password_checks,
};
pub use secret::{load_or_create_secret, private_temp_file};
pub use token::{SESSION_TTL, new_token, token_hash};
