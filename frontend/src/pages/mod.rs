//! One module per page.

mod account;
mod admin_compare;
mod admin_jobs;
mod admin_model;
mod admin_models;
mod admin_train;
mod admin_usage;
mod admin_users;
mod batch;
mod calculator;
mod explorer;
mod history;
pub mod lazy;
mod not_found;
mod recovery;
mod sign_in;

pub use account::Account;
pub use admin_compare::{AdminCompare, MAX_COMPARED, MIN_COMPARED};
pub use admin_jobs::AdminJobs;
pub use admin_model::AdminModel;
pub use admin_models::AdminModels;
pub use admin_train::AdminTrain;
pub use admin_usage::AdminUsage;
pub use admin_users::AdminUsers;
pub use batch::BatchPredictions;
pub use calculator::Calculator;
pub use explorer::DataExplorer;
pub use history::MyPredictions;
pub use not_found::NotFound;
pub use recovery::{Forgot, Reset, Verify};
pub use sign_in::{Login, Signup};
