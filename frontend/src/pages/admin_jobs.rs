//! Admin → Jobs: training jobs, newest first, ten at a time; asked again every second while a
//! job on the page is queued or running, and no more once none is or the page is left.

use crate::components::{JobBadge, ListShell, ListTable, Listing, Pager, use_page};
use crate::lab;
use leptos::prelude::*;
use leptos_router::components::A;
use lifeboat_api_types::{JobStatus, TrainingJob};
use std::time::Duration;

/// How often the page is asked again while a job on it is unfinished.
const POLL_EVERY: Duration = Duration::from_secs(1);

#[component]
pub fn AdminJobs() -> impl IntoView {
    let page = RwSignal::new(1u32);
    let reload = RwSignal::new(0u32);
    let (jobs, pages) = use_page::<TrainingJob>("/api/training", page, reload);
    let listing = Signal::derive(move || Listing::of_page(jobs.get()));
    let items = Memo::new(move |_| {
        jobs.get()
            .and_then(Result::ok)
            .map(|list| list.items)
            .unwrap_or_default()
    });
    // When the rows were last fetched (even unchanged): the clock of "running for".
    let fetched_at = Memo::new(move |_| {
        jobs.track();
        lab::now()
    });
    let unfinished =
        Memo::new(move |_| items.with(|jobs| jobs.iter().any(|j| !j.status.is_finished())));
    // The interval lives as long as some job on the page is unfinished, and no longer than
    // the page (the effect's cleanup runs on both).
    Effect::new(move |_| {
        if unfinished.get() {
            let handle =
                set_interval_with_handle(move || reload.update(|n| *n += 1), POLL_EVERY).ok();
            on_cleanup(move || {
                if let Some(handle) = handle {
                    handle.clear();
                }
            });
        }
    });

    // Rows are keyed by id and status, so that a refresh redraws only the jobs that moved
    // (and keyboard focus on a link survives the polling).
    let row = move |job: TrainingJob| {
        let duration = {
            let job = job.clone();
            move || lab::job_duration(&job, fetched_at.get())
        };
        let outcome = match (job.status, job.accuracy, job.error.clone()) {
            (_, Some(accuracy), _) => format!("{:.1} % accurate", accuracy * 100.0),
            (_, None, Some(error)) => error,
            _ => "—".to_owned(),
        };
        let asked_by = match (job.requested_by, job.requested_by_email.clone()) {
            (None, _) => "Lifeboat (fresh install)".to_owned(),
            (Some(_), Some(email)) => email,
            (Some(_), None) => "a deleted account".to_owned(),
        };
        let name = match (job.status, job.model_id) {
            (JobStatus::Succeeded, Some(id)) => view! {
                <A href=format!("/admin/models/{id}")>{job.name.clone()}</A>
            }
            .into_any(),
            _ => job.name.clone().into_any(),
        };
        view! {
            <tr>
                <th scope="row">{name}</th>
                <td data-label="Status"><JobBadge status=job.status /></td>
                <td data-label="Algorithm">{job.algorithm.label()}</td>
                <td data-label="Asked by">{asked_by}</td>
                <td data-label="Asked at">{job.created_at.format("%Y-%m-%d %H:%M:%S").to_string()}</td>
                <td class="num" data-label="Duration">{duration}</td>
                <td class:error-text=job.status == JobStatus::Failed data-label="Result">{outcome}</td>
            </tr>
        }
    };

    view! {
        <section class="card wide">
            <div class="heading-row">
                <h1>"Training jobs"</h1>
                <A href="/admin/train" attr:class="button">"Train a model"</A>
            </div>
            <ListShell listing=listing loading="Loading jobs…"
                empty=|| view! { <p>"No training jobs yet. " <A href="/admin/train">"Train a model."</A></p> }>
                <ListTable caption="Training jobs, newest first" testid="jobs"
                    head=&["Name", "Status", "Algorithm", "Asked by", "Asked at", "Duration", "Result"]>
                    <For each=move || items.get() key=|job| (job.id, job.status) children=row />
                </ListTable>
                <Pager page=page pages=pages label="Job pages" />
            </ListShell>
        </section>
    }
}
