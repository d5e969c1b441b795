//! A question before something that cannot be undone: the browser's own modal `<dialog>`,
//! which keeps the focus inside, closes on Escape and gives the focus back afterwards.

use leptos::prelude::*;

/// A modal dialog shown while `open`, titled `title`, saying `text`, with Cancel and
/// `confirm`; `on_confirm` runs when the latter is chosen (the dialog closes first).
#[component]
pub fn ConfirmDialog(
    id: &'static str,
    open: RwSignal<bool>,
    title: &'static str,
    #[prop(into)] text: Signal<String>,
    confirm: &'static str,
    on_confirm: Callback<()>,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    Effect::new(move |_| {
        let wanted = open.get();
        let Some(element) = dialog.get() else { return };
        if wanted && !element.open() {
            // Fails only when the dialog is not in the document; nothing to show then.
            let _ = element.show_modal();
        } else if !wanted && element.open() {
            element.close();
        }
    });
    view! {
        <dialog node_ref=dialog id=id class="confirm-dialog"
            aria-labelledby=format!("{id}-title") aria-describedby=format!("{id}-text")
            on:close=move |_| open.set(false)>
            <h2 id=format!("{id}-title")>{title}</h2>
            <p id=format!("{id}-text")>{move || text.get()}</p>
            <div class="dialog-buttons">
                <button type="button" class="secondary" autofocus on:click=move |_| open.set(false)>
                    "Cancel"
                </button>
                <button type="button" class="danger" on:click=move |_| {
                    open.set(false);
                    on_confirm.run(());
                }>{confirm}</button>
            </div>
        </dialog>
    }
}
