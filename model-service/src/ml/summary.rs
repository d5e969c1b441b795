//! The data set summed up for the explorer page: survival by class, sex, port, age band,
//! family size and class × sex, and the age and fare histograms split by outcome.

use crate::ml::dataset::{Dataset, Record};
use crate::ml::rows;
use lifeboat_api_types::{
    AGE_BAND_YEARS, AGE_BIN_YEARS, Bin, DatasetSummary, Embarked, FARE_BIN_WIDTH, FARE_BINS_TOP,
    Group,
};
use std::collections::BTreeMap;

/// The label of passengers without a value (an age, a port).
const UNKNOWN: &str = "unknown";

/// The summary of `dataset`.
pub fn summarise(dataset: &Dataset) -> DatasetSummary {
    let records = &dataset.records;
    let p = |r: &Record| r.passenger;
    DatasetSummary {
        passengers: records.len() as u32,
        survived: records.iter().filter(|r| r.survived).count() as u32,
        training_rows: rows::training_records(dataset).len() as u32,
        held_out_rows: rows::held_out_records(dataset).len() as u32,
        sha256: dataset.sha256.clone(),
        by_class: groups(records, |r| (p(r).pclass, p(r).pclass.to_string())),
        by_sex: groups(records, |r| (p(r).sex as u8, p(r).sex.to_string())),
        by_port: groups(records, |r| match p(r).embarked {
            Some(port) => (port_order(port), port.as_str().to_owned()),
            None => (u8::MAX, UNKNOWN.to_owned()),
        }),
        by_age_band: groups(records, |r| match p(r).age {
            Some(age) => {
                let from = (age as u32 / AGE_BAND_YEARS) * AGE_BAND_YEARS;
                (from as u8, format!("{from}–{}", from + AGE_BAND_YEARS - 1))
            }
            None => (u8::MAX, UNKNOWN.to_owned()),
        }),
        by_family_size: groups(records, |r| {
            let size = p(r).sibsp + p(r).parch + 1;
            (size, size.to_string())
        }),
        by_class_and_sex: groups(records, |r| {
            let (class, sex) = (p(r).pclass, p(r).sex);
            (class * 2 + sex as u8, format!("{class} · {sex}"))
        }),
        age_histogram: histogram(
            records.iter().filter_map(|r| Some((p(r).age?, r.survived))),
            f64::from(AGE_BIN_YEARS),
            None,
        ),
        fare_histogram: histogram(
            records
                .iter()
                .filter_map(|r| Some((p(r).fare?, r.survived))),
            f64::from(FARE_BIN_WIDTH),
            Some(f64::from(FARE_BINS_TOP)),
        ),
    }
}

/// S, C, Q: the order the ship called at them.
fn port_order(port: Embarked) -> u8 {
    match port {
        Embarked::S => 0,
        Embarked::C => 1,
        Embarked::Q => 2,
    }
}

/// Passengers and survivors per group, in the order of the key's first part.
fn groups(records: &[Record], key: impl Fn(&Record) -> (u8, String)) -> Vec<Group> {
    let mut found: BTreeMap<(u8, String), (u32, u32)> = BTreeMap::new();
    for record in records {
        let counts = found.entry(key(record)).or_default();
        counts.0 += 1;
        counts.1 += u32::from(record.survived);
    }
    found
        .into_iter()
        .map(|((_, label), (passengers, survived))| Group {
            label,
            passengers,
            survived,
        })
        .collect()
}

/// Bins of `width` from 0 up to the largest value (or to `top`, from where one open bin
/// takes the rest), each `[from, to)`, split by outcome.
fn histogram(values: impl Iterator<Item = (f64, bool)>, width: f64, top: Option<f64>) -> Vec<Bin> {
    let values: Vec<(f64, bool)> = values.collect();
    let largest = values.iter().map(|(v, _)| *v).fold(0.0, f64::max);
    let last = match top {
        Some(top) => (top / width) as usize,
        None => (largest / width) as usize,
    };
    let mut bins: Vec<Bin> = (0..=last)
        .map(|i| Bin {
            from: i as f64 * width,
            to: (top.is_none() || i < last).then_some((i + 1) as f64 * width),
            survived: 0,
            died: 0,
        })
        .collect();
    for (value, survived) in values {
        let bin = &mut bins[((value / width) as usize).min(last)];
        if survived {
            bin.survived += 1;
        } else {
            bin.died += 1;
        }
    }
    bins
}
