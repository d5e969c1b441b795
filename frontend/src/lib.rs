//! Lifeboat's web app: the route table, the top bar and the contexts every page uses (the
//! session and the toasts).

// Unit-test modules are left out of the coverage figures (scripts/coverage.sh).
#![cfg_attr(coverage_nightly, feature(coverage_attribute))]

pub mod api;
pub mod auth;
pub mod chart;
pub mod components;
pub mod download;
pub mod explore;
pub mod form;
pub mod lab;
pub mod pages;
pub mod session;
pub mod toast;

use auth::{Auth, use_auth};
use components::{EmailStatus, VerifyBanner};
use leptos::prelude::*;
use leptos_router::Lazy;
use leptos_router::components::{A, Redirect, Route, Router, Routes};
use leptos_router::hooks::use_navigate;
use leptos_router::path;
use toast::{ToastStack, Toasts};

/// The whole app: top bar, routes, toasts, footer.
#[component]
pub fn App() -> impl IntoView {
    let toasts = Toasts::provide();
    Auth::provide(toasts);
    EmailStatus::provide();
    view! {
        <Router>
            <TopBar />
            <VerifyBanner />
            <main id="main">
                <Routes fallback=pages::NotFound>
                    <Route path=path!("/") view=pages::Calculator />
                    <Route path=path!("/login") view=pages::Login />
                    <Route path=path!("/signup") view=pages::Signup />
                    <Route path=path!("/forgot") view={Lazy::<pages::lazy::ForgotPage>::new()} />
                    <Route path=path!("/reset") view={Lazy::<pages::lazy::ResetPage>::new()} />
                    <Route path=path!("/verify") view={Lazy::<pages::lazy::VerifyPage>::new()} />
                    <Route path=path!("/data") view={Lazy::<pages::lazy::DataPage>::new()} />
                    <Route path=path!("/account") view={Lazy::<pages::lazy::AccountPage>::new()} />
                    <Route path=path!("/predictions") view={Lazy::<pages::lazy::HistoryPage>::new()} />
                    <Route path=path!("/batch") view={Lazy::<pages::lazy::BatchPage>::new()} />
                    <Route path=path!("/admin") view=|| view! { <Redirect path="/admin/models" /> } />
                    <Route path=path!("/admin/models") view={Lazy::<pages::lazy::ModelsPage>::new()} />
                    <Route path=path!("/admin/models/compare") view={Lazy::<pages::lazy::ComparePage>::new()} />
                    <Route path=path!("/admin/models/:id") view={Lazy::<pages::lazy::ModelPage>::new()} />
                    <Route path=path!("/admin/jobs") view={Lazy::<pages::lazy::JobsPage>::new()} />
                    <Route path=path!("/admin/train") view={Lazy::<pages::lazy::TrainPage>::new()} />
                    <Route path=path!("/admin/users") view={Lazy::<pages::lazy::UsersPage>::new()} />
                    <Route path=path!("/admin/usage") view={Lazy::<pages::lazy::UsagePage>::new()} />
                </Routes>
            </main>
            <ToastStack />
            <footer class="footer">
                "Trained on 713 of the 891 passengers of the Kaggle Titanic data set, and judged on the other 178."
            </footer>
        </Router>
    }
}

/// Brand, navigation (admin links for admins), and who is signed in with log in / sign up /
/// log out.
#[component]
fn TopBar() -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    let log_out = move |_| {
        navigate("/", Default::default());
        auth.sign_out_after_leaving();
    };
    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">"Lifeboat"</A>
            <nav aria-label="Main">
                <A href="/">"Calculator"</A>
                <A href="/data">"Data"</A>
                <Show when=move || auth.session().is_some()>
                    <A href="/predictions">"My predictions"</A>
                    <A href="/batch">"Batch"</A>
                </Show>
                <Show when=move || auth.is_admin()>
                    <A href="/admin/models">"Models"</A>
                    <A href="/admin/train">"Train"</A>
                    <A href="/admin/jobs">"Jobs"</A>
                    <A href="/admin/users">"Users"</A>
                    <A href="/admin/usage">"Usage"</A>
                </Show>
            </nav>
            <div class="account">
                {move || match auth.session() {
                    Some(session) => {
                        let label = format!("{} ({}): your account", session.email, session.role);
                        view! {
                        <A href="/account" attr:class="who" attr:data-testid="who" attr:aria-label=label>
                            <span class="email">{session.email.clone()}</span>
                            <span class="badge role">{session.role.to_string()}</span>
                        </A>
                        <button type="button" on:click=log_out.clone()>"Log out"</button>
                        }.into_any()
                    }
                    None => view! {
                        <A href="/login">"Log in"</A>
                        <A href="/signup" attr:class="button">"Sign up"</A>
                    }.into_any(),
                }}
            </div>
        </header>
    }
}
