//! One module per page.

mod account;
mod admin_models;
mod admin_train;
mod admin_users;
mod calculator;
mod not_found;

pub use account::{Login, Signup};
pub use admin_models::AdminModels;
pub use admin_train::AdminTrain;
pub use admin_users::AdminUsers;
pub use calculator::Calculator;
pub use not_found::NotFound;
