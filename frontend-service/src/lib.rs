//! Lifeboat's frontend service: serves the web app and forwards `/api/*` to the backend.

// Unit-test modules are left out of the coverage figures (scripts/coverage.sh).
#![cfg_attr(coverage_nightly, feature(coverage_attribute))]

pub mod config;
pub mod error;
pub mod proxy;
pub mod routes;
pub mod startup;

pub use config::Config;
pub use startup::Application;
