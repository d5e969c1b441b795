//! Reusable pieces of the pages.

mod answer;
mod batch_result;
mod confirm;
mod curve;
mod explanation;
mod field;
mod gauge;
mod group_charts;
mod history_table;
mod importance;
mod job;
mod lab_charts;
mod latest;
mod model_choice;
mod model_figures;
mod pager;
mod scroll_box;
mod what_if;
mod xy_chart;

pub use answer::Answer;
pub use batch_result::BatchResult;
pub use confirm::ConfirmDialog;
pub use curve::Curve;
pub use explanation::Explanation;
pub use field::{Field, FieldError, NumberField};
pub use gauge::Gauge;
pub use group_charts::{GridCell, RateBar, RateBars, RateGrid, Stack, StackedBars};
pub use history_table::HistoryTable;
pub use importance::ImportanceChart;
pub use job::{JobBadge, JobProgress};
pub use lab_charts::{
    CalibrationChart, DataTable, LabFigure, PrChart, RocChart, RocCurve, TextTable,
};
pub use latest::{Latest, use_latest};
pub use model_choice::{Choice, ModelChoice, choices};
pub use model_figures::{ConfusionMatrix, CrossValidationFigures, Figures, HeldOutFigures};
pub use pager::{Pager, page_count, use_page};
pub use scroll_box::ScrollBox;
pub use what_if::WhatIf;
pub use xy_chart::{Dot, Legend, Line, XyChart};
