//! Admin → Train: pick an algorithm, features, a name and (optionally) parameters; the job's
//! status then updates live until it succeeds or fails.

use crate::api::ApiError;
use crate::auth::use_auth;
use crate::components::{Field, FieldError};
use crate::form::TrainingForm;
use crate::toast::use_toasts;
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos_router::components::A;
use lifeboat_api_types::{Algorithm, Feature, FieldErrors, JobAccepted, JobStatus, TrainingJob};
use std::time::Duration;

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
    // Polls the job until it ends; stops when the page goes away.
    let poll = move |id| {
        let handle = StoredValue::new(None::<IntervalHandle>);
        let tick = move || {
            leptos::task::spawn_local(async move {
                let path = format!("/api/training/{id}");
                match auth.call::<TrainingJob>(Method::GET, &path, None).await {
                    Ok(latest) => {
                        let finished = latest.status.is_finished();
                        let was_finished = job.with_untracked(|j| {
                            j.as_ref()
                                .is_some_and(|j| j.id == latest.id && j.status.is_finished())
                        });
                        if finished && !was_finished {
                            if let Some(h) = handle.try_get_value().flatten() {
                                h.clear();
                            }
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
                        }
                        job.try_set(Some(latest));
                    }
                    Err(error) => {
                        if let Some(h) = handle.try_get_value().flatten() {
                            h.clear();
                        }
                        toasts.error(format!("Cannot follow the job: {}", error.message()));
                    }
                }
            });
        };
        if let Ok(h) = set_interval_with_handle(tick, POLL_EVERY) {
            handle.set_value(Some(h));
        }
        on_cleanup(move || {
            if let Some(h) = handle.try_get_value().flatten() {
                h.clear();
            }
        });
    };

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
            poll(accepted.job_id);
        }
        Some(Err(ApiError::Fields(fields))) => server_errors.set(fields),
        Some(Err(error)) => toasts.error(format!("Cannot start training: {}", error.message())),
        None => {}
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        server_errors.set(FieldErrors::new());
        if local_errors.with(FieldErrors::is_empty) {
            start.dispatch_local(form.get());
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

    view! {
        <section class="card">
            <div class="heading-row">
                <h1>"Train a model"</h1>
                <A href="/admin/models" attr:class="button">"All models"</A>
            </div>
            <form on:submit=on_submit novalidate>
                <div class="grid">
                    <Field id="name" label="Name" error=error_for("name")>
                        <input id="name" name="name" type="text" maxlength="100" required
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
                <details class="params">
                    <summary>"Parameters (optional)"</summary>
                    <div class="grid">
                        {move || if is_forest() {
                            view! {
                                <Field id="trees" label="Trees" hint="1–500" error=error_for("params.trees")>
                                    <input id="trees" type="number" min="1" max="500" step="1" inputmode="numeric"
                                        aria-describedby="trees-hint trees-error"
                                        prop:value=move || form.with(|f| f.trees.clone())
                                        on:input=edit(|f, v| f.trees = v) />
                                </Field>
                                <Field id="max_depth" label="Deepest level" hint="1–30; empty for no limit" error=error_for("params.max_depth")>
                                    <input id="max_depth" type="number" min="1" max="30" step="1" inputmode="numeric"
                                        aria-describedby="max_depth-hint max_depth-error"
                                        prop:value=move || form.with(|f| f.max_depth.clone())
                                        on:input=edit(|f, v| f.max_depth = v) />
                                </Field>
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
                                <Field id="c" label="C (penalty)" hint="above 0, up to 1000" error=error_for("params.c")>
                                    <input id="c" type="number" min="0" max="1000" step="any" inputmode="decimal"
                                        aria-describedby="c-hint c-error"
                                        prop:value=move || form.with(|f| f.c.clone())
                                        on:input=edit(|f, v| f.c = v) />
                                </Field>
                                <Field id="kernel_width" label="Kernel width" hint="Gaussian kernel only" error=error_for("params.kernel_width")>
                                    <input id="kernel_width" type="number" min="0" step="any" inputmode="decimal"
                                        aria-describedby="kernel_width-hint kernel_width-error"
                                        prop:value=move || form.with(|f| f.kernel_width.clone())
                                        on:input=edit(|f, v| f.kernel_width = v) />
                                </Field>
                            }.into_any()
                        }}
                    </div>
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
            <div class="job" role="status" aria-live="polite">
                {move || job.get().map(|job| view! { <JobStatusView job=job /> })}
            </div>
        </section>
    }
}

#[component]
fn JobStatusView(job: TrainingJob) -> impl IntoView {
    let (class, text) = match job.status {
        JobStatus::Queued => ("badge", "Queued".to_owned()),
        JobStatus::Running => ("badge running", "Running".to_owned()),
        JobStatus::Succeeded => (
            "badge on",
            format!(
                "Succeeded: {:.1} % accurate",
                job.accuracy.unwrap_or_default() * 100.0
            ),
        ),
        JobStatus::Failed => (
            "badge warn",
            format!("Failed: {}", job.error.clone().unwrap_or_default()),
        ),
    };
    view! {
        <p>
            "Job “" {job.name.clone()} "”: "
            <span class=class data-testid="job-status">{text}</span>
            {(job.status == JobStatus::Succeeded).then(|| view! {
                " " <A href="/admin/models">"See it in the models list"</A>
            })}
        </p>
    }
}
