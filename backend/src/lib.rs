//! Lifeboat's backend: the API the web app talks to. It owns Postgres and is the only
//! caller of the model service.

pub mod auth;
pub mod config;
pub mod db;
pub mod error;
pub mod model_client;
pub mod routes;
pub mod startup;
pub mod state;

pub use config::Config;
pub use startup::Application;
