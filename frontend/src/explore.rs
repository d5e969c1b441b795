//! The data set explorer's and the usage chart's numbers in words, as plain Rust: group names
//! for people, survival rates, histogram bins, scales, and what screen readers hear in
//! place of the charts.

use crate::chart::percent;
use lifeboat_api_types::{Bin, DailyPredictions, Embarked, Group, words};

/// What a group label names, to word it for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    Class,
    Sex,
    Port,
    AgeBand,
    FamilySize,
}

/// A group's label as people read it: `1` → `1st class`, `S` → `Southampton`,
/// `0–9` → `0–9 years`, family size `1` → `alone`.
pub fn group_name(grouping: Grouping, label: &str) -> String {
    match (grouping, label) {
        (_, "unknown") => "unknown".to_owned(),
        (Grouping::Class, class @ ("1" | "2" | "3")) => {
            words::class_name(class.parse().unwrap_or_default()).to_owned()
        }
        (Grouping::Port, port) if Embarked::parse(port).is_some() => Embarked::parse(port)
            .map(words::port_name)
            .unwrap_or_default()
            .to_owned(),
        (Grouping::AgeBand, band) => format!("{band} years"),
        (Grouping::FamilySize, "1") => "alone".to_owned(),
        (Grouping::FamilySize, size) => format!("family of {size}"),
        (_, other) => capitalised(other),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The share of a group who survived (0 for an empty group).
pub fn rate(group: &Group) -> f64 {
    share(group.survived, group.passengers)
}

/// `survived` of `passengers` as a share (0 when there are none).
pub fn share(survived: u32, passengers: u32) -> f64 {
    if passengers == 0 {
        0.0
    } else {
        f64::from(survived) / f64::from(passengers)
    }
}

/// A bar's words: `1st class: 63 %, n=216`.
pub fn rate_line(name: &str, group: &Group) -> String {
    format!("{name}: {}, n={}", percent(rate(group)), group.passengers)
}

/// What a screen reader hears for a chart of survival rates.
pub fn rates_summary(title: &str, lines: &[String]) -> String {
    format!("{title}: {}", lines.join("; "))
}

/// A histogram bin's label: `[20, 25)` → `20–25`, the open last bin `100+`.
pub fn bin_label(bin: &Bin) -> String {
    let number = crate::chart::number;
    match bin.to {
        Some(to) => format!("{}–{}", number(bin.from), number(to)),
        None => format!("{}+", number(bin.from)),
    }
}

/// Class and sex of a `1 · female` label, as (class 1–3, is female).
pub fn class_and_sex(label: &str) -> Option<(u8, bool)> {
    let (class, sex) = label.split_once('·')?;
    let class = class
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|c| (1..=3).contains(c))?;
    match sex.trim().to_ascii_lowercase().as_str() {
        "female" => Some((class, true)),
        "male" => Some((class, false)),
        _ => None,
    }
}

/// A round top for an axis holding `max`: 1, 2 or 5 times a power of ten (at least 1).
pub fn nice_top(max: u64) -> u64 {
    let mut step = 1;
    loop {
        for factor in [1, 2, 5] {
            if max <= step * factor {
                return step * factor;
            }
        }
        step *= 10;
    }
}

/// Every how many bars a label fits below the axis, for `bars` bars on `width` units with
/// labels of `longest` characters at 11 px.
pub fn label_every(bars: usize, width: f64, longest: usize) -> usize {
    let slot = width / bars.max(1) as f64;
    let needed = longest.max(1) as f64 * 11.0 * 0.62 + 6.0;
    ((needed / slot).ceil() as usize).max(1)
}

/// What a screen reader hears for a histogram split by outcome.
pub fn histogram_summary(title: &str, bins: &[Bin]) -> String {
    let lines: Vec<String> = bins
        .iter()
        .filter(|b| b.survived + b.died > 0)
        .map(|b| format!("{}: {} survived, {} died", bin_label(b), b.survived, b.died))
        .collect();
    format!("{title}: {}", lines.join("; "))
}

/// What a screen reader hears for the daily counts.
pub fn daily_summary(days: &[DailyPredictions]) -> String {
    let signed_in: i64 = days.iter().map(|d| d.signed_in).sum();
    let anonymous: i64 = days.iter().map(|d| d.anonymous).sum();
    let busiest = days
        .iter()
        .max_by_key(|d| d.signed_in + d.anonymous)
        .filter(|d| d.signed_in + d.anonymous > 0);
    let mut text = format!(
        "Predictions per day over {} days: {signed_in} by signed-in users, {anonymous} anonymous",
        days.len()
    );
    if let Some(day) = busiest {
        text.push_str(&format!(
            "; busiest {} with {}",
            day.day.format("%Y-%m-%d"),
            day.signed_in + day.anonymous
        ));
    }
    text
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn group(label: &str, passengers: u32, survived: u32) -> Group {
        Group {
            label: label.into(),
            passengers,
            survived,
        }
    }

    #[test]
    fn groups_are_named_for_people() {
        assert_eq!(group_name(Grouping::Class, "1"), "1st class");
        assert_eq!(group_name(Grouping::Port, "Q"), "Queenstown");
        assert_eq!(group_name(Grouping::Port, "unknown"), "unknown");
        assert_eq!(group_name(Grouping::Sex, "female"), "Female");
        assert_eq!(group_name(Grouping::AgeBand, "20–29"), "20–29 years");
        assert_eq!(group_name(Grouping::FamilySize, "1"), "alone");
        assert_eq!(group_name(Grouping::FamilySize, "4"), "family of 4");
    }

    #[test]
    fn a_rate_says_the_share_and_how_many() {
        let first = group("1", 216, 136);
        assert!((rate(&first) - 0.6296).abs() < 1e-3);
        assert_eq!(rate_line("1st class", &first), "1st class: 63 %, n=216");
        assert_eq!(rate(&group("x", 0, 0)), 0.0);
    }

    #[test]
    fn bins_read_as_ranges_and_the_last_is_open() {
        let bin = |from, to| Bin {
            from,
            to,
            survived: 1,
            died: 2,
        };
        assert_eq!(bin_label(&bin(20.0, Some(25.0))), "20–25");
        assert_eq!(bin_label(&bin(100.0, None)), "100+");
        assert_eq!(
            histogram_summary("Ages", &[bin(0.0, Some(5.0))]),
            "Ages: 0–5: 1 survived, 2 died"
        );
    }

    #[test]
    fn class_and_sex_are_read_from_their_label() {
        assert_eq!(class_and_sex("1 · female"), Some((1, true)));
        assert_eq!(class_and_sex("3·male"), Some((3, false)));
        assert_eq!(class_and_sex("4 · male"), None);
        assert_eq!(class_and_sex("female"), None);
    }

    #[test]
    fn axes_end_on_a_round_number() {
        assert_eq!(nice_top(0), 1);
        assert_eq!(nice_top(3), 5);
        assert_eq!(nice_top(17), 20);
        assert_eq!(nice_top(230), 500);
        assert_eq!(nice_top(1000), 1000);
    }

    #[test]
    fn crowded_labels_are_thinned() {
        assert_eq!(label_every(5, 300.0, 5), 1);
        assert!(label_every(30, 300.0, 5) >= 3);
    }

    #[test]
    fn the_daily_summary_counts_both_kinds_and_names_the_busiest_day() {
        let day = |d, signed_in, anonymous| DailyPredictions {
            day: NaiveDate::from_ymd_opt(2026, 11, d).unwrap(),
            signed_in,
            anonymous,
        };
        let summary = daily_summary(&[day(1, 2, 3), day(2, 0, 0), day(3, 7, 1)]);
        assert_eq!(
            summary,
            "Predictions per day over 3 days: 9 by signed-in users, 4 anonymous; busiest 2026-11-03 with 8"
        );
        assert!(!daily_summary(&[day(1, 0, 0)]).contains("busiest"));
    }
}
