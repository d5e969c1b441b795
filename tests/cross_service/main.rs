//! Cross-service tests: the real frontend service, backend and model service, each on its
//! own loopback port, the backend on a real Postgres database, the model service trained on
//! the real Titanic data set. A request goes browser-side in at the frontend service.

// A failed unwrap is a failed test with its reason: exactly what test helpers want.
#![allow(clippy::unwrap_used)]

mod accounts;
mod explanations;
mod files;
mod helpers;
mod models;
mod prediction;
mod process;
