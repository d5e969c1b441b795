//! Your account: whether the address is confirmed (a new link on request), change the
//! password (the server's field errors shown under the inputs) and delete the account (with
//! the password, after a confirmation), then leave signed out.

use crate::api::ApiError;
use crate::auth::use_auth;
use crate::components::{
    ConfirmDialog, Field, FormEnd, ResendVerification, field_error, use_email_status,
};
use crate::toast::use_toasts;
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use lifeboat_api_types::{AccountDeletion, FieldErrors, PasswordChange, check_new_password};

#[component]
pub fn Account() -> impl IntoView {
    let auth = use_auth();
    let who = move || auth.session().map(|s| (s.email, s.role.to_string()));
    view! {
        <section class="card narrow account-page">
            <h1>"Your account"</h1>
            {move || who().map(|(email, role)| view! {
                <p class="lede">"Signed in as " <strong>{email}</strong> " (" {role} ")."</p>
            })}
            <EmailAddress />
            <ChangePassword />
            <DeleteAccount />
        </section>
    }
}

/// Whether the address is verified, with "Send a new link" while it is not.
#[component]
fn EmailAddress() -> impl IntoView {
    let status = use_email_status();
    move || {
        match status.verified() {
        Some(true) => view! {
            <p data-testid="email-status">"Your e-mail address is " <span class="badge on">"confirmed"</span></p>
        }
        .into_any(),
        Some(false) => view! {
            <p data-testid="email-status">"Your e-mail address is " <span class="badge warn">"not confirmed yet"</span>
                " — follow the link we mailed you. " <ResendVerification /></p>
        }
        .into_any(),
        None => ().into_any(),
    }
    }
}

/// Current and new password; the new one checked with the sign-up rule as it is typed.
#[component]
fn ChangePassword() -> impl IntoView {
    let auth = use_auth();
    let toasts = use_toasts();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let form_error = RwSignal::new(None::<String>);
    let change = Action::new_local(move |body: &PasswordChange| {
        let body = serde_json::to_value(body).ok();
        async move { auth.call::<()>(Method::PUT, "/api/me/password", body).await }
    });
    Effect::new(move |_| match change.value().get() {
        Some(Ok(())) => {
            current.set(String::new());
            new.set(String::new());
            toasts.success("Password changed. Your other sessions are logged out.");
        }
        Some(Err(ApiError::Fields(fields))) => errors.set(fields),
        Some(Err(error)) => form_error.set(Some(error.message())),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form_error.set(None);
        let mut found = FieldErrors::new();
        if current.with(String::is_empty) {
            found.insert("current_password".into(), "is required".into());
        }
        if let Err(reason) = check_new_password(&new.get()) {
            found.insert("new_password".into(), reason.into());
        }
        let ready = found.is_empty();
        errors.set(found);
        if ready {
            change.dispatch_local(PasswordChange {
                current_password: current.get(),
                new_password: new.get(),
            });
        }
    };
    let input = move |value: RwSignal<String>, name: &'static str| {
        move |ev| {
            value.set(event_target_value(&ev));
            errors.update(|e| {
                e.remove(name);
            });
        }
    };
    view! {
        <h2>"Change your password"</h2>
        <form on:submit=on_submit novalidate aria-label="Change your password">
            <Field id="current_password" label="Current password" error=field_error(errors, "current_password")>
                <input id="current_password" type="password" autocomplete="current-password" required
                    aria-describedby="current_password-error"
                    aria-invalid=move || field_error(errors, "current_password").get().is_some().to_string()
                    prop:value=current on:input=input(current, "current_password") />
            </Field>
            <Field id="new_password" label="New password" hint="At least 8 characters"
                error=field_error(errors, "new_password")>
                <input id="new_password" type="password" autocomplete="new-password" required
                    aria-describedby="new_password-hint new_password-error"
                    aria-invalid=move || field_error(errors, "new_password").get().is_some().to_string()
                    prop:value=new on:input=input(new, "new_password") />
            </Field>
            <FormEnd error=form_error pending=Signal::derive(move || change.pending().get())
                idle="Change password" busy="Changing…" />
        </form>
    }
}

/// The password, a confirmation, then the account is gone and this browser signed out.
#[component]
fn DeleteAccount() -> impl IntoView {
    let auth = use_auth();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let form_error = RwSignal::new(None::<String>);
    let asking = RwSignal::new(false);
    let delete = Action::new_local(move |body: &AccountDeletion| {
        let body = serde_json::to_value(body).ok();
        async move { auth.call::<()>(Method::DELETE, "/api/me", body).await }
    });
    Effect::new(move |_| match delete.value().get() {
        Some(Ok(())) => {
            navigate("/", Default::default());
            auth.forget_after_leaving();
            toasts.success("Your account has been deleted.");
        }
        Some(Err(ApiError::Fields(mut fields))) => {
            // The last admin is refused with a 409 naming the account, not a field here.
            let password_error = fields.remove("password");
            let rest: Vec<String> = fields.into_values().collect();
            form_error
                .set((!rest.is_empty()).then(|| format!("Cannot delete: {}", rest.join("; "))));
            errors.set(
                password_error
                    .map(|e| FieldErrors::from([("password".to_owned(), e)]))
                    .unwrap_or_default(),
            );
        }
        Some(Err(error)) => form_error.set(Some(format!("Cannot delete: {}", error.message()))),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form_error.set(None);
        if password.with(String::is_empty) {
            errors.set(FieldErrors::from([(
                "password".to_owned(),
                "is required".to_owned(),
            )]));
        } else {
            asking.set(true);
        }
    };
    let confirmed = Callback::new(move |()| {
        delete.dispatch_local(AccountDeletion {
            password: password.get_untracked(),
        });
    });
    view! {
        <h2>"Delete my account"</h2>
        <p class="muted">
            "Your account and your prediction history are deleted for good. Models you trained stay, without your name."
        </p>
        <form on:submit=on_submit novalidate aria-label="Delete my account">
            <Field id="delete_password" label="Password to confirm" error=field_error(errors, "password")>
                <input id="delete_password" type="password" autocomplete="current-password" required
                    aria-describedby="delete_password-error"
                    aria-invalid=move || field_error(errors, "password").get().is_some().to_string()
                    prop:value=password
                    on:input=move |ev| {
                        password.set(event_target_value(&ev));
                        errors.set(FieldErrors::new());
                    } />
            </Field>
            <FormEnd error=form_error pending=Signal::derive(move || delete.pending().get())
                idle="Delete my account" busy="Deleting…" danger=true />
        </form>
        <ConfirmDialog id="confirm-delete-account" open=asking title="Delete your account?"
            text="This cannot be undone: your account and your prediction history will be gone."
                .to_owned()
            confirm="Delete for good" on_confirm=confirmed />
    }
}
