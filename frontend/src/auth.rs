//! The session in the browser: kept in `localStorage` so a reload keeps it, ended with a
//! toast when the token expires or the API answers 401, and the guard of the admin pages.

use crate::api::{self, ApiError};
use crate::session::Session;
use crate::toast::Toasts;
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;
use serde::de::DeserializeOwned;
use std::time::Duration;

const STORAGE_KEY: &str = "lifeboat.session";

/// The signed-in person (if any); `provide` once at the top, `use_auth()` below.
#[derive(Debug, Clone, Copy)]
pub struct Auth {
    session: RwSignal<Option<Session>>,
    toasts: Toasts,
}

impl Auth {
    /// Restores a stored, unexpired session and arms the log-out at its expiry.
    pub fn provide(toasts: Toasts) -> Self {
        let stored = load().filter(|s| !s.is_expired(now()));
        if stored.is_none() {
            store(None);
        }
        let auth = Self {
            session: RwSignal::new(stored),
            toasts,
        };
        provide_context(auth);
        Effect::new(move |_| {
            if let Some(session) = auth.session.get() {
                let left = Duration::from_secs(session.seconds_left(now()));
                set_timeout(move || auth.expire_if_current(&session.token), left);
            }
        });
        auth
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

    pub fn sign_out(self) {
        store(None);
        self.session.set(None);
        self.toasts.info("You are logged out.");
    }

    fn expire_if_current(self, token: &str) {
        let current = self
            .session
            .try_with_untracked(|s| s.as_ref().is_some_and(|s| s.token == token));
        if current == Some(true) {
            store(None);
            self.session.set(None);
            self.toasts
                .error("Your session has expired. Please log in again.");
        }
    }

    /// Calls the API as the signed-in person (anonymously without a session). A 401 on a
    /// call that carried a token ends the session.
    pub async fn call<R: DeserializeOwned>(
        self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<R, ApiError> {
        let token = self
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.token.clone()));
        let result = api::send(method, path, token.as_deref(), body).await;
        if let (Err(ApiError::Unauthorized(_)), Some(token)) = (&result, &token) {
            self.expire_if_current(token);
        }
        result
    }
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

/// Shows `children` to admins only: a visitor is sent to the login page (and back here
/// afterwards), a signed-in user who is not an admin is told so.
#[component]
pub fn AdminOnly(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    move || match auth.session() {
        None => {
            let here = String::from(js_sys::encode_uri_component(
                &location.pathname.get_untracked(),
            ));
            view! { <Redirect path=format!("/login?next={here}") /> }.into_any()
        }
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
