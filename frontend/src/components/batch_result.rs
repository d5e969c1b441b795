//! The answer to a batch file: counts, the accuracy when the file says who survived, the lines
//! that could not be read, the first rows, and the button for the submission file.

use crate::chart::{self, percent};
use leptos::prelude::*;
use lifeboat_api_types::{BatchFileAnswer, kaggle};

/// Rows shown on the page; the download has them all.
const PREVIEW_ROWS: usize = 20;

/// The answer: counts, accuracy, unreadable lines, the first rows and the download.
#[component]
pub fn BatchResult(
    answer: BatchFileAnswer,
    on_download: Callback<()>,
    downloading: Memo<bool>,
) -> impl IntoView {
    let outcome_known = answer.rows.iter().any(|r| r.actual.is_some());
    let shown = answer.rows.len().min(PREVIEW_ROWS);
    let caption = format!("The first {shown} of {} predictions", answer.rows.len());
    view! {
        <section class="batch-result" aria-labelledby="batch-result-title" data-testid="batch-result">
            <h2 id="batch-result-title">"Result"</h2>
            <dl class="figures">
                <div><dt>"Rows predicted"</dt><dd data-testid="rows-predicted">{answer.rows.len()}</dd></div>
                <div><dt>"Lines not read"</dt><dd data-testid="lines-not-read">{answer.errors.len()}</dd></div>
                <div><dt>"Accuracy"</dt><dd data-testid="batch-accuracy">
                    {answer.accuracy.map_or_else(|| "—".to_owned(), |a| format!("{:.1} %", a * 100.0))}
                </dd></div>
            </dl>
            <p class="muted">{format!("Predicted by {} ({}).", answer.model_name, answer.algorithm.label())}</p>
            {answer.accuracy.is_none().then(|| view! {
                <p class="muted small">{format!("No accuracy: the file has no {} column.", kaggle::OUTCOME_COLUMN)}</p>
            })}
            <button type="button" class="secondary" disabled=move || downloading.get()
                on:click=move |_| on_download.run(())>
                {move || if downloading.get() { "Preparing…" } else { "Download submission CSV" }}
            </button>
            {(!answer.errors.is_empty()).then(|| view! {
                <h3>"Lines not read"</h3>
                <ul class="batch-errors" aria-label="Lines not read">
                    {answer.errors.iter().map(|e| view! {
                        <li>{format!("Line {}: {}", e.line, e.reason)}</li>
                    }).collect_view()}
                </ul>
            })}
            <div class="table-scroll">
                <table class="stack">
                    <caption>{caption}</caption>
                    <thead><tr>
                        <th scope="col">"Line"</th>
                        <th scope="col">"PassengerId"</th>
                        <th scope="col">"Probability"</th>
                        <th scope="col">"Verdict"</th>
                        {outcome_known.then(|| view! { <th scope="col">"In the file"</th> })}
                    </tr></thead>
                    <tbody>
                        {answer.rows.into_iter().take(PREVIEW_ROWS).map(|row| view! {
                            <tr>
                                <th scope="row">{row.line}</th>
                                <td data-label="PassengerId">{row.passenger_id}</td>
                                <td class="num" data-label="Probability">{percent(row.prob)}</td>
                                <td data-label="Verdict">{chart::verdict(row.survived)}</td>
                                {outcome_known.then(|| view! {
                                    <td data-label="In the file">{match row.actual {
                                        Some(true) => "survived",
                                        Some(false) => "did not survive",
                                        None => "—",
                                    }}</td>
                                })}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
