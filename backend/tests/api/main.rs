//! The backend's tests over real HTTP, each on its own real Postgres database.

// A failed unwrap is a failed test with its reason: exactly what test helpers want.
#![allow(clippy::unwrap_used)]

mod access;
mod account;
mod account_mail;
mod auth;
mod database_restart;
mod first_admin;
mod health;
mod helpers;
mod history;
mod history_recording;
mod inference;
mod job_queue;
mod limits;
mod log_secrets;
mod openapi;
mod private_postgres;
mod sessions;
mod shutdown;
mod training;
