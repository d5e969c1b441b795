//! Reusable pieces of the pages.

mod field;
mod gauge;
mod pager;

pub use field::{Field, FieldError, NumberField};
pub use gauge::Gauge;
pub use pager::{Pager, page_count, use_page};
