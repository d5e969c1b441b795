//! The data set the models learn from, summed up for the explorer
//! (`GET /api/dataset/summary`): survival by group, and histograms split by outcome.

use serde::{Deserialize, Serialize};

/// Width of an age band and of an age histogram bin, in years.
pub const AGE_BAND_YEARS: u32 = 10;
pub const AGE_BIN_YEARS: u32 = 5;
/// Width of a fare histogram bin; fares from [`FARE_BINS_TOP`] up share the last bin.
pub const FARE_BIN_WIDTH: u32 = 10;
pub const FARE_BINS_TOP: u32 = 100;

/// The summary. Every count is of passengers in the data set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DatasetSummary {
    pub passengers: u32,
    pub survived: u32,
    /// How many train the models, and how many are held out to judge them (the same split
    /// for every model).
    pub training_rows: u32,
    pub held_out_rows: u32,
    /// The data set's sha256.
    pub sha256: String,
    pub by_class: Vec<Group>,
    pub by_sex: Vec<Group>,
    /// By port of embarkation; `unknown` for the passengers without one.
    pub by_port: Vec<Group>,
    /// By age band (`0–9`, `10–19`, …); `unknown` for the passengers without an age.
    pub by_age_band: Vec<Group>,
    /// By family size aboard (`SibSp + Parch + 1`).
    pub by_family_size: Vec<Group>,
    /// Class × sex: `1 · female` and so on.
    pub by_class_and_sex: Vec<Group>,
    /// Ages in bins of [`AGE_BIN_YEARS`] (passengers with an age only).
    pub age_histogram: Vec<Bin>,
    /// Fares in bins of [`FARE_BIN_WIDTH`], the last open-ended.
    pub fare_histogram: Vec<Bin>,
}

/// Passengers of one group and how many of them survived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Group {
    pub label: String,
    pub passengers: u32,
    pub survived: u32,
}

/// One histogram bin, `[from, to)`, split by outcome; `to` is absent for the open last bin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bin {
    pub from: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<f64>,
    pub survived: u32,
    pub died: u32,
}
