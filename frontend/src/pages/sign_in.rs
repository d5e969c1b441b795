//! Log in and sign up: one form, validated as the person types with the API's own rules,
//! with the server's answers (401, 403, 409, 429, 422) shown on the form; the login form
//! links to "Forgot password?".

use crate::api::ApiError;
use crate::auth::{Auth, use_auth};
use crate::components::{Field, FormEnd};
use crate::form::credentials;
use crate::session::Session;
use crate::toast::use_toasts;
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use lifeboat_api_types::{Credentials, FieldErrors, TokenResponse, User};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Login,
    Signup,
}

#[component]
pub fn Login() -> impl IntoView {
    view! { <CredentialsForm mode=Mode::Login /> }
}

#[component]
pub fn Signup() -> impl IntoView {
    view! { <CredentialsForm mode=Mode::Signup /> }
}

/// Logs in with `credentials` and keeps the session.
async fn log_in(auth: Auth, credentials: &Credentials) -> Result<Session, ApiError> {
    let body = serde_json::to_value(credentials).ok();
    let token: TokenResponse = auth.call(Method::POST, "/api/auth/login", body).await?;
    Session::from_pair(&token, &credentials.email)
        .ok_or_else(|| ApiError::Network("the server's token could not be read".into()))
}

#[component]
fn CredentialsForm(mode: Mode) -> impl IntoView {
    let auth = use_auth();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let query = use_query_map();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // Messages appear once a field has been typed in (or on submit), not on an empty form.
    let touched = RwSignal::new((false, false));
    let server_errors = RwSignal::new(FieldErrors::new());
    let form_error = RwSignal::new(None::<String>);

    let local_errors = Memo::new(move |_| {
        credentials(&email.get(), &password.get(), mode == Mode::Signup)
            .err()
            .unwrap_or_default()
    });
    let error_for = move |name: &'static str| {
        Signal::derive(move || {
            let shown = match name {
                "email" => touched.get().0,
                _ => touched.get().1,
            };
            shown
                .then(|| local_errors.with(|e| e.get(name).cloned()))
                .flatten()
                .or_else(|| server_errors.with(|e| e.get(name).cloned()))
        })
    };

    let submit = Action::new_local(move |credentials: &Credentials| {
        let credentials = credentials.clone();
        async move {
            if mode == Mode::Signup {
                let body = serde_json::to_value(&credentials).ok();
                auth.call::<User>(Method::POST, "/api/auth/signup", body)
                    .await?;
            }
            log_in(auth, &credentials).await
        }
    });
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(session)) => {
            let greeting = match mode {
                Mode::Login => format!("Welcome back, {}.", session.email),
                Mode::Signup => format!("Account created. Welcome, {}!", session.email),
            };
            auth.sign_in(session);
            toasts.success(greeting);
            let next = query
                .get_untracked()
                .get("next")
                .filter(|n| n.starts_with('/') && !n.starts_with("//"))
                .unwrap_or_else(|| "/".into());
            navigate(&next, Default::default());
        }
        Some(Err(ApiError::Fields(fields))) => {
            form_error.set(None);
            server_errors.set(fields);
        }
        Some(Err(error)) => {
            let message = match (&error, mode) {
                (ApiError::Unauthorized(_), _) => "Wrong e-mail or password.".to_owned(),
                _ => error.message(),
            };
            form_error.set(Some(message));
        }
        None => {}
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set((true, true));
        server_errors.set(FieldErrors::new());
        form_error.set(None);
        if let Ok(credentials) = credentials(&email.get(), &password.get(), mode == Mode::Signup) {
            submit.dispatch_local(credentials);
        }
    };

    let (title, button, busy) = match mode {
        Mode::Login => ("Log in", "Log in", "Logging in…"),
        Mode::Signup => ("Create an account", "Sign up", "Creating your account…"),
    };
    view! {
        <section class="card narrow">
            <h1>{title}</h1>
            <form on:submit=on_submit novalidate>
                <Field id="email" label="E-mail" error=error_for("email")>
                    <input id="email" name="email" type="email" autocomplete="email" required
                        aria-describedby="email-error"
                        aria-invalid=move || error_for("email").get().is_some().to_string()
                        prop:value=email
                        on:input=move |ev| {
                            email.set(event_target_value(&ev));
                            touched.update(|t| t.0 = true);
                            server_errors.update(|e| { e.remove("email"); });
                        } />
                </Field>
                <Field id="password" label="Password"
                    hint=if mode == Mode::Signup { "At least 8 characters" } else { "" }
                    error=error_for("password")>
                    <input id="password" name="password" type="password" required
                        autocomplete=if mode == Mode::Signup { "new-password" } else { "current-password" }
                        aria-describedby="password-hint password-error"
                        aria-invalid=move || error_for("password").get().is_some().to_string()
                        prop:value=password
                        on:input=move |ev| {
                            password.set(event_target_value(&ev));
                            touched.update(|t| t.1 = true);
                            server_errors.update(|e| { e.remove("password"); });
                        } />
                </Field>
                <FormEnd error=form_error pending=Signal::derive(move || submit.pending().get())
                    idle=button busy=busy />
            </form>
            {(mode == Mode::Login).then(|| view! {
                <p class="switch"><A href="/forgot">"Forgot password?"</A></p>
            })}
            <p class="switch">
                {match mode {
                    Mode::Login => view! { "New here? " <A href="/signup">"Create an account"</A> }.into_any(),
                    Mode::Signup => view! { "Already registered? " <A href="/login">"Log in"</A> }.into_any(),
                }}
            </p>
        </section>
    }
}
