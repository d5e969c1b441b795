//! Database queries, one module per table. Functions take `&mut PgConnection` so callers
//! decide the transaction.

pub mod users;
