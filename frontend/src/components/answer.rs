//! One model's answer: the verdict (announced as it changes), a gauge, which model answered,
//! and why.

use super::{Explanation, Gauge, Latest};
use leptos::prelude::*;
use lifeboat_api_types::{Algorithm, InferenceResponse};

/// The latest answer of one model, under `title` (the heading's id is `{id}-title`); `idle`
/// is said while there is none.
#[component]
pub fn Answer(
    id: &'static str,
    #[prop(into)] title: Signal<&'static str>,
    latest: Latest<InferenceResponse>,
    #[prop(into)] idle: Signal<&'static str>,
) -> impl IntoView {
    let survived = move || {
        latest
            .answer
            .with(|a| matches!(a, Some(Ok(p)) if p.survived))
    };
    view! {
        <article class="answer" class:survived=survived class:stale=move || latest.pending.get()
            aria-labelledby=format!("{id}-title") aria-busy=move || latest.pending.get().to_string()>
            <h2 id=format!("{id}-title")>{title}</h2>
            // Stays in the page while the answers change, so that each new verdict is announced.
            <p class="verdict" role="status">
                {move || latest.answer.with(|answer| match answer {
                    Some(Ok(prediction)) => view! { <Verdict prediction=prediction.clone() /> }.into_any(),
                    Some(Err(error)) => view! { <span class="error-text">{error.message()}</span> }.into_any(),
                    None => view! { <span class="muted">{idle.get()}</span> }.into_any(),
                })}
            </p>
            {move || latest.answer.get().and_then(Result::ok).map(|prediction| view! {
                <Gauge prob=prediction.prob />
                <p class="model" data-testid="answered-by">
                    "Answered by “" {prediction.model_name.clone()} "”, a "
                    {match prediction.algorithm {
                        Algorithm::RandomForest => "random forest",
                        Algorithm::Svm => "support vector machine",
                    }} " model."
                </p>
                <Explanation prediction=prediction />
            })}
        </article>
    }
}

/// "62% chance of survival — Likely survived".
#[component]
fn Verdict(prediction: InferenceResponse) -> impl IntoView {
    let verdict = crate::chart::verdict(prediction.survived);
    view! {
        <span class="prob" data-testid="probability">{format!("{:.0}%", (prediction.prob * 100.0).round())}</span>
        " chance of survival — "
        <strong>{verdict}</strong>
    }
}
