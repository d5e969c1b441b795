//! My predictions: what the signed-in person asked, newest first, ten at a time by key
//! (older / newer, no page numbers), filtered by model; each can be opened in the calculator
//! or deleted, all of it deleted (confirmed) or downloaded as CSV.

use crate::api::{ApiError, Body};
use crate::auth::use_auth;
use crate::components::{ConfirmDialog, HistoryTable, ListShell, Listing};
use crate::download;
use crate::toast::use_toasts;
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos_router::components::A;
use lifeboat_api_types::{ActiveModel, HISTORY_PAGE_SIZE, HistoryPage};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The name the downloaded history is saved under.
const CSV_FILE: &str = "lifeboat-predictions.csv";

/// The address of one page: the entries before `cursor` (the first page without), of one
/// model when given.
fn page_path(cursor: Option<&str>, model: Option<Uuid>) -> String {
    let mut query = Vec::new();
    if let Some(cursor) = cursor {
        query.push(format!(
            "before={}",
            String::from(js_sys::encode_uri_component(cursor))
        ));
    }
    if let Some(model) = model {
        query.push(format!("model_id={model}"));
    }
    match query.is_empty() {
        true => "/api/me/predictions".to_owned(),
        false => format!("/api/me/predictions?{}", query.join("&")),
    }
}

#[component]
pub fn MyPredictions() -> impl IntoView {
    let auth = use_auth();
    let toasts = use_toasts();
    let model = RwSignal::new(None::<Uuid>);
    // The cursor of each page seen on the way here; the last is this page's (`None`: newest).
    let cursors = RwSignal::new(vec![None::<String>]);
    let reload = RwSignal::new(0u32);
    let page = LocalResource::new(move || {
        let cursor = cursors.with(|c| c.last().cloned().flatten());
        let model = model.get();
        reload.track();
        async move {
            let path = page_path(cursor.as_deref(), model);
            auth.call::<HistoryPage>(Method::GET, &path, None).await
        }
    });
    let filter = use_model_filter(page);
    let first_page = move || cursors.with(|c| c.len() <= 1);
    let restart = move || cursors.set(vec![None]);
    // A page emptied by deletions steps back to the newer one.
    Effect::new(move |_| {
        if let Some(Ok(list)) = page.get()
            && list.items.is_empty()
            && !first_page()
        {
            cursors.update(|c| drop(c.pop()));
        }
    });

    let delete_one = Action::new_local(move |id: &i64| {
        let path = format!("/api/me/predictions/{id}");
        async move {
            match auth.call::<()>(Method::DELETE, &path, None).await {
                Ok(()) => toasts.success("Prediction deleted."),
                Err(error) => toasts.error(format!("Cannot delete: {}", error.message())),
            }
            reload.update(|n| *n += 1);
        }
    });
    let asking = RwSignal::new(false);
    let delete_all = Action::new_local(move |()| async move {
        match auth
            .call::<()>(Method::DELETE, "/api/me/predictions", None)
            .await
        {
            Ok(()) => toasts.success("Your prediction history is deleted."),
            Err(error) => toasts.error(format!("Cannot delete: {}", error.message())),
        }
        restart();
        reload.update(|n| *n += 1);
    });
    let download = Action::new_local(move |()| async move {
        let csv = auth
            .call_raw(
                Method::GET,
                "/api/me/predictions.csv",
                Body::Empty,
                "text/csv",
            )
            .await;
        match csv.map(|text| download::save_text(CSV_FILE, &text, "text/csv")) {
            Ok(Ok(())) => {}
            Ok(Err(_)) => toasts.error("The browser could not save the file."),
            Err(error) => toasts.error(format!("Cannot download: {}", error.message())),
        }
    });
    // An empty page past the first is a page left empty by deletions: the table stays while
    // the effect above steps back a page.
    let listing = Signal::derive(move || match page.get() {
        Some(Ok(list)) if list.items.is_empty() && !first_page() => Listing::Rows,
        fetched => Listing::of(
            fetched
                .as_ref()
                .map(|r| r.as_ref().map(|p| p.items.as_slice())),
        ),
    });
    let has_rows = move || {
        page.get()
            .and_then(Result::ok)
            .is_some_and(|p| !p.items.is_empty())
    };

    view! {
        <section class="card wide">
            <div class="heading-row">
                <h1>"My predictions"</h1>
                <div class="actions-row">
                    <button type="button" class="secondary" disabled=move || download.pending().get()
                        on:click=move |_| { download.dispatch_local(()); }>
                        {move || if download.pending().get() { "Preparing…" } else { "Download CSV" }}
                    </button>
                    <button type="button" class="secondary danger-outline"
                        disabled=move || !has_rows() && first_page()
                        on:click=move |_| asking.set(true)>
                        "Delete all"
                    </button>
                </div>
            </div>
            <p class="lede">
                {format!("What you asked the calculator while signed in, newest first, {HISTORY_PAGE_SIZE} at a time.")}
            </p>
            <div class="field filter">
                <label for="model-filter">"Model"</label>
                <select id="model-filter"
                    prop:value=move || model.get().map(|id| id.to_string()).unwrap_or_default()
                    on:change=move |ev| {
                        model.set(Uuid::parse_str(&event_target_value(&ev)).ok());
                        restart();
                    }>
                    <option value="">"All models"</option>
                    {move || filter.get().into_iter().map(|(id, label)| view! {
                        <option value=id.to_string() selected=move || model.get() == Some(id)>{label}</option>
                    }).collect_view()}
                </select>
            </div>
            <ListShell listing=listing loading="Loading your predictions…" empty=move || view! {
                <p class="empty" data-testid="history-empty">
                    {if model.get_untracked().is_some() {
                        "No predictions by this model yet."
                    } else {
                        "No predictions yet. Predictions you make in the calculator while signed in appear here."
                    }}
                    " " <A href="/">"Open the calculator"</A>
                </p>
            }>
                {move || page.get().and_then(Result::ok).map(|list| {
                    let next = list.next.clone();
                    view! {
                        <HistoryTable items=list.items on_delete=Callback::new(move |id| { delete_one.dispatch_local(id); }) />
                        <nav class="pager" aria-label="Prediction pages">
                            <button type="button" disabled=first_page
                                on:click=move |_| cursors.update(|c| drop(c.pop()))>
                                "← Newer"
                            </button>
                            <button type="button" disabled=next.is_none()
                                on:click=move |_| {
                                    let next = next.clone();
                                    cursors.update(|c| c.push(next));
                                }>
                                "Older →"
                            </button>
                        </nav>
                    }
                })}
            </ListShell>
            <ConfirmDialog id="confirm-delete-history" open=asking title="Delete all your predictions?"
                text="Every prediction in your history is deleted for good.".to_owned()
                confirm="Delete all" on_confirm=Callback::new(move |()| { delete_all.dispatch_local(()); }) />
        </section>
    }
}

/// The models to filter by: the active ones, and every one seen in the history so far,
/// named once seen (`default random forest (Random forest)`), else `SVM (active)`.
fn use_model_filter(
    page: LocalResource<Result<HistoryPage, ApiError>>,
) -> Memo<Vec<(Uuid, String)>> {
    let auth = use_auth();
    let active = LocalResource::new(move || async move {
        auth.call::<Vec<ActiveModel>>(Method::GET, "/api/inference/models", None)
            .await
    });
    let seen = RwSignal::new(BTreeMap::<Uuid, String>::new());
    Effect::new(move |_| {
        if let Some(Ok(list)) = page.get() {
            seen.update(|seen| {
                for entry in &list.items {
                    let label = format!("{} ({})", entry.model_name, entry.algorithm.label());
                    seen.insert(entry.model_id, label);
                }
            });
        }
    });
    Memo::new(move |_| {
        let mut known = seen.get();
        for model in active.get().and_then(Result::ok).unwrap_or_default() {
            known
                .entry(model.id)
                .or_insert_with(|| format!("{} (active)", model.algorithm.label()));
        }
        let mut known: Vec<(Uuid, String)> = known.into_iter().collect();
        known.sort_by(|a, b| a.1.cmp(&b.1));
        known
    })
}
