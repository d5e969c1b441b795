//! Lifeboat's backend: the API the web app talks to. It owns Postgres and is the only
//! caller of the model service.

pub mod active;
pub mod auth;
pub mod batch_file;
pub mod bootstrap;
pub mod config;
pub mod csv_cell;
pub mod db;
pub mod error;
pub mod gauges;
pub mod history;
pub mod model_client;
pub mod rate_limit;
pub mod routes;
pub mod startup;
pub mod state;
pub mod training;

pub use config::Config;
pub use startup::Application;
