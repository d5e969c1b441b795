//! Admin → Models → one model: every figure measured when it was trained (held-out scores,
//! confusion matrix, cross-validation, curves, calibration, importance) and how it was
//! trained (parameters, features, who, when, how long, checksums). Models trained before
//! the evaluation existed show the rest.

use crate::api::ApiError;
use crate::auth::use_auth;
use crate::components::{
    CalibrationChart, ConfusionMatrix, CrossValidationFigures, HeldOutFigures, ImportanceChart,
    PrChart, RocChart, RocCurve,
};
use crate::lab;
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use lifeboat_api_types::ModelDetails;
use uuid::Uuid;

/// The model named by the `:id` of the route.
#[component]
pub fn AdminModel() -> impl IntoView {
    let auth = use_auth();
    let params = use_params_map();
    let model = LocalResource::new(move || {
        let id = params.with(|p| p.get("id").and_then(|id| Uuid::parse_str(&id).ok()));
        async move {
            let id = id.ok_or(ApiError::Server {
                status: 404,
                message: "There is no such model.".into(),
            })?;
            let path = format!("/api/models/{id}");
            auth.call::<ModelDetails>(Method::GET, &path, None).await
        }
    });
    view! {
        <section class="card wide lab">
            {move || match model.get() {
                None => view! { <h1>"Model"</h1><p class="muted">"Loading the model…"</p> }.into_any(),
                Some(Err(error)) => view! {
                    <h1>"Model"</h1>
                    <p class="error-banner">{error.message()}</p>
                    <p><A href="/admin/models">"Back to all models"</A></p>
                }.into_any(),
                Some(Ok(model)) => view! { <ModelView model=model /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ModelView(model: ModelDetails) -> impl IntoView {
    let summary = model.summary.clone();
    let metrics = model.metrics.clone();
    let evaluation = model.evaluation.clone();
    let measured = evaluation.clone().map(|e| {
        let curve = RocCurve {
            name: summary.name.clone(),
            auc: metrics.roc_auc,
            points: e.held_out.roc_curve.clone(),
        };
        view! {
            <section aria-labelledby="cv-heading">
                <h2 id="cv-heading">"Cross-validation"</h2>
                <p class="muted">
                    {format!("Stratified {}-fold cross-validation on the {} training passengers, mean ± standard deviation over the folds.",
                        e.params.folds, metrics.train_rows)}
                </p>
                <CrossValidationFigures cv=e.cross_validation />
            </section>
            <section aria-labelledby="curves-heading">
                <h2 id="curves-heading">"Curves and calibration"</h2>
                <div class="lab-charts">
                    <RocChart curves=vec![curve] />
                    <PrChart points=e.held_out.pr_curve />
                    <CalibrationChart bins=e.held_out.calibration />
                    <ImportanceChart importance=e.importance />
                </div>
            </section>
        }
    });
    view! {
        <div class="heading-row">
            <h1>{summary.name.clone()}</h1>
            <A href="/admin/models" attr:class="button">"All models"</A>
        </div>
        <p class="lede">
            {summary.algorithm.label()} " "
            {summary.is_active.then(|| view! { <span class="badge on">"Active"</span> })}
            {summary.artifact_missing.then(|| view! { <span class="badge warn">"File missing"</span> })}
        </p>
        <section aria-labelledby="held-out-heading">
            <h2 id="held-out-heading">"On the held-out passengers"</h2>
            <p class="muted">
                {format!("Judged on {} passengers the model never saw; trained on {}.",
                    metrics.test_rows, metrics.train_rows)}
            </p>
            <HeldOutFigures metrics=metrics.clone() evaluation=evaluation.clone() />
            <ConfusionMatrix matrix=metrics.confusion_matrix />
        </section>
        {match measured {
            Some(view) => view.into_any(),
            None => view! {
                <p class="notice" data-testid="no-evaluation">
                    "Cross-validation, curves and importance are not available for this model (trained before they were measured)."
                </p>
            }.into_any(),
        }}
        <Training model=model />
    }
}

/// How it was trained: parameters, features, who, when, how long, and the checksums.
#[component]
fn Training(model: ModelDetails) -> impl IntoView {
    let params: Vec<(String, String)> = model
        .params
        .as_object()
        .into_iter()
        .flatten()
        .map(|(key, value)| (lab::param_label(key), lab::param_value(value)))
        .collect();
    let features: Vec<&str> = model.summary.features.iter().map(|f| f.label()).collect();
    let who = match (model.created_by, model.created_by_email) {
        (None, _) => "Lifeboat (fresh install)".to_owned(),
        (Some(_), Some(email)) => email,
        (Some(_), None) => "a deleted account".to_owned(),
    };
    let evaluation = model.evaluation.as_ref();
    let facts = [
        ("Features", features.join(", ")),
        ("Trained by", who),
        (
            "Trained at",
            model
                .summary
                .created_at
                .format("%Y-%m-%d %H:%M UTC")
                .to_string(),
        ),
        ("Training time", lab::seconds(model.training_seconds)),
        (
            "Evaluation time",
            evaluation.map_or("—".into(), |e| lab::seconds(e.seconds)),
        ),
        (
            "Cross-validation folds",
            evaluation.map_or("—".into(), |e| e.params.folds.to_string()),
        ),
        (
            "Importance repeats",
            evaluation.map_or("—".into(), |e| e.params.importance_repeats.to_string()),
        ),
        ("Data set sha256", model.dataset_sha256),
        ("Artifact sha256", model.artifact_sha256),
    ];
    view! {
        <section aria-labelledby="training-heading">
            <h2 id="training-heading">"How it was trained"</h2>
            <div class="lab-columns">
                <div>
                    <h3>"Parameters"</h3>
                    <dl class="facts">
                        {params.into_iter().map(|(name, value)| view! {
                            <dt>{name}</dt><dd>{value}</dd>
                        }).collect_view()}
                    </dl>
                </div>
                <div>
                    <h3>"Provenance"</h3>
                    <dl class="facts">
                        {facts.map(|(name, value)| view! {
                            <dt>{name}</dt>
                            <dd class:hash=name.ends_with("sha256")>{value}</dd>
                        }).collect_view()}
                    </dl>
                </div>
            </div>
        </section>
    }
}
