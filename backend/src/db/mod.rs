//! Database queries, one module per table. Functions take `&mut PgConnection` so callers
//! decide the transaction.

pub mod jobs;
pub mod login_failures;
pub mod models;
pub mod predictions;
pub mod sessions;
pub mod users;
