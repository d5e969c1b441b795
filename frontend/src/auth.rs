//! The session in the browser: kept in `localStorage` so a reload keeps it, refreshed (a new
//! access and refresh token) a minute before the access token expires, or on load when it
//! already has; ended with a toast when that fails or the API answers 401; ended on the
//! server too at logout. And the guard of the admin pages.

use crate::api::{self, ApiError, Body};
use crate::session::Session;
use crate::toast::Toasts;
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;
use lifeboat_api_types::TokenResponse;
use serde::de::DeserializeOwned;
use std::time::Duration;

const STORAGE_KEY: &str = "lifeboat.session";
/// How long before the access token expires it is refreshed, in seconds.
const REFRESH_AHEAD: u64 = 60;

/// The signed-in person (if any); `provide` once at the top, `use_auth()` below.
#[derive(Debug, Clone, Copy)]
pub struct Auth {
    session: RwSignal<Option<Session>>,
    toasts: Toasts,
}

impl Auth {
    /// Restores a stored session (refreshing it first when its access token has expired)
    /// and arms its refresh.
    pub fn provide(toasts: Toasts) -> Self {
        let stored = load();
        let (live, stale) = match stored {
            Some(s) if !s.is_expired(now()) => (Some(s), None),
            Some(s) if s.refresh_token.is_some() => (None, Some(s)),
            _ => (None, None),
        };
        if live.is_none() && stale.is_none() {
            store(None);
        }
        let auth = Self {
            session: RwSignal::new(live),
            toasts,
        };
        provide_context(auth);
        if let Some(stale) = stale {
            leptos::task::spawn_local(async move {
                if let Some(fresh) = refreshed(&stale).await {
                    auth.sign_in(fresh);
                } else {
                    store(None);
                }
            });
        }
        Effect::new(move |_| {
            if let Some(session) = auth.session.get() {
                let left = session.seconds_left(now()).saturating_sub(REFRESH_AHEAD);
                set_timeout(
                    move || leptos::task::spawn_local(auth.refresh_if_current(session)),
                    Duration::from_secs(left),
                );
            }
        });
        auth
    }

    /// Replaces `session` by a refreshed one if it is still the one in use; ends it when the
    /// server refuses.
    async fn refresh_if_current(self, session: Session) {
        if !self.is_current(&session.token) {
            return;
        }
        // Another tab of this browser may have refreshed it already: take its result.
        if let Some(stored) = load().filter(|s| s.token != session.token && !s.is_expired(now())) {
            self.session.set(Some(stored));
            return;
        }
        match refreshed(&session).await {
            Some(fresh) if self.is_current(&session.token) => self.sign_in(fresh),
            Some(_) => {}
            None => self.expire_if_current(&session.token),
        }
    }

    fn is_current(self, token: &str) -> bool {
        self.session
            .try_with_untracked(|s| s.as_ref().is_some_and(|s| s.token == token))
            == Some(true)
    }

    /// The current session (tracked: views using it update when it changes).
    pub fn session(self) -> Option<Session> {
        self.session.get()
    }

    pub fn is_admin(self) -> bool {
        self.session
            .with(|s| s.as_ref().is_some_and(Session::is_admin))
    }

    pub fn sign_in(self, session: Session) {
        store(Some(&session));
        self.session.set(Some(session));
    }

    /// Ends the session here and on the server (its tokens stop working at once).
    pub fn sign_out(self) {
        if let Some(token) = self
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
        {
            leptos::task::spawn_local(async move {
                // Best effort: the local session ends either way.
                let _ = api::send::<serde::de::IgnoredAny>(
                    Method::POST,
                    "/api/auth/logout",
                    Some(&token),
                    None,
                )
                .await;
            });
        }
        store(None);
        self.session.set(None);
        self.toasts.info("You are logged out.");
    }

    fn expire_if_current(self, token: &str) {
        if self.is_current(token) {
            store(None);
            self.session.set(None);
            self.toasts
                .error("Your session has expired. Please log in again.");
        }
    }

    /// Forgets the session here only, without a word: for an account that is gone already.
    pub fn forget(self) {
        store(None);
        self.session.set(None);
    }

    /// [`Auth::sign_out`] once a navigation started now has left the page: a page for
    /// signed-in people still showing would send the person to the login instead.
    pub fn sign_out_after_leaving(self) {
        // The router swaps the page in its effects; a timer runs after them.
        set_timeout(move || self.sign_out(), Duration::ZERO);
    }

    /// [`Auth::forget`], as [`Auth::sign_out_after_leaving`] does it.
    pub fn forget_after_leaving(self) {
        set_timeout(move || self.forget(), Duration::ZERO);
    }

    /// Calls the API as the signed-in person (anonymously without a session). A 401 on a
    /// call that carried a token ends the session.
    pub async fn call<R: DeserializeOwned>(
        self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<R, ApiError> {
        let text = self
            .call_raw(method, path, body.into(), "application/json")
            .await?;
        api::decode(&text)
    }

    /// Like [`Auth::call`], with any body, asking for `accept`, answering the text as sent (a
    /// CSV file, say).
    pub async fn call_raw(
        self,
        method: Method,
        path: &str,
        body: Body,
        accept: &str,
    ) -> Result<String, ApiError> {
        let token = self
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.token.clone()));
        let result = api::send_raw(method, path, token.as_deref(), body, accept).await;
        if let (Err(ApiError::Unauthorized(_)), Some(token)) = (&result, &token) {
            self.expire_if_current(token);
        }
        result
    }
}

/// The session after exchanging its refresh token, or `None` when there is none or the server
/// refuses it.
async fn refreshed(session: &Session) -> Option<Session> {
    let refresh_token = session.refresh_token.clone()?;
    let body = serde_json::json!({ "refresh_token": refresh_token });
    let pair: TokenResponse = api::send(Method::POST, "/api/auth/refresh", None, Some(body))
        .await
        .ok()?;
    Session::from_pair(&pair, &session.email)
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// Seconds since 1970, from the browser's clock.
fn now() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn load() -> Option<Session> {
    let text = storage()?.get_item(STORAGE_KEY).ok().flatten()?;
    serde_json::from_str(&text).ok()
}

fn store(session: Option<&Session>) {
    let Some(storage) = storage() else { return };
    let _ = match session.and_then(|s| serde_json::to_string(s).ok()) {
        Some(text) => storage.set_item(STORAGE_KEY, &text),
        None => storage.remove_item(STORAGE_KEY),
    };
}

/// The login page, with the way back to where the person is now (the query too: a
/// comparison's `?ids=` survives the detour).
fn login_and_back(location: &leptos_router::location::Location) -> String {
    let mut path = location.pathname.get_untracked();
    let search = location.search.get_untracked();
    if !search.is_empty() {
        path = format!("{path}?{search}");
    }
    let here = String::from(js_sys::encode_uri_component(&path));
    format!("/login?next={here}")
}

/// Shows `children` to signed-in people only: a visitor is sent to the login page (and back
/// here afterwards).
#[component]
pub fn SignedInOnly(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    move || match auth.session() {
        None => view! { <Redirect path=login_and_back(&location) /> }.into_any(),
        Some(_) => children().into_any(),
    }
}

/// Shows `children` to admins only: a visitor is sent to the login page (and back here
/// afterwards), a signed-in user who is not an admin is told so.
#[component]
pub fn AdminOnly(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    move || match auth.session() {
        None => view! { <Redirect path=login_and_back(&location) /> }.into_any(),
        Some(session) if !session.is_admin() => view! {
            <section class="card narrow">
                <h1>"Not allowed"</h1>
                <p>"This page is for administrators. You are signed in as a user."</p>
                <a href="/">"Back to the calculator"</a>
            </section>
        }
        .into_any(),
        Some(_) => children().into_any(),
    }
}
