//! The backend's tests over real HTTP, each on its own real Postgres database.

mod health;
mod helpers;
mod inference;
