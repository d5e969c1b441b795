//! Admin → Models → compare: two to four models (`?ids=a,b`) side by side, a column each: their
//! figures with the best of each row marked and the others' distance from it, their ROC
//! curves on one chart, and their parameters with the differing ones marked.

use crate::api::ApiError;
use crate::auth::use_auth;
use crate::components::{RocChart, RocCurve, ScrollBox};
use crate::lab::{self, Row};
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use lifeboat_api_types::ModelDetails;
use uuid::Uuid;

/// How many models a comparison takes.
pub const MIN_COMPARED: usize = 2;
pub const MAX_COMPARED: usize = 4;

/// The distinct model ids of `?ids=`, in order.
fn ids_of(text: &str) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = Vec::new();
    for id in text
        .split(',')
        .filter_map(|id| Uuid::parse_str(id.trim()).ok())
    {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

#[component]
pub fn AdminCompare() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let models = LocalResource::new(move || {
        let ids = ids_of(&query.with(|q| q.get("ids").unwrap_or_default()));
        async move {
            if !(MIN_COMPARED..=MAX_COMPARED).contains(&ids.len()) {
                return Err(ApiError::Server {
                    status: 400,
                    message: format!(
                        "Choose {MIN_COMPARED} to {MAX_COMPARED} models in the models list to compare them."
                    ),
                });
            }
            let mut models = Vec::with_capacity(ids.len());
            for id in ids {
                let path = format!("/api/models/{id}");
                models.push(auth.call::<ModelDetails>(Method::GET, &path, None).await?);
            }
            Ok(models)
        }
    });
    view! {
        <section class="card wide lab">
            <div class="heading-row">
                <h1>"Compare models"</h1>
                <A href="/admin/models" attr:class="button">"All models"</A>
            </div>
            {move || match models.get() {
                None => view! { <p class="muted">"Loading the models…"</p> }.into_any(),
                Some(Err(error)) => view! { <p class="error-banner">{error.message()}</p> }.into_any(),
                Some(Ok(models)) => view! { <Comparison models=models /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Comparison(models: Vec<ModelDetails>) -> impl IntoView {
    let heads = move |models: &[ModelDetails]| {
        models
            .iter()
            .map(|m| {
                let (href, name) = (
                    format!("/admin/models/{}", m.summary.id),
                    m.summary.name.clone(),
                );
                view! { <th scope="col"><A href=href>{name}</A></th> }
            })
            .collect_view()
    };
    let curves: Vec<RocCurve> = models
        .iter()
        .map(|m| RocCurve {
            name: if m.evaluation.is_some() {
                m.summary.name.clone()
            } else {
                format!("{} (no curve measured)", m.summary.name)
            },
            auc: m.metrics.roc_auc,
            points: m
                .evaluation
                .as_ref()
                .map(|e| e.held_out.roc_curve.clone())
                .unwrap_or_default(),
        })
        .collect();
    let params = lab::param_rows(&models);
    let rows = lab::compare_rows(&models);
    let (figure_heads, param_heads) = (heads(&models), heads(&models));
    view! {
        <section aria-labelledby="figures-heading">
            <h2 id="figures-heading">"Figures"</h2>
            <p class="muted">"Held-out figures first, then cross-validation (mean ± standard deviation). Lower is better for log loss, Brier score and time; the others are shown against the best."</p>
            <ScrollBox label="Figures of the compared models">
                <table class="compare" data-testid="compare-figures">
                    <caption class="visually-hidden">"Figures of the compared models"</caption>
                    <thead><tr><th scope="col">"Figure"</th>{figure_heads}</tr></thead>
                    <tbody>{rows.into_iter().map(|row| view! { <FigureRow row=row /> }).collect_view()}</tbody>
                </table>
            </ScrollBox>
        </section>
        <section aria-labelledby="curves-heading">
            <h2 id="curves-heading">"ROC curves"</h2>
            <div class="lab-charts"><RocChart curves=curves /></div>
        </section>
        <section aria-labelledby="params-heading">
            <h2 id="params-heading">"Parameters"</h2>
            <ScrollBox label="Parameters of the compared models">
                <table class="compare" data-testid="compare-params">
                    <caption class="visually-hidden">"Parameters of the compared models; differing ones are marked"</caption>
                    <thead><tr><th scope="col">"Parameter"</th>{param_heads}</tr></thead>
                    <tbody>
                        {params.into_iter().map(|p| view! {
                            <tr class:differs=p.differs>
                                <th scope="row">
                                    {p.label}
                                    {p.differs.then(|| view! { " " <span class="badge warn">"differs"</span> })}
                                </th>
                                {p.values.into_iter().map(|v| view! { <td>{v}</td> }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </ScrollBox>
        </section>
    }
}

/// One figure across the models: the best bold and marked, the others with their distance
/// from it.
#[component]
fn FigureRow(row: Row) -> impl IntoView {
    let best = row.best();
    let cells = (0..row.values.len())
        .map(|i| {
            let is_best = row.values[i].is_some() && row.values[i] == best;
            let gap = match (row.values[i], best) {
                (Some(value), Some(best)) if !is_best => Some(if row.is_time {
                    format!("+{} from the best", lab::seconds(value - best))
                } else {
                    format!("{} from the best", lab::difference(value - best))
                }),
                _ => None,
            };
            view! {
                <td class="num" class:best=is_best>
                    <span class="value">{row.cell(i)}</span>
                    {is_best.then(|| view! { " " <span class="badge on">"best"</span> })}
                    {gap.map(|gap| view! { <span class="gap">{gap}</span> })}
                </td>
            }
        })
        .collect_view();
    view! { <tr><th scope="row">{row.label}</th>{cells}</tr> }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_distinct_and_in_order() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        assert_eq!(ids_of(&format!("{a}, {b},{a},junk")), [a, b]);
        assert!(ids_of("").is_empty());
    }
}
