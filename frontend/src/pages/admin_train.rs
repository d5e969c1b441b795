//! Admin → Train: pick an algorithm, features, a name and (optionally) every parameter the
//! API takes, each with its range; the job's status then updates live until it succeeds or
//! fails. A job still under way when the page opens (started before leaving it, say) is
//! followed the same way.

use crate::api::ApiError;
use crate::auth::use_auth;
use crate::components::{Field, FieldError, JobProgress};
use crate::form::TrainingForm;
use crate::toast::use_toasts;
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos_router::components::A;
use lifeboat_api_types::{
    Algorithm, Feature, FieldErrors, JobAccepted, JobStatus, Page, TrainingJob,
    evaluation_limits as eval, training_limits as limits,
};
use std::time::Duration;
use uuid::Uuid;

/// How often a running job is asked about.
const POLL_EVERY: Duration = Duration::from_millis(750);

#[component]
pub fn AdminTrain() -> impl IntoView {
    let auth = use_auth();
    let toasts = use_toasts();
    let form = RwSignal::new(TrainingForm::default());
    let touched = RwSignal::new(false);
    let server_errors = RwSignal::new(FieldErrors::new());
    let job = RwSignal::new(None::<TrainingJob>);
    // The job being polled; `None` once it has finished.
    let following = RwSignal::new(None::<Uuid>);
    // Set to open the parameters when one of them is wrong.
    let reveal = RwSignal::new(false);

    let local_errors = Memo::new(move |_| form.with(|f| f.to_request().err().unwrap_or_default()));
    let error_for = move |name: &'static str| {
        Signal::derive(move || {
            touched
                .get()
                .then(|| local_errors.with(|e| e.get(name).cloned()))
                .flatten()
                .or_else(|| server_errors.with(|e| e.get(name).cloned()))
        })
    };
    let reveal_if_hidden = move |errors: &FieldErrors| {
        if errors
            .keys()
            .any(|k| k.starts_with("params") || k.starts_with("evaluation"))
        {
            reveal.set(true);
        }
    };

    // One look at the followed job; its end is told once, and ends the following.
    let tick = move |id: Uuid| {
        leptos::task::spawn_local(async move {
            let path = format!("/api/training/{id}");
            let answer = auth.call::<TrainingJob>(Method::GET, &path, None).await;
            // Gone, or following another job by now: this answer is stale.
            if following.try_get_untracked() != Some(Some(id)) {
                return;
            }
            match answer {
                Ok(latest) if latest.status.is_finished() => {
                    match latest.status {
                        JobStatus::Succeeded => toasts.success(format!(
                            "“{}” is trained: {:.1} % accurate.",
                            latest.name,
                            latest.accuracy.unwrap_or_default() * 100.0
                        )),
                        _ => toasts.error(format!(
                            "Training “{}” failed: {}",
                            latest.name,
                            latest.error.clone().unwrap_or_default()
                        )),
                    }
                    job.set(Some(latest));
                    following.set(None);
                }
                Ok(latest) => job.set(Some(latest)),
                Err(error) => {
                    following.set(None);
                    toasts.error(format!("Cannot follow the job: {}", error.message()));
                }
            }
        });
    };
    // Polls while a job is followed; the interval ends with the following or the page.
    Effect::new(move |_| {
        if let Some(id) = following.get() {
            let handle = set_interval_with_handle(move || tick(id), POLL_EVERY).ok();
            on_cleanup(move || {
                if let Some(handle) = handle {
                    handle.clear();
                }
            });
        }
    });
    // On arrival, follow the newest job if it is still under way.
    leptos::task::spawn_local(async move {
        let newest = "/api/training?page=1&per_page=1";
        let Ok(page) = auth
            .call::<Page<TrainingJob>>(Method::GET, newest, None)
            .await
        else {
            return;
        };
        let Some(latest) = page.items.into_iter().find(|j| !j.status.is_finished()) else {
            return;
        };
        // A job started from this page in the meantime takes precedence.
        if following.try_get_untracked() == Some(None) {
            following.set(Some(latest.id));
            job.set(Some(latest));
        }
    });

    let start = Action::new_local(move |form: &TrainingForm| {
        let form = form.clone();
        async move {
            let request = form.to_request().map_err(ApiError::Fields)?;
            let body = serde_json::to_value(&request).ok();
            auth.call::<JobAccepted>(Method::POST, "/api/training", body)
                .await
        }
    });
    Effect::new(move |_| match start.value().get() {
        Some(Ok(accepted)) => {
            toasts.info(format!("Training “{}” started.", form.get_untracked().name));
            job.set(None);
            following.set(Some(accepted.job_id));
        }
        Some(Err(ApiError::Fields(fields))) => {
            reveal_if_hidden(&fields);
            server_errors.set(fields);
        }
        Some(Err(error)) => toasts.error(format!("Cannot start training: {}", error.message())),
        None => {}
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        server_errors.set(FieldErrors::new());
        if local_errors.with(FieldErrors::is_empty) {
            start.dispatch_local(form.get());
        } else {
            local_errors.with(reveal_if_hidden);
        }
    };
    let edit = move |change: fn(&mut TrainingForm, String)| {
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            form.update(|f| change(f, value));
            touched.set(true);
        }
    };
    let is_forest = move || form.with(|f| f.algorithm == Algorithm::RandomForest);
    let text = move |get: fn(&TrainingForm) -> String| Signal::derive(move || form.with(get));
    let set = move |change: fn(&mut TrainingForm, String)| {
        Callback::new(move |value: String| {
            form.update(|f| change(f, value));
            touched.set(true);
        })
    };

    view! {
        <section class="card">
            <div class="heading-row">
                <h1>"Train a model"</h1>
                <A href="/admin/models" attr:class="button">"All models"</A>
            </div>
            <form on:submit=on_submit novalidate>
                <div class="grid">
                    <Field id="name" label="Name" error=error_for("name")>
                        <input id="name" name="name" type="text" maxlength=limits::NAME_MAX_CHARS required
                            aria-describedby="name-error"
                            prop:value=move || form.with(|f| f.name.clone())
                            on:input=edit(|f, v| f.name = v) />
                    </Field>
                    <Field id="algorithm" label="Algorithm" error=error_for("algorithm")>
                        <select id="algorithm" name="algorithm" aria-describedby="algorithm-error"
                            prop:value=move || form.with(|f| f.algorithm.as_str())
                            on:change=edit(|f, v| f.algorithm = Algorithm::parse(&v).unwrap_or(Algorithm::RandomForest))>
                            {Algorithm::ALL.into_iter().map(|a| view! { <option value=a.as_str()>{a.label()}</option> }).collect_view()}
                        </select>
                    </Field>
                </div>
                <fieldset class="features" aria-describedby="features-error">
                    <legend>"Features"</legend>
                    {Feature::ALL.into_iter().map(|feature| view! {
                        <label class="check">
                            <input type="checkbox" name="features" value=feature.as_str()
                                prop:checked=move || form.with(|f| f.features.contains(&feature))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    form.update(|f| { if on { f.features.insert(feature); } else { f.features.remove(&feature); } });
                                    touched.set(true);
                                } />
                            {feature.label()}
                        </label>
                    }).collect_view()}
                    <FieldError id="features" error=error_for("features") />
                </fieldset>
                <details class="params" prop:open=move || reveal.get()>
                    <summary>"Parameters (optional)"</summary>
                    <div class="grid">
                        {move || if is_forest() {
                            view! {
                                <NumberInput id="trees" label="Trees" hint=format!("1–{}", limits::MAX_TREES)
                                    min="1" max=limits::MAX_TREES.to_string()
                                    value=text(|f| f.trees.clone()) on_input=set(|f, v| f.trees = v)
                                    error=error_for("params.trees") />
                                <NumberInput id="max_depth" label="Deepest level"
                                    hint=format!("1–{}; empty for no limit", limits::MAX_DEPTH)
                                    min="1" max=limits::MAX_DEPTH.to_string()
                                    value=text(|f| f.max_depth.clone()) on_input=set(|f, v| f.max_depth = v)
                                    error=error_for("params.max_depth") />
                                <NumberInput id="feature_share" label="Feature share" decimal=true
                                    hint="above 0, at most 1: the share of the feature columns each tree sees"
                                    min="0" max="1"
                                    value=text(|f| f.feature_share.clone()) on_input=set(|f, v| f.feature_share = v)
                                    error=error_for("params.feature_share") />
                                <NumberInput id="bootstrap_share" label="Bootstrap share" decimal=true
                                    hint="above 0, at most 1: each tree's sample as a share of the training rows"
                                    min="0" max="1"
                                    value=text(|f| f.bootstrap_share.clone()) on_input=set(|f, v| f.bootstrap_share = v)
                                    error=error_for("params.bootstrap_share") />
                                <NumberInput id="seed" label="Seed"
                                    hint=format!("0–{}; the same seed grows the same forest", limits::MAX_SEED)
                                    min="0" max=limits::MAX_SEED.to_string()
                                    value=text(|f| f.seed.clone()) on_input=set(|f, v| f.seed = v)
                                    error=error_for("params.seed") />
                            }.into_any()
                        } else {
                            view! {
                                <Field id="kernel" label="Kernel" error=error_for("params.kernel")>
                                    <select id="kernel" aria-describedby="kernel-error"
                                        prop:value=move || form.with(|f| f.kernel.clone())
                                        on:change=edit(|f, v| f.kernel = v)>
                                        <option value="gaussian">"Gaussian"</option>
                                        <option value="linear">"Linear"</option>
                                    </select>
                                </Field>
                                <NumberInput id="c" label="C (penalty)" decimal=true
                                    hint=format!("above 0, at most {}", limits::MAX_SVM_C)
                                    min="0" max=limits::MAX_SVM_C.to_string()
                                    value=text(|f| f.c.clone()) on_input=set(|f, v| f.c = v)
                                    error=error_for("params.c") />
                                <NumberInput id="kernel_width" label="Kernel width" decimal=true
                                    hint=format!("above 0, at most {}; Gaussian kernel only", limits::MAX_KERNEL_WIDTH)
                                    min="0" max=limits::MAX_KERNEL_WIDTH.to_string()
                                    value=text(|f| f.kernel_width.clone()) on_input=set(|f, v| f.kernel_width = v)
                                    error=error_for("params.kernel_width") />
                            }.into_any()
                        }}
                    </div>
                    <FieldError id="params" error=error_for("params") />
                    <fieldset class="evaluation">
                        <legend>"Evaluation"</legend>
                        <div class="grid">
                            <NumberInput id="folds" label="Cross-validation folds"
                                hint=format!("{}–{}", eval::MIN_FOLDS, eval::MAX_FOLDS)
                                min=eval::MIN_FOLDS.to_string() max=eval::MAX_FOLDS.to_string()
                                value=text(|f| f.folds.clone()) on_input=set(|f, v| f.folds = v)
                                error=error_for("evaluation.folds") />
                            <NumberInput id="importance_repeats" label="Importance repeats"
                                hint=format!("{}–{}: shuffles of each input", eval::MIN_IMPORTANCE_REPEATS, eval::MAX_IMPORTANCE_REPEATS)
                                min=eval::MIN_IMPORTANCE_REPEATS.to_string() max=eval::MAX_IMPORTANCE_REPEATS.to_string()
                                value=text(|f| f.importance_repeats.clone()) on_input=set(|f, v| f.importance_repeats = v)
                                error=error_for("evaluation.importance_repeats") />
                        </div>
                    </fieldset>
                    <FieldError id="evaluation" error=error_for("evaluation") />
                </details>
                <label class="check">
                    <input type="checkbox" name="activate"
                        prop:checked=move || form.with(|f| f.activate)
                        on:change=move |ev| form.update(|f| f.activate = event_target_checked(&ev)) />
                    "Make it the active model when it succeeds"
                </label>
                <button type="submit" class="primary" disabled=move || start.pending().get()>
                    {move || if start.pending().get() { "Starting…" } else { "Start training" }}
                </button>
            </form>
            <JobProgress job=job />
            <p><A href="/admin/jobs">"All training jobs"</A></p>
        </section>
    }
}

/// A numeric input of the training form: its range as the hint and as the input's bounds,
/// its text in `value`, each change to `on_input`.
#[component]
fn NumberInput(
    id: &'static str,
    label: &'static str,
    #[prop(into)] hint: String,
    #[prop(into)] min: String,
    #[prop(into)] max: String,
    /// Decimal keypad and any step, instead of whole numbers.
    #[prop(optional)]
    decimal: bool,
    value: Signal<String>,
    on_input: Callback<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <Field id=id label=label hint=hint error=error>
            <input id=id name=id type="number" min=min max=max
                step=if decimal { "any" } else { "1" }
                inputmode=if decimal { "decimal" } else { "numeric" }
                aria-describedby=format!("{id}-hint {id}-error")
                aria-invalid=move || error.get().is_some().to_string()
                prop:value=value
                on:input=move |ev| on_input.run(event_target_value(&ev)) />
        </Field>
    }
}
