//! A training job at a glance: its status as a badge, and the progress line the Train page
//! shows for the job it follows.

use crate::lab;
use leptos::prelude::*;
use leptos_router::components::A;
use lifeboat_api_types::{JobStatus, TrainingJob};

/// The status as a coloured badge with its name.
#[component]
pub fn JobBadge(status: JobStatus) -> impl IntoView {
    let (class, text) = match status {
        JobStatus::Queued => ("badge", "Queued"),
        JobStatus::Running => ("badge running", "Running"),
        JobStatus::Succeeded => ("badge on", "Succeeded"),
        JobStatus::Failed => ("badge warn", "Failed"),
    };
    view! { <span class=class>{text}</span> }
}

/// The followed job: its name and where it is (with accuracy or the error once finished),
/// announced when that changes; then how long it has run and links to its model.
#[component]
pub fn JobProgress(#[prop(into)] job: Signal<Option<TrainingJob>>) -> impl IntoView {
    // Only a change of status is news: the polls that change nothing redraw nothing here.
    let status = Memo::new(move |_| job.with(|j| j.as_ref().map(status_line)));
    let details = move || {
        let job = job.get()?;
        let model = job.model_id.filter(|_| job.status == JobStatus::Succeeded);
        Some(view! {
            <span data-testid="job-duration">{lab::job_duration(&job, lab::now())}</span>
            {model.map(|id| view! {
                " · " <A href="/admin/models">"See it in the models list"</A>
                " · " <A href=format!("/admin/models/{id}")>"Open its page"</A>
            })}
        })
    };
    view! {
        <div class="job">
            <p role="status" aria-live="polite">
                {move || status.get().map(|(name, class, text)| view! {
                    "Job “" {name} "”: " <span class=class data-testid="job-status">{text}</span>
                })}
            </p>
            <p class="muted">{details}</p>
        </div>
    }
}

/// The job's name, its badge's class and the words of its status.
fn status_line(job: &TrainingJob) -> (String, &'static str, String) {
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
    (job.name.clone(), class, text)
}
