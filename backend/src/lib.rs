//! Lifeboat's backend: the API the web app talks to. It owns Postgres and is the only
//! caller of the model service.

// Unit-test modules are left out of the coverage figures (scripts/coverage.sh).
#![cfg_attr(coverage_nightly, feature(coverage_attribute))]

pub mod account_links;
pub mod active;
pub mod auth;
pub mod batch_file;
pub mod bootstrap;
pub mod config;
pub mod csv_cell;
pub mod dataset_summary;
pub mod db;
pub mod error;
pub mod first_admin;
pub mod gauges;
pub mod history;
pub mod mail;
pub mod model_client;
pub mod operator;
pub mod rate_limit;
pub mod request_limits;
pub mod routes;
pub mod startup;
pub mod state;
pub mod training;

pub use config::Config;
pub use startup::Application;
