//! Admin → Models: the registry ten at a time, activate and delete (confirmed), a chart
//! comparing the accuracy of the models on the page, and the choice of models to compare
//! (kept across pages).

use crate::auth::use_auth;
use crate::components::{ListShell, ListTable, Listing, Pager, use_page};
use crate::pages::{MAX_COMPARED, MIN_COMPARED};
use crate::toast::use_toasts;
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use lifeboat_api_types::{ModelDetails, ModelSummary};
use uuid::Uuid;

#[component]
pub fn AdminModels() -> impl IntoView {
    let auth = use_auth();
    let toasts = use_toasts();
    let page = RwSignal::new(1u32);
    let reload = RwSignal::new(0u32);
    let (models, pages) = use_page::<ModelSummary>("/api/models", page, reload);
    let items = Memo::new(move |_| {
        models
            .get()
            .and_then(Result::ok)
            .map(|list| list.items)
            .unwrap_or_default()
    });
    // The row whose delete button waits for a confirmation.
    let confirming = RwSignal::new(None::<Uuid>);
    // The models ticked for comparison, in the order ticked.
    let picked = RwSignal::new(Vec::<Uuid>::new());
    let navigate = use_navigate();
    let compare = move |_| {
        let ids: Vec<String> = picked.get_untracked().iter().map(Uuid::to_string).collect();
        navigate(
            &format!("/admin/models/compare?ids={}", ids.join(",")),
            Default::default(),
        );
    };

    let activate = Action::new_local(move |model: &ModelSummary| {
        let model = model.clone();
        async move {
            let path = format!("/api/models/{}/activate", model.id);
            match auth.call::<ModelDetails>(Method::POST, &path, None).await {
                Ok(_) => toasts.success(format!(
                    "“{}” now answers {} predictions.",
                    model.name,
                    model.algorithm.label()
                )),
                Err(error) => toasts.error(format!("Cannot activate: {}", error.message())),
            }
            reload.update(|n| *n += 1);
        }
    });
    let delete = Action::new_local(move |model: &ModelSummary| {
        let model = model.clone();
        async move {
            let path = format!("/api/models/{}", model.id);
            match auth.call::<()>(Method::DELETE, &path, None).await {
                Ok(()) => {
                    picked.update(|ids| ids.retain(|id| *id != model.id));
                    toasts.success(format!("Model “{}” deleted.", model.name));
                }
                Err(error) => toasts.error(format!("Cannot delete: {}", error.message())),
            }
            confirming.set(None);
            reload.update(|n| *n += 1);
        }
    });
    // A page emptied by deletions steps back.
    Effect::new(move |_| {
        if page.get_untracked() > pages.get() {
            page.set(pages.get());
        }
    });

    let row = move |model: ModelSummary| {
        let id = model.id;
        let (for_activate, for_delete) = (model.clone(), model.clone());
        let features = model
            .features
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let name = model.name.clone();
        view! {
            <tr class:active-row=model.is_active>
                <td class="pick" data-label="Compare">
                    <input type="checkbox" aria-label=format!("Compare {}", model.name)
                        prop:checked=move || picked.with(|ids| ids.contains(&id))
                        disabled=move || picked.with(|ids| !ids.contains(&id) && ids.len() >= MAX_COMPARED)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            picked.update(|ids| if on { ids.push(id) } else { ids.retain(|i| *i != id) });
                        } />
                </td>
                <th scope="row"><A href=format!("/admin/models/{id}")>{name}</A></th>
                <td data-label="Algorithm">{model.algorithm.label()}</td>
                <td class="num" data-label="Accuracy">{format!("{:.1} %", model.accuracy * 100.0)}</td>
                <td class="features" data-label="Features">{features}</td>
                <td data-label="Status">
                    {if model.is_active {
                        view! { <span class="badge on">"Active"</span> }.into_any()
                    } else if model.artifact_missing {
                        view! { <span class="badge warn">"File missing"</span> }.into_any()
                    } else {
                        view! { <span class="badge">"—"</span> }.into_any()
                    }}
                </td>
                <td data-label="Created">{model.created_at.format("%Y-%m-%d %H:%M").to_string()}</td>
                <td class="actions" data-label="Actions">
                    <button type="button" hidden=model.is_active || model.artifact_missing
                        aria-label=format!("Activate {}", model.name)
                        on:click=move |_| { activate.dispatch_local(for_activate.clone()); }>
                        "Activate"
                    </button>
                    {move || if confirming.get() == Some(id) {
                        let model = for_delete.clone();
                        view! {
                            <span class="confirm" role="group" aria-label="Confirm deletion">
                                <button type="button" class="danger"
                                    aria-label=format!("Really delete {}", model.name)
                                    on:click=move |_| { delete.dispatch_local(model.clone()); }>
                                    "Really delete"
                                </button>
                                <button type="button" on:click=move |_| confirming.set(None)>"Cancel"</button>
                            </span>
                        }.into_any()
                    } else {
                        let name = for_delete.name.clone();
                        view! {
                            <button type="button" class="danger-outline"
                                aria-label=format!("Delete {name}")
                                on:click=move |_| confirming.set(Some(id))>
                                "Delete"
                            </button>
                        }.into_any()
                    }}
                </td>
            </tr>
        }
    };

    view! {
        <section class="card wide">
            <div class="heading-row">
                <h1>"Models"</h1>
                <A href="/admin/train" attr:class="button">"Train a model"</A>
            </div>
            <ListShell listing=Signal::derive(move || Listing::of_page(models.get())) loading="Loading models…"
                empty=|| view! { <p>"No models yet. " <A href="/admin/train">"Train the first one."</A></p> }>
                <ListTable caption="Trained models"
                    head=&["Compare", "Name", "Algorithm", "Accuracy", "Features", "Status", "Created", "Actions"]>
                    {move || items.get().into_iter().map(row).collect_view()}
                </ListTable>
                <div class="compare-bar">
                    <button type="button" class="secondary" on:click=compare.clone()
                        disabled=move || picked.with(|ids| ids.len() < MIN_COMPARED)>
                        "Compare"
                    </button>
                    <span class="muted" aria-live="polite">
                        {move || format!("{} of {MIN_COMPARED}–{MAX_COMPARED} models chosen", picked.with(Vec::len))}
                    </span>
                </div>
                <Pager page=page pages=pages label="Model pages" />
                {move || view! { <AccuracyChart models=items.get() /> }}
            </ListShell>
        </section>
    }
}

/// Horizontal bars of accuracy on the held-out 20 %, one per model.
#[component]
fn AccuracyChart(models: Vec<ModelSummary>) -> impl IntoView {
    view! {
        <figure class="chart">
            <figcaption>"Accuracy on the held-out 20 % of passengers"</figcaption>
            <ul class="bars">
                {models.into_iter().map(|m| {
                    let percent = m.accuracy * 100.0;
                    view! {
                        <li>
                            <span class="bar-label">{m.name.clone()}</span>
                            <span class="bar-track" role="img"
                                aria-label=format!("{}: {percent:.1} %", m.name)>
                                <span class="bar-fill" class:svm=m.algorithm.as_str() == "svm"
                                    style:width=format!("{percent:.1}%")></span>
                            </span>
                            <span class="bar-value">{format!("{percent:.1} %")}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </figure>
    }
}
