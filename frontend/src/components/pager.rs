//! Previous / next page controls for a paged list.

use leptos::prelude::*;

/// Number of pages for `total` items at `per_page` a page (at least 1).
pub fn page_count(total: i64, per_page: u32) -> u32 {
    let per_page = i64::from(per_page.max(1));
    u32::try_from(((total.max(0) + per_page - 1) / per_page).max(1)).unwrap_or(u32::MAX)
}

/// "Page N of M" with previous and next buttons, bound to `page` (from 1).
#[component]
pub fn Pager(
    page: RwSignal<u32>,
    #[prop(into)] pages: Signal<u32>,
    label: &'static str,
) -> impl IntoView {
    view! {
        <nav class="pager" aria-label=label>
            <button type="button" disabled=move || { page.get() <= 1 }
                on:click=move |_| page.update(|p| *p = p.saturating_sub(1).max(1))>
                "← Previous"
            </button>
            <span aria-live="polite">{move || format!("Page {} of {}", page.get(), pages.get())}</span>
            <button type="button" disabled=move || { page.get() >= pages.get() }
                on:click=move |_| page.update(|p| *p += 1)>
                "Next →"
            </button>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_round_up_and_an_empty_list_has_one_page() {
        assert_eq!(page_count(0, 10), 1);
        assert_eq!(page_count(10, 10), 1);
        assert_eq!(page_count(11, 10), 2);
        assert_eq!(page_count(95, 10), 10);
    }
}
