//! Toasts: short messages that stack in a corner and announce themselves to screen readers.
//! A success or an info goes away on its own; an error stays until it is dismissed, so that
//! nobody misses it for having looked away (WCAG 2.2.1).

use leptos::prelude::*;
use std::time::Duration;

/// How long a success or an info toast stays; an error toast stays until dismissed.
pub const SHOWN_FOR: Duration = Duration::from_secs(6);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Error,
    Info,
}

impl ToastKind {
    /// Whether the toast goes away on its own.
    fn fades(self) -> bool {
        self != Self::Error
    }

    fn class(self) -> &'static str {
        match self {
            Self::Success => "toast success",
            Self::Error => "toast error",
            Self::Info => "toast info",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Toast {
    id: u64,
    kind: ToastKind,
    text: String,
}

/// The app's toasts; `provide` once at the top, `use_toasts()` anywhere below.
#[derive(Debug, Clone, Copy)]
pub struct Toasts {
    shown: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

impl Toasts {
    pub fn provide() -> Self {
        let toasts = Self {
            shown: RwSignal::new(Vec::new()),
            next_id: StoredValue::new(0),
        };
        provide_context(toasts);
        toasts
    }

    pub fn success(self, text: impl Into<String>) {
        self.push(ToastKind::Success, text.into());
    }

    pub fn error(self, text: impl Into<String>) {
        self.push(ToastKind::Error, text.into());
    }

    pub fn info(self, text: impl Into<String>) {
        self.push(ToastKind::Info, text.into());
    }

    fn push(self, kind: ToastKind, text: String) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.shown
            .update(|shown| shown.push(Toast { id, kind, text }));
        if kind.fades() {
            set_timeout(move || self.dismiss(id), SHOWN_FOR);
        }
    }

    fn dismiss(self, id: u64) {
        // The page may be gone by the time the timer fires.
        self.shown.try_update(|shown| shown.retain(|t| t.id != id));
    }
}

/// The toasts of the current [`Toasts`] context.
pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

/// The stack of toasts in two live regions that are always in the page (a region added
/// together with its message is often not announced): errors are announced at once
/// (`role="alert"`), the rest politely (`role="status"`). Each toast has a close button.
#[component]
pub fn ToastStack() -> impl IntoView {
    let toasts = use_toasts();
    let of_kind = move |errors: bool| {
        move || {
            toasts.shown.with(|shown| {
                shown
                    .iter()
                    .filter(|t| (t.kind == ToastKind::Error) == errors)
                    .cloned()
                    .collect::<Vec<_>>()
            })
        }
    };
    view! {
        <section class="toasts" aria-label="Notifications">
            <div class="toast-list" role="alert">
                <For each=of_kind(true) key=|t| t.id let:toast>
                    <ToastItem toast=toast toasts=toasts />
                </For>
            </div>
            <div class="toast-list" role="status">
                <For each=of_kind(false) key=|t| t.id let:toast>
                    <ToastItem toast=toast toasts=toasts />
                </For>
            </div>
        </section>
    }
}

/// One toast: its text and a button that closes it.
#[component]
fn ToastItem(toast: Toast, toasts: Toasts) -> impl IntoView {
    view! {
        <div class=toast.kind.class()>
            <span>{toast.text.clone()}</span>
            <button type="button" class="toast-close" aria-label="Dismiss"
                on:click=move |_| toasts.dismiss(toast.id)>"×"</button>
        </div>
    }
}
