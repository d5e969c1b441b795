//! The box that lets a wide table scroll sideways on a narrow screen.

use leptos::prelude::*;

/// Wraps a table of figures that may be wider than the screen. The box can take the focus
/// and is named after its table, so that it scrolls from the keyboard too (WCAG 2.1.1). Tables
/// with buttons or links in them need no such stop: their controls scroll the box into view.
#[component]
pub fn ScrollBox(#[prop(into)] label: String, children: Children) -> impl IntoView {
    view! {
        <div class="table-scroll" role="region" aria-label=label tabindex="0">{children()}</div>
    }
}
