//! A horizontal gauge for a probability.

use leptos::prelude::*;
use lifeboat_api_types::SURVIVAL_THRESHOLD;

/// Shows `prob` (0–1) as a filled bar and a percentage, as an ARIA meter.
#[component]
pub fn Gauge(prob: f64) -> impl IntoView {
    let percent = (prob * 100.0).clamp(0.0, 100.0);
    let label = format!("{percent:.0}%");
    view! {
        <div
            class="gauge"
            role="meter"
            aria-label="Survival probability"
            aria-valuemin="0"
            aria-valuemax="100"
            aria-valuenow=format!("{percent:.0}")
            aria-valuetext=label.clone()
        >
            <div
                class="gauge-fill"
                class:good={prob >= SURVIVAL_THRESHOLD}
                style:width=format!("{percent:.1}%")
            ></div>
        </div>
    }
}
