//! Admin → Users: everyone with an account, ten at a time, their role, whether their address
//! is confirmed, and a one-time reset link to hand to someone whom mail does not reach.

use crate::auth::use_auth;
use crate::components::{ListShell, ListTable, Listing, Pager, use_page};
use crate::toast::use_toasts;
use gloo_net::http::Method;
use leptos::prelude::*;
use lifeboat_api_types::{ResetLink, Role, RoleChange, User};
use uuid::Uuid;

#[component]
pub fn AdminUsers() -> impl IntoView {
    let auth = use_auth();
    let toasts = use_toasts();
    let me = auth.session().map(|s| s.user_id);
    let page = RwSignal::new(1u32);
    let reload = RwSignal::new(0u32);
    let (users, pages) = use_page::<User>("/api/admin/users", page, reload);
    let change_role = Action::new_local(move |(id, email, role): &(Uuid, String, Role)| {
        let (id, email, role) = (*id, email.clone(), *role);
        async move {
            let body = serde_json::to_value(RoleChange { role }).ok();
            let path = format!("/api/admin/users/{id}");
            match auth.call::<User>(Method::PATCH, &path, body).await {
                Ok(user) => toasts.success(format!("{} is now {}.", user.email, user.role)),
                Err(error) => toasts.error(format!(
                    "Cannot change the role of {email}: {}",
                    error.message()
                )),
            }
            reload.update(|n| *n += 1);
        }
    });

    // The last link made: for whom, the link, until when.
    let made = RwSignal::new(None::<(String, ResetLink)>);
    let make_link = Action::new_local(move |(id, email): &(Uuid, String)| {
        let (id, email) = (*id, email.clone());
        async move {
            let path = format!("/api/admin/users/{id}/reset-link");
            match auth.call::<ResetLink>(Method::POST, &path, None).await {
                Ok(link) => {
                    toasts.success(format!("A reset link for {email} is ready below."));
                    made.set(Some((email, link)));
                }
                Err(error) => toasts.error(format!(
                    "Cannot make a reset link for {email}: {}",
                    error.message()
                )),
            }
        }
    });

    let row = move |user: User| {
        let (id, email) = (user.id, user.email.clone());
        let itself = Some(user.id) == me;
        view! {
            <tr>
                <th scope="row">{user.email.clone()}</th>
                <td data-label="Role">
                    <label class="visually-hidden" for=format!("role-{id}")>{format!("Role of {}", user.email)}</label>
                    <select id=format!("role-{id}") disabled=itself
                        title=if itself { "You cannot change your own role" } else { "" }
                        prop:value=user.role.to_string()
                        on:change=move |ev| {
                            let role = if event_target_value(&ev) == "admin" { Role::Admin } else { Role::User };
                            change_role.dispatch_local((id, email.clone(), role));
                        }>
                        <option value="user">"user"</option>
                        <option value="admin">"admin"</option>
                    </select>
                </td>
                <td data-label="Signed up">{user.created_at.format("%Y-%m-%d %H:%M").to_string()}</td>
                <td data-label="Address">{if user.email_verified { "confirmed" } else { "not confirmed" }}</td>
                <td data-label="Password" class="actions">
                    <button type="button"
                        aria-label=format!("Make a reset link for {}", user.email)
                        on:click={
                            let email = user.email.clone();
                            move |_| { make_link.dispatch_local((id, email.clone())); }
                        }>
                        "Reset link"
                    </button>
                </td>
            </tr>
        }
    };

    view! {
        <section class="card wide">
            <h1>"Users"</h1>
            <ListShell listing=Signal::derive(move || Listing::of_page(users.get())) loading="Loading users…"
                empty=|| view! { <p>"No accounts yet."</p> }>
                <ListTable caption="Accounts" head=&["E-mail", "Role", "Signed up", "Address", "Password"]>
                    {move || users.get().and_then(Result::ok).map(|list| list.items.into_iter().map(row).collect_view())}
                </ListTable>
                <Pager page=page pages=pages label="User pages" />
            </ListShell>
            {move || made.get().map(|(email, link)| view! {
                <div class="reset-link" role="status" data-testid="reset-link">
                    <label for="reset-link-url">
                        {format!("One-time link for {email} to choose a new password, until {} (it works once; older links no longer do):",
                            link.expires_at.format("%Y-%m-%d %H:%M UTC"))}
                    </label>
                    <input id="reset-link-url" readonly prop:value=link.link.clone()
                        on:focus=|ev| { event_target::<web_sys::HtmlInputElement>(&ev).select(); } />
                </div>
            })}
        </section>
    }
}
