//! Reusable pieces of the pages.

mod answer;
mod curve;
mod explanation;
mod field;
mod gauge;
mod latest;
mod model_choice;
mod pager;
mod what_if;

pub use answer::Answer;
pub use curve::Curve;
pub use explanation::Explanation;
pub use field::{Field, FieldError, NumberField};
pub use gauge::Gauge;
pub use latest::{Latest, use_latest};
pub use model_choice::{Choice, ModelChoice, choices};
pub use pager::{Pager, page_count, use_page};
pub use what_if::WhatIf;
