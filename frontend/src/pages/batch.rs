//! Batch predictions: a CSV file in the layout of Kaggle's Titanic files, picked or dropped,
//! predicted by the chosen model; the counts, the accuracy when the file says who survived,
//! the lines that could not be read, the first rows, and the submission file to download
//! (the server's own, asked for again as CSV).

use crate::api::{ApiError, Body};
use crate::auth::use_auth;
use crate::chart;
use crate::components::{BatchResult, Field};
use crate::download;
use crate::toast::use_toasts;
use gloo_net::http::Method;
use leptos::prelude::*;
use lifeboat_api_types::{
    ActiveModel, BATCH_FILE_MAX_BYTES, BATCH_FILE_MAX_ROWS, BATCH_FILE_PATH, BatchFileAnswer,
    kaggle, too_large_message,
};
use uuid::Uuid;
use wasm_bindgen::JsCast;
use web_sys::File;

/// The name the submission file is saved under.
const SUBMISSION_FILE: &str = "lifeboat-submission.csv";
const MIB: usize = 1024 * 1024;

/// What the server says of a file over the limit (its edge's 413, service-kit `limits.rs`),
/// said before sending it.
pub fn too_large(bytes: f64) -> Option<String> {
    (bytes > BATCH_FILE_MAX_BYTES as f64).then(|| too_large_message(BATCH_FILE_MAX_BYTES))
}

/// A count with thin groups of three: `10,000`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An error in one sentence, the fields named but the file itself (a 422 without fields
/// reads as its message).
fn error_text(error: &ApiError) -> String {
    match error {
        ApiError::Fields(fields) => fields
            .iter()
            .map(|(field, reason)| match field.as_str() {
                "file" => reason.clone(),
                _ => format!("{field}: {reason}"),
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.message(),
    }
}

/// The run's settings: the model (the server's default without one) and the probability
/// column.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Run {
    model: Option<Uuid>,
    probability: bool,
}

impl Run {
    fn path(self) -> String {
        let model = self
            .model
            .map(|id| format!("model_id={id}&"))
            .unwrap_or_default();
        format!("{BATCH_FILE_PATH}?{model}probability={}", self.probability)
    }
}

#[component]
pub fn BatchPredictions() -> impl IntoView {
    let auth = use_auth();
    let toasts = use_toasts();
    let file = RwSignal::new_local(None::<File>);
    let refused = RwSignal::new(None::<String>);
    let models = LocalResource::new(move || async move {
        auth.call::<Vec<ActiveModel>>(Method::GET, "/api/inference/models", None)
            .await
            .unwrap_or_default()
    });
    let picked = RwSignal::new(None::<Uuid>);
    let model = Memo::new(move |_| {
        picked
            .get()
            .or_else(|| models.get().and_then(|m| m.first().map(|m| m.id)))
    });
    let probability = RwSignal::new(true);
    let post = move |run: Run, accept: &'static str| async move {
        let Some(content) = file.get_untracked() else {
            return Err(ApiError::Server {
                status: 0,
                message: "Choose a file first.".into(),
            });
        };
        let body = Body::Raw {
            content: content.into(),
            content_type: "text/csv",
        };
        auth.call_raw(Method::POST, &run.path(), body, accept).await
    };
    let predict = Action::new_local(move |run: &Run| {
        let run = *run;
        async move {
            let text = post(run, "application/json").await?;
            let answer: BatchFileAnswer = crate::api::decode(&text)?;
            Ok::<_, ApiError>((run, answer))
        }
    });
    let submission = Action::new_local(move |run: &Run| {
        let run = *run;
        async move {
            match post(run, "text/csv").await {
                Ok(csv) => {
                    if download::save_text(SUBMISSION_FILE, &csv, "text/csv").is_err() {
                        toasts.error("The browser could not save the file.");
                    }
                }
                Err(error) => toasts.error(format!("Cannot download: {}", error_text(&error))),
            }
        }
    });
    let choose = move |chosen: Option<File>| {
        predict.value().set(None);
        let Some(chosen) = chosen else { return };
        match too_large(chosen.size()) {
            Some(message) => {
                refused.set(Some(format!("The file was refused: {message}")));
                file.set(None);
            }
            None => {
                refused.set(None);
                file.set(Some(chosen));
            }
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if file.with_untracked(Option::is_none) {
            refused.set(Some("Choose a CSV file first.".into()));
            return;
        }
        predict.dispatch_local(Run {
            model: model.get_untracked(),
            probability: probability.get_untracked(),
        });
    };
    let busy = move || predict.pending().get();

    view! {
        <section class="card wide batch" aria-busy=move || busy().to_string()>
            <h1>"Batch predictions"</h1>
            <Layout />
            <form on:submit=on_submit novalidate aria-label="Predict a file">
                <DropZone file=file choose=Callback::new(choose) />
                <div class="grid">
                    <div class="field">
                        <label for="batch-model">"Model"</label>
                        <select id="batch-model"
                            prop:value=move || model.get().map(|id| id.to_string()).unwrap_or_default()
                            on:change=move |ev| picked.set(Uuid::parse_str(&event_target_value(&ev)).ok())>
                            {move || models.get().unwrap_or_default().into_iter().map(|m| view! {
                                <option value=m.id.to_string()>{format!("{} (active)", m.algorithm.label())}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <label class="check">
                        <input type="checkbox" prop:checked=probability
                            on:change=move |ev| probability.set(event_target_checked(&ev)) />
                        "Include the probability in the submission file"
                    </label>
                </div>
                <p class="error-banner" role="alert" hidden=move || refused.get().is_none()>
                    {move || refused.get()}
                </p>
                <button type="submit" class="primary" disabled=busy>
                    {move || if busy() { "Predicting…" } else { "Predict the file" }}
                </button>
                <Show when=busy>
                    <p class="busy" role="status"><span class="spinner" aria-hidden="true"></span>"Predicting every row of the file…"</p>
                </Show>
            </form>
            {move || predict.value().get().map(|result| match result {
                Ok((run, answer)) => view! {
                    <BatchResult answer=answer
                        on_download=Callback::new(move |()| { submission.dispatch_local(run); })
                        downloading=submission.pending() />
                }.into_any(),
                Err(error) => view! {
                    <p class="error-banner" role="alert" data-testid="batch-error">
                        {format!("The file was refused: {}", error_text(&error))}
                    </p>
                }.into_any(),
            })}
        </section>
    }
}

/// What the file must look like, and its limits.
#[component]
fn Layout() -> impl IntoView {
    view! {
        <p class="lede">
            "Predict a whole CSV file at once, in the layout of Kaggle's Titanic files ("
            <code>"train.csv"</code> " or " <code>"test.csv"</code> ")."
        </p>
        <ul class="layout">
            <li>"A header row naming the columns, in any order: "
                {std::iter::once(kaggle::ID_COLUMN).chain(kaggle::PASSENGER_COLUMNS).enumerate().map(|(i, c)| view! {
                    {(i > 0).then_some(", ")}<code>{c}</code>
                }).collect_view()}
                ". Other columns (Name, Ticket, Cabin…) are ignored."
            </li>
            <li>"Optionally " <code>{kaggle::OUTCOME_COLUMN}</code>
                " (1 or 0): the predictions are then compared with it and the accuracy shown."</li>
            <li>{format!("At most {} MiB and {} passengers. Lines that cannot be read are listed with their line number; the others are predicted all the same.",
                BATCH_FILE_MAX_BYTES / MIB, thousands(BATCH_FILE_MAX_ROWS))}</li>
        </ul>
    }
}

/// The file input inside a zone that takes a dropped file too.
#[component]
fn DropZone(
    file: RwSignal<Option<File>, LocalStorage>,
    choose: Callback<Option<File>>,
) -> impl IntoView {
    let dragging = RwSignal::new(false);
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        let dropped = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0));
        choose.run(dropped);
    };
    let on_change = move |ev: leptos::ev::Event| {
        let input = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
        choose.run(input.and_then(|i| i.files()).and_then(|f| f.get(0)));
    };
    view! {
        <div class="drop-zone" class:dragging=dragging data-testid="drop-zone"
            on:dragover=move |ev| { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop>
            <Field id="batch-file" label="CSV file" hint="Choose a file, or drop it here" error=Signal::derive(|| None)>
                <input id="batch-file" type="file" accept=".csv,text/csv"
                    aria-describedby="batch-file-hint batch-file-error" on:change=on_change />
            </Field>
            <p class="muted small" aria-live="polite">
                {move || file.with(|f| f.as_ref().map(|f| format!("Chosen: {} ({} KB)", f.name(), chart::number(f.size() / 1024.0))))}
            </p>
        </div>
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn a_file_over_the_limit_is_refused_with_the_limit_named() {
        assert_eq!(too_large(BATCH_FILE_MAX_BYTES as f64), None);
        let message = too_large(BATCH_FILE_MAX_BYTES as f64 + 1.0).unwrap();
        assert_eq!(
            message,
            "the request body is larger than the 2 MiB this route takes"
        );
    }

    #[test]
    fn the_servers_reasons_are_shown_the_file_unnamed() {
        let mut fields = lifeboat_api_types::FieldErrors::new();
        fields.insert("file".into(), "the file has no column Sex".into());
        fields.insert("model_id".into(), "no such model".into());
        assert_eq!(
            error_text(&ApiError::Fields(fields)),
            "the file has no column Sex; model_id: no such model"
        );
    }

    #[test]
    fn counts_are_grouped_by_three() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(2_097_152), "2,097,152");
    }

    #[test]
    fn a_run_asks_its_model_and_the_probability_column() {
        let id = Uuid::from_u128(1);
        let run = Run {
            model: Some(id),
            probability: true,
        };
        assert_eq!(
            run.path(),
            format!("/api/inference/file?model_id={id}&probability=true")
        );
        let default = Run {
            model: None,
            probability: false,
        };
        assert_eq!(default.path(), "/api/inference/file?probability=false");
    }
}
