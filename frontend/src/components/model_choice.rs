//! The choice of model for the calculator: each active algorithm, and both side by side.

use leptos::prelude::*;
use lifeboat_api_types::{ActiveModel, Algorithm};

/// Which models answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    One(Algorithm),
    Both,
}

impl Choice {
    /// The radio's label.
    pub fn label(self) -> &'static str {
        match self {
            Self::One(algorithm) => algorithm.label(),
            Self::Both => "Both side by side",
        }
    }

    /// The radio's value.
    pub fn value(self) -> &'static str {
        match self {
            Self::One(algorithm) => algorithm.as_str(),
            Self::Both => "both",
        }
    }
}

/// The choices the active models allow, the default first: the forest when it is active.
pub fn choices(active: &[ActiveModel]) -> Vec<Choice> {
    let mut choices: Vec<Choice> = Algorithm::ALL
        .into_iter()
        .filter(|a| active.iter().any(|m| m.algorithm == *a))
        .map(Choice::One)
        .collect();
    if choices.len() == Algorithm::ALL.len() {
        choices.push(Choice::Both);
    }
    choices
}

/// The "Model" radio group: one radio per `offered` choice, `choice` checked; a pick goes to
/// `picked`. Nothing while no model is known.
#[component]
pub fn ModelChoice(
    offered: Memo<Vec<Choice>>,
    choice: Memo<Option<Choice>>,
    picked: RwSignal<Option<Choice>>,
) -> impl IntoView {
    move || {
        let offered = offered.get();
        (!offered.is_empty()).then(|| {
            view! {
                <fieldset class="model-choice">
                    <legend>"Model"</legend>
                    {offered.into_iter().map(|option| view! {
                        <label class="radio">
                            <input type="radio" name="model" value=option.value()
                                prop:checked=move || choice.get() == Some(option)
                                on:change=move |_| picked.set(Some(option)) />
                            {option.label()}
                        </label>
                    }).collect_view()}
                </fieldset>
            }
        })
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn model(algorithm: Algorithm) -> ActiveModel {
        ActiveModel {
            id: Uuid::nil(),
            algorithm,
        }
    }

    #[test]
    fn both_is_offered_only_when_both_algorithms_are_active() {
        assert_eq!(
            choices(&[model(Algorithm::Svm), model(Algorithm::RandomForest)]),
            [
                Choice::One(Algorithm::RandomForest),
                Choice::One(Algorithm::Svm),
                Choice::Both
            ]
        );
        assert_eq!(
            choices(&[model(Algorithm::Svm)]),
            [Choice::One(Algorithm::Svm)]
        );
        assert!(choices(&[]).is_empty());
    }
}
