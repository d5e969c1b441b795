//! Lifeboat's web app: the one route table and the page frame.

pub mod api;
pub mod components;
pub mod form;
pub mod pages;

use leptos::prelude::*;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;

/// The whole app: top bar, routes, footer.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <header class="topbar">
                <A href="/" attr:class="brand">"Lifeboat"</A>
                <nav aria-label="Main">
                    <A href="/">"Calculator"</A>
                </nav>
            </header>
            <main id="main">
                <Routes fallback=pages::NotFound>
                    <Route path=path!("/") view=pages::Calculator />
                </Routes>
            </main>
            <footer class="footer">
                "Trained on the 891 passengers of the Kaggle Titanic data set."
            </footer>
        </Router>
    }
}
