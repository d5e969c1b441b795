//! Database queries, one module per table. Functions take `&mut PgConnection` so callers
//! decide the transaction.

pub mod account_links;
pub mod jobs;
pub mod login_failures;
pub mod mail_outbox;
pub mod models;
pub mod predictions;
pub mod request_counts;
pub mod sessions;
pub mod users;
