//! A forgotten password and a verification link: ask for a reset link (`/forgot`), choose a
//! new password with it (`/reset?token=…`), and confirm an address (`/verify?token=…`). The
//! links come by mail; each page says plainly what happened and what to do next.

use crate::api::ApiError;
use crate::auth::use_auth;
use crate::components::{Field, FormEnd, field_error, use_email_status};
use crate::toast::use_toasts;
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use lifeboat_api_types::{
    EmailVerification, FieldErrors, ForgotAnswer, ForgotPassword, PasswordReset, check_email,
    check_new_password,
};

/// The `token` of the page's address, when it has one.
fn token_in_address() -> Option<String> {
    use_query_map()
        .get_untracked()
        .get("token")
        .filter(|t| !t.trim().is_empty())
}

/// `/forgot`: an address in, the same answer out whether or not it has an account.
#[component]
pub fn Forgot() -> impl IntoView {
    let auth = use_auth();
    let email = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let form_error = RwSignal::new(None::<String>);
    let answer = RwSignal::new(None::<String>);
    let ask = Action::new_local(move |body: &ForgotPassword| {
        let body = serde_json::to_value(body).ok();
        async move {
            auth.call::<ForgotAnswer>(Method::POST, "/api/auth/forgot", body)
                .await
        }
    });
    Effect::new(move |_| match ask.value().get() {
        Some(Ok(sent)) => answer.set(Some(sent.message)),
        Some(Err(ApiError::Fields(fields))) => errors.set(fields),
        Some(Err(error)) => form_error.set(Some(error.message())),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form_error.set(None);
        match check_email(&email.get()) {
            Ok(address) => {
                ask.dispatch_local(ForgotPassword {
                    email: address.to_owned(),
                });
            }
            Err(reason) => {
                errors.set(FieldErrors::from([("email".to_owned(), reason.to_owned())]));
            }
        }
    };
    view! {
        <section class="card narrow">
            <h1>"Forgot your password?"</h1>
            {move || match answer.get() {
                Some(message) => view! {
                    <p class="notice" role="status" data-testid="forgot-answer">{message}</p>
                    <p class="switch">"Check your inbox (and its spam folder). " <A href="/login">"Back to log in"</A></p>
                }.into_any(),
                None => view! {
                    <p class="muted">"Type the address you signed up with. We mail it a link to choose a new password."</p>
                    <form on:submit=on_submit novalidate aria-label="Ask for a reset link">
                        <Field id="email" label="E-mail" error=field_error(errors, "email")>
                            <input id="email" name="email" type="email" autocomplete="email" required
                                aria-describedby="email-error"
                                aria-invalid=move || field_error(errors, "email").get().is_some().to_string()
                                prop:value=email
                                on:input=move |ev| {
                                    email.set(event_target_value(&ev));
                                    errors.set(FieldErrors::new());
                                } />
                        </Field>
                        <FormEnd error=form_error pending=Signal::derive(move || ask.pending().get())
                            idle="Send me a link" busy="Sending…" />
                    </form>
                    <p class="switch"><A href="/login">"Back to log in"</A></p>
                }.into_any(),
            }}
        </section>
    }
}

/// `/reset?token=…`: a new password, then log in with it.
#[component]
pub fn Reset() -> AnyView {
    let auth = use_auth();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let token = token_in_address();
    let has_token = token.is_some();
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let link_error = RwSignal::new(None::<String>);
    let form_error = RwSignal::new(None::<String>);
    let reset = Action::new_local(move |body: &PasswordReset| {
        let body = serde_json::to_value(body).ok();
        async move { auth.call::<()>(Method::POST, "/api/auth/reset", body).await }
    });
    Effect::new(move |_| match reset.value().get() {
        Some(Ok(())) => {
            // Every session of the account has ended, this browser's too.
            auth.forget();
            toasts.success("Password changed. Log in with your new password.");
            navigate("/login", Default::default());
        }
        Some(Err(ApiError::Fields(mut fields))) => {
            link_error.set(fields.remove("token").map(|_| {
                "This link no longer works: it was used, has expired or a newer one was sent."
                    .to_owned()
            }));
            errors.set(fields);
        }
        Some(Err(error)) => form_error.set(Some(error.message())),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form_error.set(None);
        if let Err(reason) = check_new_password(&password.get()) {
            errors.set(FieldErrors::from([(
                "password".to_owned(),
                reason.to_owned(),
            )]));
            return;
        }
        if let Some(token) = token.clone() {
            reset.dispatch_local(PasswordReset {
                token,
                password: password.get(),
            });
        }
    };
    if !has_token {
        return view! {
            <section class="card narrow">
                <h1>"Choose a new password"</h1>
                <p class="error-banner" role="alert">"This link is incomplete: open the whole link from the mail, or ask for a new one."</p>
                <p class="switch"><A href="/forgot">"Ask for a new link"</A></p>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="card narrow">
            <h1>"Choose a new password"</h1>
            <p class="error-banner" role="alert" hidden=move || link_error.get().is_none()>
                {move || link_error.get()}
            </p>
            <p class="switch" hidden=move || link_error.get().is_none()>
                <A href="/forgot">"Ask for a new link"</A>
            </p>
            <form on:submit=on_submit novalidate aria-label="Choose a new password">
                <Field id="password" label="New password" hint="At least 8 characters"
                    error=field_error(errors, "password")>
                    <input id="password" name="password" type="password" autocomplete="new-password" required
                        aria-describedby="password-hint password-error"
                        aria-invalid=move || field_error(errors, "password").get().is_some().to_string()
                        prop:value=password
                        on:input=move |ev| {
                            let typed = event_target_value(&ev);
                            let reason = check_new_password(&typed).err();
                            password.set(typed);
                            errors.set(reason.map(|r| FieldErrors::from([("password".to_owned(), r.to_owned())])).unwrap_or_default());
                        } />
                </Field>
                <FormEnd error=form_error pending=Signal::derive(move || reset.pending().get())
                    idle="Set my new password" busy="Saving…" />
            </form>
        </section>
    }
    .into_any()
}

/// What a verification link came to.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Checking,
    Confirmed,
    Refused(String),
}

/// `/verify?token=…`: confirms the address as soon as the page opens.
#[component]
pub fn Verify() -> impl IntoView {
    let auth = use_auth();
    let status = use_email_status();
    let outcome = RwSignal::new(Outcome::Checking);
    match token_in_address() {
        None => outcome.set(Outcome::Refused(
            "This link is incomplete: open the whole link from the mail.".into(),
        )),
        Some(token) => {
            leptos::task::spawn_local(async move {
                let body = serde_json::to_value(EmailVerification { token }).ok();
                let result = auth
                    .call::<()>(Method::POST, "/api/auth/verify", body)
                    .await;
                outcome.set(match result {
                    Ok(()) => {
                        status.recheck();
                        Outcome::Confirmed
                    }
                    Err(ApiError::Fields(_)) => Outcome::Refused(
                        "This link no longer works: it was used, has expired or a newer one was sent."
                            .into(),
                    ),
                    Err(error) => Outcome::Refused(error.message()),
                });
            });
        }
    }
    view! {
        <section class="card narrow">
            <h1>"Confirm your e-mail address"</h1>
            {move || match outcome.get() {
                Outcome::Checking => view! { <p role="status">"Checking your link…"</p> }.into_any(),
                Outcome::Confirmed => view! {
                    <p class="notice" role="status" data-testid="verify-answer">"Thank you: your address is confirmed."</p>
                    <p class="switch"><A href="/">"Go to the calculator"</A></p>
                }.into_any(),
                Outcome::Refused(message) => view! {
                    <p class="error-banner" role="alert">{message}</p>
                    <p class="switch">"Signed in? Your account page sends a new link. " <A href="/account">"Your account"</A></p>
                }.into_any(),
            }}
        </section>
    }
}
