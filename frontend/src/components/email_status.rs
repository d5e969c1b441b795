//! Whether the signed-in person's address is verified: read from `GET /api/me` once per
//! session (and again after a verification or a new link), shown as a banner on every page
//! until it is, and on the account page; both offer to send a new link.

use crate::auth::use_auth;
use crate::toast::use_toasts;
use gloo_net::http::Method;
use leptos::prelude::*;
use lifeboat_api_types::User;

/// The app-wide check, in context: [`EmailStatus::recheck`] after anything that may have
/// verified the address.
#[derive(Clone, Copy)]
pub struct EmailStatus {
    account: LocalResource<Option<User>>,
    checks: RwSignal<u32>,
}

impl EmailStatus {
    /// Starts the check and puts it in context (once, in the app shell).
    pub fn provide() -> Self {
        let auth = use_auth();
        let checks = RwSignal::new(0u32);
        let account = LocalResource::new(move || {
            let signed_in = auth.session().map(|s| s.user_id);
            checks.track();
            async move {
                signed_in?;
                auth.call::<User>(Method::GET, "/api/me", None).await.ok()
            }
        });
        let status = Self { account, checks };
        provide_context(status);
        status
    }

    /// `Some(address)` while the signed-in person's address is known not to be verified.
    pub fn unverified(self) -> Option<String> {
        self.account
            .get()
            .flatten()
            .filter(|user| !user.email_verified)
            .map(|user| user.email)
    }

    /// `Some(true)` when verified, `Some(false)` when not, `None` while unknown.
    pub fn verified(self) -> Option<bool> {
        self.account.get().flatten().map(|user| user.email_verified)
    }

    /// Reads the account again.
    pub fn recheck(self) {
        self.checks.update(|n| *n += 1);
    }
}

impl std::fmt::Debug for EmailStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmailStatus")
            .field("checks", &self.checks.get_untracked())
            .finish_non_exhaustive()
    }
}

/// The [`EmailStatus`] of the app shell.
pub fn use_email_status() -> EmailStatus {
    expect_context::<EmailStatus>()
}

/// "Send a new link": a new verification mail, the older link ended.
#[component]
pub fn ResendVerification() -> impl IntoView {
    let auth = use_auth();
    let toasts = use_toasts();
    let status = use_email_status();
    let resend = Action::new_local(move |()| async move {
        match auth
            .call::<()>(Method::POST, "/api/me/verification", None)
            .await
        {
            Ok(()) => toasts.success("A new link is on its way. The one before no longer works."),
            Err(error) if error.status() == Some(409) => {
                toasts.info("Your address is already confirmed.");
                status.recheck();
            }
            Err(error) => toasts.error(format!("Cannot send a new link: {}", error.message())),
        }
    });
    view! {
        <button type="button" class="link-button" disabled=move || resend.pending().get()
            on:click=move |_| { resend.dispatch_local(()); }>
            {move || if resend.pending().get() { "Sending…" } else { "Send a new link" }}
        </button>
    }
}

/// On every page while the signed-in person's address is not verified.
#[component]
pub fn VerifyBanner() -> impl IntoView {
    let status = use_email_status();
    move || {
        status.unverified().map(|email| {
            view! {
                <div class="verify-banner" role="status" data-testid="verify-banner">
                    <span>"Please confirm your e-mail address: follow the link we sent to "
                        <strong>{email}</strong> ". "</span>
                    <ResendVerification />
                </div>
            }
        })
    }
}
