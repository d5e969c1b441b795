//! Answers that follow their inputs as the person types: one request a short pause after the
//! last change, and only the answer to the latest inputs ever shown.

use crate::api::ApiError;
use leptos::prelude::*;
use std::future::Future;
use std::time::Duration;

/// How long the inputs must rest before a request goes out.
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// What a [`use_latest`] lane shows.
#[derive(Debug)]
pub struct Latest<R: 'static> {
    /// The answer to the latest inputs (`None` while there are no valid inputs, or before the
    /// first answer).
    pub answer: ReadSignal<Option<Result<R, ApiError>>>,
    /// A request for newer inputs than `answer`'s is waiting or under way.
    pub pending: ReadSignal<bool>,
}

impl<R> Clone for Latest<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for Latest<R> {}

/// Asks `fetch` for the answer to `query` each time it changes, [`DEBOUNCE`] after the last
/// change. `None` (inputs that break the rules) clears the answer at once.
///
/// Every change takes a ticket, and an answer is shown only while its ticket is still the
/// newest: a slow answer to older inputs is dropped instead of replacing a newer one.
pub fn use_latest<Q, R, F, Fut>(query: Memo<Option<Q>>, fetch: F) -> Latest<R>
where
    Q: Clone + PartialEq + Send + Sync + 'static,
    R: Send + Sync + 'static,
    F: Fn(Q) -> Fut + Copy + 'static,
    Fut: Future<Output = Result<R, ApiError>> + 'static,
{
    let (answer, set_answer) = signal(None);
    let (pending, set_pending) = signal(false);
    let newest = StoredValue::new(0u64);
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let stop_timer = move || {
        if let Some(handle) = timer.try_get_value().flatten() {
            handle.clear();
        }
    };

    Effect::new(move |_| {
        let query = query.get();
        newest.update_value(|n| *n += 1);
        let ticket = newest.get_value();
        stop_timer();
        let Some(query) = query else {
            timer.set_value(None);
            set_pending.set(false);
            set_answer.set(None);
            return;
        };
        set_pending.set(true);
        let send = move || {
            leptos::task::spawn_local(async move {
                let result = fetch(query).await;
                // Gone (the page was left) or overtaken by newer inputs: drop it.
                if newest.try_get_value() == Some(ticket) {
                    set_answer.try_set(Some(result));
                    set_pending.try_set(false);
                }
            });
        };
        timer.set_value(set_timeout_with_handle(send, DEBOUNCE).ok());
    });
    on_cleanup(stop_timer);

    Latest { answer, pending }
}
