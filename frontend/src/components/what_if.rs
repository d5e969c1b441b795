//! What if the passenger were different: the chance over age and over fare, and the nearest
//! change that flips the verdict, with a button that tries it.

use super::{Curve, Latest};
use crate::chart;
use leptos::html::H2;
use leptos::prelude::*;
use lifeboat_api_types::{Counterfactual, InferenceRequest, WhatIfAnswer};

/// The what-if view of the latest answer; `on_try` fills the form with a suggested passenger.
#[component]
pub fn WhatIf(
    latest: Latest<(InferenceRequest, WhatIfAnswer)>,
    on_try: Callback<InferenceRequest>,
) -> impl IntoView {
    let heading = NodeRef::<H2>::new();
    let try_this = Callback::new(move |passenger: InferenceRequest| {
        on_try.run(passenger);
        // The suggestion is drawn again for the new inputs: keep focus somewhere stable.
        if let Some(heading) = heading.get_untracked() {
            let _ = heading.focus();
        }
    });
    view! {
        <section class="what-if" aria-labelledby="what-if-heading"
            aria-busy=move || latest.pending.get().to_string()>
            <h2 id="what-if-heading" tabindex="-1" node_ref=heading>"What if?"</h2>
            {move || match latest.answer.get() {
                None => None::<AnyView>,
                Some(Err(error)) => Some(view! { <p class="error-banner">{error.message()}</p> }.into_any()),
                Some(Ok((asked, answer))) => Some(view! { <Suggestions asked=asked answer=answer try_this=try_this /> }.into_any()),
            }}
        </section>
    }
}

/// The counterfactuals in words with their buttons, then the two curves.
#[component]
fn Suggestions(
    asked: InferenceRequest,
    answer: WhatIfAnswer,
    try_this: Callback<InferenceRequest>,
) -> impl IntoView {
    let prob = answer.prediction.prob;
    let fare = |x: f64| format!("£{}", chart::number(x));
    view! {
        <p class="muted">
            "How the " {answer.prediction.algorithm.label()} " answer “" {answer.prediction.model_name.clone()}
            "” moves with each input, and the nearest change of inputs that flips its verdict."
        </p>
        <Flip id="flip" sentence=chart::flip_sentence(answer.counterfactual.as_ref())
            counterfactual=answer.counterfactual.clone() button_label="Try this" try_this=try_this />
        <Flip id="flip-age" sentence=chart::age_sentence(answer.age_alternative.as_ref())
            counterfactual=answer.age_alternative.clone() button_label="Try this age alternative"
            try_this=try_this />
        <div class="curves">
            <Curve title="Chance over age" name="age" column="Age (years)" points=answer.age_curve
                current=asked.age.map(|age| (age, prob)) show=chart::number />
            <Curve title="Chance over fare" name="fare" column="Fare (£)" points=answer.fare_curve
                current=asked.fare.map(|fare| (fare, prob)) show=fare />
        </div>
    }
}

/// One suggestion: the sentence, and a "Try this" button when there is something to try.
/// `button_label` names the button for screen readers; it starts with the visible words.
#[component]
fn Flip(
    id: &'static str,
    sentence: String,
    counterfactual: Option<Counterfactual>,
    button_label: &'static str,
    try_this: Callback<InferenceRequest>,
) -> impl IntoView {
    view! {
        <div class="flip">
            <p id=id>{sentence}</p>
            {counterfactual.map(|c| view! {
                <button type="button" class="secondary" aria-label=button_label aria-describedby=id
                    on:click=move |_| try_this.run(c.passenger.clone())>
                    "Try this"
                </button>
            })}
        </div>
    }
}
