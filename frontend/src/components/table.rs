//! Tables: the list pages' shell (loading, error, empty, or the rows in a table that turns
//! into cards on phones) and the figures' plain text tables.

use super::ScrollBox;
use crate::api::ApiError;
use leptos::prelude::*;
use lifeboat_api_types::Page;

/// What a list page shows in place of its rows, or that it shows them.
#[derive(Debug, Clone, PartialEq)]
pub enum Listing {
    Loading,
    Failed(String),
    Empty,
    Rows,
}

impl Listing {
    /// The state of a fetch of `items`: `None` while it runs.
    pub fn of<T>(fetched: Option<Result<&[T], &ApiError>>) -> Self {
        match fetched {
            None => Self::Loading,
            Some(Err(error)) => Self::Failed(error.message()),
            Some(Ok([])) => Self::Empty,
            Some(Ok(_)) => Self::Rows,
        }
    }

    /// The state of a fetch of one [`Page`].
    pub fn of_page<T>(fetched: Option<Result<Page<T>, ApiError>>) -> Self {
        Self::of(
            fetched
                .as_ref()
                .map(|r| r.as_ref().map(|p| p.items.as_slice())),
        )
    }
}

/// A list's body by its [`Listing`]: "`loading`" while it loads, the error banner, `empty`,
/// or `children` (the table and its pager). Only a change of state redraws it, so rows that
/// refresh in place keep their focus.
#[component]
pub fn ListShell(
    #[prop(into)] listing: Signal<Listing>,
    loading: &'static str,
    #[prop(into)] empty: ViewFn,
    children: ChildrenFn,
) -> impl IntoView {
    let state = Memo::new(move |_| listing.get());
    move || match state.get() {
        Listing::Loading => view! { <p class="muted" role="status">{loading}</p> }.into_any(),
        Listing::Failed(message) => view! { <p class="error-banner">{message}</p> }.into_any(),
        Listing::Empty => empty.run(),
        Listing::Rows => children().into_any(),
    }
}

/// A list's table: a caption for screen readers, the column heads, and `children` as rows;
/// each row's cells carry `data-label` for the phone layout.
#[component]
pub fn ListTable(
    caption: &'static str,
    head: &'static [&'static str],
    /// Extra classes of the table besides `stack`.
    #[prop(optional)]
    class: &'static str,
    #[prop(optional)] testid: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class=format!("stack {class}").trim_end().to_owned() data-testid=testid>
                <caption class="visually-hidden">{caption}</caption>
                <thead><tr>{head.iter().map(|h| view! { <th scope="col">{*h}</th> }).collect_view()}</tr></thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

/// A table of text: a caption, column heads, and rows whose first cell heads the row.
#[derive(Debug, Clone, PartialEq)]
pub struct TextTable {
    pub caption: String,
    pub head: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

/// A `TextTable`, scrolling sideways inside its own box when too wide.
#[component]
pub fn DataTable(table: TextTable) -> impl IntoView {
    view! {
        <ScrollBox label=table.caption.clone()>
            <table>
                <caption>{table.caption}</caption>
                <thead><tr>{table.head.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {table.rows.into_iter().map(|row| {
                        let mut cells = row.into_iter();
                        let first = cells.next().unwrap_or_default();
                        view! {
                            <tr>
                                <th scope="row">{first}</th>
                                {cells.map(|cell| view! { <td class="num">{cell}</td> }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </ScrollBox>
    }
}
