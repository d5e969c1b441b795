//! Lifeboat's model service: trains classifiers on the Titanic data set, keeps their
//! artifacts in a folder, and answers predictions.

pub mod config;
pub mod error;
pub mod ml;
pub mod routes;
pub mod startup;
pub mod state;

pub use config::Config;
pub use startup::Application;
