//! The model service's tests over real HTTP and on the real Titanic data set.

mod helpers;
mod inference;
mod startup;
mod training;
