//! Reusable pieces of the pages.

mod field;
mod gauge;

pub use field::{Field, FieldError, NumberField};
pub use gauge::Gauge;
