//! The home page: describe a passenger, get the probability that they survive.

use crate::api::ApiError;
use crate::auth::use_auth;
use crate::components::{Field, Gauge, NumberField};
use crate::form::CalculatorForm;
use gloo_net::http::Method;
use leptos::prelude::*;
use lifeboat_api_types::{Algorithm, FieldErrors, InferenceRequest, InferenceResponse, limits};

#[component]
pub fn Calculator() -> impl IntoView {
    let defaults = CalculatorForm::default();
    let pclass = RwSignal::new(defaults.pclass);
    let sex = RwSignal::new(defaults.sex);
    let age = RwSignal::new(defaults.age);
    let sibsp = RwSignal::new(defaults.sibsp);
    let parch = RwSignal::new(defaults.parch);
    let fare = RwSignal::new(defaults.fare);
    let embarked = RwSignal::new(defaults.embarked);

    let form = move || CalculatorForm {
        pclass: pclass.get(),
        sex: sex.get(),
        age: age.get(),
        sibsp: sibsp.get(),
        parch: parch.get(),
        fare: fare.get(),
        embarked: embarked.get(),
    };
    // Inline validation as the person types, with the API's own rules.
    let local_errors = Memo::new(move |_| form().to_request().err().unwrap_or_default());
    // Field errors the server sent for the last submission.
    let server_errors = RwSignal::new(FieldErrors::new());

    // Signed-in people predict with their token, so the logs know who asked.
    let auth = use_auth();
    let predict = Action::new_local(move |request: &InferenceRequest| {
        let body = serde_json::to_value(request).ok();
        async move { auth.call(Method::POST, "/api/inference", body).await }
    });
    Effect::new(move |_| {
        if let Some(Err(ApiError::Fields(fields))) = predict.value().get() {
            server_errors.set(fields);
        }
    });

    let error_for = move |name: &'static str| {
        Signal::derive(move || {
            local_errors
                .with(|e| e.get(name).cloned())
                .or_else(|| server_errors.with(|e| e.get(name).cloned()))
        })
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        server_errors.set(FieldErrors::new());
        if let Ok(request) = form().to_request() {
            predict.dispatch_local(request);
        }
    };
    let invalid = move || !local_errors.with(FieldErrors::is_empty);

    view! {
        <section class="card calculator">
            <h1>"Would they have survived the Titanic?"</h1>
            <p class="lede">"Describe a passenger and a model trained on the real passenger list estimates their chance."</p>
            <form on:submit=on_submit novalidate>
                <div class="grid">
                    <Field id="pclass" label="Ticket class" error=error_for("pclass")>
                        <select id="pclass" name="pclass" aria-describedby="pclass-hint pclass-error"
                            prop:value=pclass on:change=move |ev| pclass.set(event_target_value(&ev))>
                            <option value="1">"1st class"</option>
                            <option value="2">"2nd class"</option>
                            <option value="3" selected>"3rd class"</option>
                        </select>
                    </Field>
                    <Field id="sex" label="Sex" error=error_for("sex")>
                        <select id="sex" name="sex" aria-describedby="sex-hint sex-error"
                            prop:value=sex on:change=move |ev| sex.set(event_target_value(&ev))>
                            <option value="male" selected>"Male"</option>
                            <option value="female">"Female"</option>
                        </select>
                    </Field>
                    <NumberField id="age" label="Age (years)" hint="0–120; leave empty if unknown"
                        max=limits::AGE_MAX step="1" decimal=true value=age error=error_for("age") />
                    <NumberField id="fare" label="Fare (£)" hint="0–1000; leave empty if unknown"
                        max=limits::FARE_MAX step="0.01" decimal=true value=fare error=error_for("fare") />
                    <NumberField id="sibsp" label="Siblings or spouses aboard" hint="0–20"
                        max=limits::RELATIVES_MAX as f64 step="1" value=sibsp error=error_for("sibsp") />
                    <NumberField id="parch" label="Parents or children aboard" hint="0–20"
                        max=limits::RELATIVES_MAX as f64 step="1" value=parch error=error_for("parch") />
                    <Field id="embarked" label="Port of embarkation" error=error_for("embarked")>
                        <select id="embarked" name="embarked" aria-describedby="embarked-hint embarked-error"
                            prop:value=embarked on:change=move |ev| embarked.set(event_target_value(&ev))>
                            <option value="S" selected>"Southampton"</option>
                            <option value="C">"Cherbourg"</option>
                            <option value="Q">"Queenstown"</option>
                            <option value="">"Unknown"</option>
                        </select>
                    </Field>
                </div>
                <button type="submit" class="primary" disabled=move || invalid() || predict.pending().get()>
                    {move || if predict.pending().get() { "Calculating…" } else { "Calculate survival" }}
                </button>
            </form>
            <div class="result-area" role="status" aria-live="polite" aria-label="Prediction result">
                {move || predict.value().get().map(|outcome| match outcome {
                    Ok(prediction) => view! { <Result prediction=prediction /> }.into_any(),
                    Err(error) => view! { <p class="error-banner">{error.message()}</p> }.into_any(),
                })}
            </div>
        </section>
    }
}

/// The verdict: the probability as a percentage and a gauge, and the model that answered.
#[component]
fn Result(prediction: InferenceResponse) -> impl IntoView {
    let percent = format!("{:.0}%", prediction.prob * 100.0);
    let verdict = if prediction.survived {
        "Likely survived"
    } else {
        "Likely did not survive"
    };
    let algorithm = match prediction.algorithm {
        Algorithm::RandomForest => "random forest",
        Algorithm::Svm => "support vector machine",
    };
    view! {
        <div class="result" class:survived=prediction.survived>
            <p class="verdict">
                <span class="prob" data-testid="probability">{percent}</span>
                " chance of survival — "
                <strong>{verdict}</strong>
            </p>
            <Gauge prob=prediction.prob />
            <p class="model" data-testid="answered-by">
                "Answered by “" {prediction.model_name} "”, a " {algorithm} " model."
            </p>
        </div>
    }
}
