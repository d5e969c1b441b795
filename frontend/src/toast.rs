//! Toasts: short messages that stack in a corner, announce themselves to screen readers and
//! go away on their own (or when dismissed).

use leptos::prelude::*;
use std::time::Duration;

/// How long a toast stays.
const SHOWN_FOR: Duration = Duration::from_secs(6);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Error,
    Info,
}

impl ToastKind {
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
        set_timeout(move || self.dismiss(id), SHOWN_FOR);
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

/// The stack of toasts, a live region: errors are announced at once (`role="alert"`), the
/// rest politely (`role="status"`).
#[component]
pub fn ToastStack() -> impl IntoView {
    let toasts = use_toasts();
    view! {
        <section class="toasts" aria-label="Notifications" aria-live="polite">
            <For each=move || toasts.shown.get() key=|t| t.id let:toast>
                <div class=toast.kind.class()
                    role=if toast.kind == ToastKind::Error { "alert" } else { "status" }>
                    <span>{toast.text.clone()}</span>
                    <button type="button" class="toast-close" aria-label="Dismiss"
                        on:click=move |_| toasts.dismiss(toast.id)>"×"</button>
                </div>
            </For>
        </section>
    }
}
