//! The pages a first visit does not need, each loaded from its own wasm module when its route
//! is first opened (Leptos's lazy routes, split by `wasm-split-cli` in `frontend/build.sh`),
//! so that the calculator starts from a smaller download (docs/performance.md, "Size budget").

use crate::auth::{AdminOnly, SignedInOnly};
use crate::pages;
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// A route whose page sits in a module of its own: `$page` under the access rule `$guard`
/// (`SignedInOnly`, `AdminOnly`, or `Everyone`).
macro_rules! lazy_page {
    ($(#[$doc:meta])* $name:ident, $guard:ident, $page:path) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name;

        #[lazy_route]
        impl LazyRoute for $name {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                lazy_page!(@guard $guard, $page)
            }
        }
    };
    (@guard Everyone, $page:path) => { view! { <$page /> }.into_any() };
    (@guard SignedInOnly, $page:path) => { view! { <SignedInOnly><$page /></SignedInOnly> }.into_any() };
    (@guard AdminOnly, $page:path) => { view! { <AdminOnly><$page /></AdminOnly> }.into_any() };
}

lazy_page!(/// `/data`
    DataPage, Everyone, pages::DataExplorer);
lazy_page!(/// `/forgot`
    ForgotPage, Everyone, pages::Forgot);
lazy_page!(/// `/reset?token=…`
    ResetPage, Everyone, pages::Reset);
lazy_page!(/// `/verify?token=…`
    VerifyPage, Everyone, pages::Verify);
lazy_page!(/// `/account`
    AccountPage, SignedInOnly, pages::Account);
lazy_page!(/// `/predictions`
    HistoryPage, SignedInOnly, pages::MyPredictions);
lazy_page!(/// `/batch`
    BatchPage, SignedInOnly, pages::BatchPredictions);
lazy_page!(/// `/admin/models`
    ModelsPage, AdminOnly, pages::AdminModels);
lazy_page!(/// `/admin/models/compare`
    ComparePage, AdminOnly, pages::AdminCompare);
lazy_page!(/// `/admin/models/:id`
    ModelPage, AdminOnly, pages::AdminModel);
lazy_page!(/// `/admin/jobs`
    JobsPage, AdminOnly, pages::AdminJobs);
lazy_page!(/// `/admin/train`
    TrainPage, AdminOnly, pages::AdminTrain);
lazy_page!(/// `/admin/users`
    UsersPage, AdminOnly, pages::AdminUsers);
lazy_page!(/// `/admin/usage`
    UsagePage, AdminOnly, pages::AdminUsage);
