//! The model service's tests over real HTTP and on the real Titanic data set.

// A failed unwrap is a failed test with its reason: exactly what test helpers want.
#![allow(clippy::unwrap_used)]

mod dataset;
mod evaluation;
mod explanations;
mod helpers;
mod inference;
mod models;
mod startup;
mod storage;
mod training;
