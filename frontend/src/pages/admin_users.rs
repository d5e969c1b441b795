//! Admin → Users: everyone with an account, ten at a time, and their role.

use crate::auth::use_auth;
use crate::components::{ListShell, ListTable, Listing, Pager, use_page};
use crate::toast::use_toasts;
use gloo_net::http::Method;
use leptos::prelude::*;
use lifeboat_api_types::{Role, RoleChange, User};
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
            </tr>
        }
    };

    view! {
        <section class="card wide">
            <h1>"Users"</h1>
            <ListShell listing=Signal::derive(move || Listing::of_page(users.get())) loading="Loading users…"
                empty=|| view! { <p>"No accounts yet."</p> }>
                <ListTable caption="Accounts" head=&["E-mail", "Role", "Signed up"]>
                    {move || users.get().and_then(Result::ok).map(|list| list.items.into_iter().map(row).collect_view())}
                </ListTable>
                <Pager page=page pages=pages label="User pages" />
            </ListShell>
        </section>
    }
}
