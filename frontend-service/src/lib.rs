//! Lifeboat's frontend service: serves the web app and forwards `/api/*` to the backend.

pub mod config;
pub mod error;
pub mod proxy;
pub mod routes;
pub mod startup;

pub use config::Config;
pub use startup::Application;
