//! Paged lists: one page of an API list endpoint, and previous / next page controls.

use crate::api::ApiError;
use crate::auth::use_auth;
use gloo_net::http::Method;
use leptos::prelude::*;
use lifeboat_api_types::Page;
use serde::de::DeserializeOwned;

/// Rows on a page of the admin lists.
pub const PER_PAGE: u32 = 10;

/// One page of the list at `path` (e.g. `/api/models`), fetched as the signed-in person
/// and again whenever `page` or `reload` changes, and the number of pages (1 until known).
pub fn use_page<T>(
    path: &'static str,
    page: RwSignal<u32>,
    reload: RwSignal<u32>,
) -> (LocalResource<Result<Page<T>, ApiError>>, Signal<u32>)
where
    T: DeserializeOwned + Clone + Send + Sync + 'static,
{
    let auth = use_auth();
    let list = LocalResource::new(move || {
        let page = page.get();
        reload.track();
        async move {
            let url = format!("{path}?page={page}&per_page={PER_PAGE}");
            auth.call::<Page<T>>(Method::GET, &url, None).await
        }
    });
    let pages = Signal::derive(move || {
        list.get()
            .and_then(Result::ok)
            .map_or(1, |p| page_count(p.total, PER_PAGE))
    });
    (list, pages)
}

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
#[cfg_attr(coverage_nightly, coverage(off))]
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
