//! A labelled form field with its validation message, wired for screen readers.

use leptos::prelude::*;

/// A label, the input given as children, a hint, and the field's error when it has one.
/// The input must have `id=id` and `aria-describedby` of `{id}-hint {id}-error`.
#[component]
pub fn Field(
    id: &'static str,
    #[prop(into)] label: String,
    #[prop(optional, into)] hint: String,
    error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id>{label}</label>
            {children()}
            {(!hint.is_empty())
                .then(|| view! { <small class="hint" id=format!("{id}-hint")>{hint}</small> })}
            <FieldError id=id error=error />
        </div>
    }
}

/// A labelled numeric input from 0 to `max`, bound to `value`, marked invalid while `error`
/// has a message.
#[component]
pub fn NumberField(
    id: &'static str,
    #[prop(into)] label: String,
    #[prop(into)] hint: String,
    max: f64,
    step: &'static str,
    /// Decimal keypad on phones instead of the whole-number one.
    #[prop(optional)]
    decimal: bool,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <Field id=id label=label hint=hint error=error>
            <input id=id name=id type="number"
                inputmode=if decimal { "decimal" } else { "numeric" }
                min="0" max=max step=step
                aria-describedby=format!("{id}-hint {id}-error")
                aria-invalid=move || error.get().is_some().to_string()
                bind:value=value />
        </Field>
    }
}

/// The error line under a field; announced politely when it appears.
#[component]
pub fn FieldError(id: &'static str, error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p class="field-error" id=format!("{id}-error") aria-live="polite">
            {move || error.get()}
        </p>
    }
}

/// The message for `name` in `errors`, as a signal for a [`Field`].
pub fn field_error(
    errors: RwSignal<lifeboat_api_types::FieldErrors>,
    name: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || errors.with(|e| e.get(name).cloned()))
}

/// The end of a form: what the server said against the form as a whole (hidden while
/// nothing), and the submit button, which reads `busy` and waits while `pending`.
#[component]
pub fn FormEnd(
    error: RwSignal<Option<String>>,
    #[prop(into)] pending: Signal<bool>,
    idle: &'static str,
    busy: &'static str,
    /// A red button, for what cannot be undone.
    #[prop(optional)]
    danger: bool,
) -> impl IntoView {
    view! {
        <p class="error-banner" role="alert" hidden=move || error.get().is_none()>
            {move || error.get()}
        </p>
        <button type="submit" class="primary" class:danger=danger disabled=move || pending.get()>
            {move || if pending.get() { busy } else { idle }}
        </button>
    }
}
