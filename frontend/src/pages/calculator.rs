//! The home page: describe a passenger and see, as you type, the chance of survival from the
//! chosen model (or both side by side), why, and what would change the verdict.

use crate::api::ApiError;
use crate::auth::use_auth;
use crate::components::{
    Answer, Choice, Field, ModelChoice, NumberField, WhatIf, choices, use_latest,
};
use crate::form::CalculatorForm;
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use lifeboat_api_types::{
    ActiveModel, Algorithm, Embarked, FieldErrors, InferenceRequest, InferenceResponse, Sex,
    WhatIfAnswer, passenger_rules as rules, words,
};
use uuid::Uuid;

/// The form's inputs, one signal per field, as typed.
#[derive(Debug, Clone, Copy)]
struct Inputs {
    pclass: RwSignal<String>,
    sex: RwSignal<String>,
    age: RwSignal<String>,
    sibsp: RwSignal<String>,
    parch: RwSignal<String>,
    fare: RwSignal<String>,
    embarked: RwSignal<String>,
}

impl Inputs {
    fn new(form: CalculatorForm) -> Self {
        Self {
            pclass: RwSignal::new(form.pclass),
            sex: RwSignal::new(form.sex),
            age: RwSignal::new(form.age),
            sibsp: RwSignal::new(form.sibsp),
            parch: RwSignal::new(form.parch),
            fare: RwSignal::new(form.fare),
            embarked: RwSignal::new(form.embarked),
        }
    }

    fn get(self) -> CalculatorForm {
        CalculatorForm {
            pclass: self.pclass.get(),
            sex: self.sex.get(),
            age: self.age.get(),
            sibsp: self.sibsp.get(),
            parch: self.parch.get(),
            fare: self.fare.get(),
            embarked: self.embarked.get(),
        }
    }

    fn set(self, form: CalculatorForm) {
        self.pclass.set(form.pclass);
        self.sex.set(form.sex);
        self.age.set(form.age);
        self.sibsp.set(form.sibsp);
        self.parch.set(form.parch);
        self.fare.set(form.fare);
        self.embarked.set(form.embarked);
    }
}

#[component]
pub fn Calculator() -> impl IntoView {
    // "Open in calculator" (My predictions) describes the passenger in the address.
    let query = use_query_map().get_untracked();
    let from_address = CalculatorForm::from_query(|name| query.get(name));
    let asked_model = query
        .get("model_id")
        .and_then(|id| Uuid::parse_str(&id).ok());
    let inputs = Inputs::new(from_address.unwrap_or_default());
    let fill = Callback::new(move |passenger: InferenceRequest| {
        inputs.set(CalculatorForm::from_request(&passenger));
    });
    // Checked with the API's own rules as the person types; `None` while any field is wrong.
    let checked = Memo::new(move |_| inputs.get().to_request());
    let request = Memo::new(move |_| checked.with(|c| c.as_ref().ok().cloned()));
    // Field errors the server sent for the current inputs, under those of the typing.
    let server_errors = RwSignal::new(FieldErrors::new());
    Effect::new(move |_| {
        request.track();
        server_errors.set(FieldErrors::new());
    });
    let errors = Memo::new(move |_| {
        let mut errors = server_errors.get();
        checked.with(|c| errors.extend(c.clone().err().unwrap_or_default()));
        errors
    });

    // Signed-in people ask with their token, so the logs know who asked.
    let auth = use_auth();
    let models = LocalResource::new(move || async move {
        auth.call::<Vec<ActiveModel>>(Method::GET, "/api/inference/models", None)
            .await
    });
    // The active models once known; none (or no list) lets the server pick its default.
    let active = Memo::new(move |_| models.get().map(Result::unwrap_or_default));
    let offered =
        Memo::new(move |_| active.with(|a| a.as_deref().map(choices).unwrap_or_default()));
    let picked = RwSignal::new(None::<Choice>);
    let choice = Memo::new(move |_| {
        let offered = offered.get();
        picked
            .get()
            .filter(|c| offered.contains(c))
            .or_else(|| offered.first().copied())
    });
    // The model the address asks for answers when it is still active; else the note says so.
    let retired = RwSignal::new(false);
    Effect::new(move |_| {
        let (Some(id), Some(active)) = (asked_model, active.get()) else {
            return;
        };
        match active.iter().find(|m| m.id == id) {
            Some(model) => picked.set(Some(Choice::One(model.algorithm))),
            None => retired.set(true),
        }
    });
    let model_of = move |algorithm: Algorithm| {
        active.with(|a| {
            a.iter()
                .flatten()
                .find(|m| m.algorithm == algorithm)
                .map(|m| m.id)
        })
    };
    // The model each lane asks (inner `None`: the server's default); `None`: nothing to ask.
    let first = Memo::new(move |_| {
        active.with(Option::is_some).then(|| match choice.get() {
            Some(Choice::One(algorithm)) => model_of(algorithm),
            Some(Choice::Both) => model_of(Algorithm::RandomForest),
            None => None,
        })
    });
    let second =
        Memo::new(move |_| (choice.get() == Some(Choice::Both)).then(|| model_of(Algorithm::Svm)));
    let ask = move |lane: Memo<Option<Option<Uuid>>>, explain: bool| {
        Memo::new(move |_| {
            let model_id = lane.get()?;
            let request = request.get()?;
            Some(InferenceRequest {
                model_id,
                explain,
                ..request
            })
        })
    };

    let predict = move |body: InferenceRequest| {
        auth.call::<InferenceResponse>(
            Method::POST,
            "/api/inference",
            serde_json::to_value(body).ok(),
        )
    };
    let explore = move |body: InferenceRequest| async move {
        let json = serde_json::to_value(&body).ok();
        let answer = auth.call::<WhatIfAnswer>(Method::POST, "/api/inference/what-if", json);
        answer.await.map(|answer| (body, answer))
    };
    let first_answer = use_latest(ask(first, true), predict);
    let second_answer = use_latest(ask(second, true), predict);
    let what_if = use_latest(ask(first, false), explore);
    Effect::new(move |_| {
        if let Some(Err(ApiError::Fields(fields))) = first_answer.answer.get() {
            server_errors.set(fields);
        }
    });

    let idle = Signal::derive(move || match request.with(Option::is_some) {
        true => "Calculating…",
        false => "Correct the highlighted fields to see the chance of survival.",
    });
    let first_title = Signal::derive(move || match choice.get() {
        Some(Choice::One(algorithm)) => algorithm.label(),
        Some(Choice::Both) => Algorithm::RandomForest.label(),
        None => "Chance of survival",
    });
    let both = move || second.with(Option::is_some);

    view! {
        <section class="card calculator">
            <h1>"Would they have survived the Titanic?"</h1>
            <p class="lede">"Describe a passenger: a model trained on the real passenger list estimates their chance as you type."</p>
            <form on:submit=|ev| ev.prevent_default() novalidate>
                <PassengerFields inputs=inputs errors=errors />
                <ModelChoice offered=offered choice=choice picked=picked />
                <Show when=move || retired.get()>
                    <p class="notice" role="status">
                        "The model that made this prediction is no longer active: the active model answers."
                    </p>
                </Show>
            </form>
            <section class="answers" class:both=both aria-label="Prediction result">
                <Answer id="answer-first" title=first_title latest=first_answer idle=idle />
                <Show when=both>
                    <Answer id="answer-second" title=Algorithm::Svm.label() latest=second_answer idle=idle />
                </Show>
            </section>
            <WhatIf latest=what_if on_try=fill />
        </section>
    }
}

/// A select's `<option>`s, (value, words) each, the one a fresh form starts on selected.
fn options(
    choices: impl IntoIterator<Item = (String, &'static str)>,
    typical: String,
) -> impl IntoView {
    choices
        .into_iter()
        .map(|(value, words)| {
            let selected = value == typical;
            view! { <option value=value selected=selected>{words}</option> }
        })
        .collect_view()
}

/// The passenger's seven inputs, each labelled, with its hint and its error from `errors`.
#[component]
fn PassengerFields(inputs: Inputs, errors: Memo<FieldErrors>) -> impl IntoView {
    let error_for =
        move |name: &'static str| Signal::derive(move || errors.with(|e| e.get(name).cloned()));
    // The options a fresh form starts on.
    let typical = CalculatorForm::default();
    view! {
        <div class="grid">
            <Field id="pclass" label=words::PCLASS error=error_for("pclass")>
                <select id="pclass" name="pclass" aria-describedby="pclass-hint pclass-error"
                    prop:value=inputs.pclass on:change=move |ev| inputs.pclass.set(event_target_value(&ev))>
                    {options((rules::PCLASS_MIN..=rules::PCLASS_MAX).map(|class| (class.to_string(), words::class_name(class as u8))), typical.pclass.clone())}
                </select>
            </Field>
            <Field id="sex" label=words::SEX error=error_for("sex")>
                <select id="sex" name="sex" aria-describedby="sex-hint sex-error"
                    prop:value=inputs.sex on:change=move |ev| inputs.sex.set(event_target_value(&ev))>
                    {options(Sex::ALL.map(|sex| (sex.as_str().to_owned(), words::sex_name(sex))), typical.sex.clone())}
                </select>
            </Field>
            <NumberField id="age" label=format!("{} (years)", words::AGE) hint=format!("0–{}; leave empty if unknown", rules::AGE_MAX)
                max=rules::AGE_MAX step="1" decimal=true value=inputs.age error=error_for("age") />
            <NumberField id="fare" label=format!("{} (£)", words::FARE) hint=format!("0–{}; leave empty if unknown", rules::FARE_MAX)
                max=rules::FARE_MAX step="0.01" decimal=true value=inputs.fare error=error_for("fare") />
            <NumberField id="sibsp" label=words::SIBSP hint=format!("0–{}", rules::RELATIVES_MAX)
                max=rules::RELATIVES_MAX as f64 step="1" value=inputs.sibsp error=error_for("sibsp") />
            <NumberField id="parch" label=words::PARCH hint=format!("0–{}", rules::RELATIVES_MAX)
                max=rules::RELATIVES_MAX as f64 step="1" value=inputs.parch error=error_for("parch") />
            <Field id="embarked" label=words::EMBARKED error=error_for("embarked")>
                <select id="embarked" name="embarked" aria-describedby="embarked-hint embarked-error"
                    prop:value=inputs.embarked on:change=move |ev| inputs.embarked.set(event_target_value(&ev))>
                    {options(Embarked::ALL.map(|port| (port.as_str().to_owned(), words::port_name(port))), typical.embarked.clone())}
                    <option value="">"Unknown"</option>
                </select>
            </Field>
        </div>
    }
}
