//! Predictions go to the model service in batches: a prediction joins a queue, and when one
//! of two request slots is free its task starts a sender, which sends whatever has queued up
//! as one `POST /inference/batch`, and again while predictions keep arriving. Nothing waits
//! for a batch to fill: a prediction that finds nothing queued and a slot free is sent at
//! once as a batch of one by its own task (no hand-off to another task or thread); under
//! load, the predictions that arrive while earlier batches are on their way go together, and
//! the model service parses, answers and logs one HTTP request for many predictions.

use super::wire::{ModelServiceError, call, read};
use axum::http::{Method, StatusCode};
use lifeboat_api_types::{
    BatchItem, BatchResult, INFERENCE_BATCH_MAX, InferenceBatch, InferenceBatchAnswer,
    InferenceRequest, InferenceResponse,
};
use lifeboat_service_kit::upstream::{Upstream, UpstreamError};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

/// Batches on their way to the model service at once (two measured best: docs/architecture.md,
/// "Why some infrastructure is our own").
const BATCHES_IN_FLIGHT: usize = 2;

/// Predictions that may wait for a slot; beyond that a prediction fails at once (503)
/// instead of queueing without bound. The backend's edge admits 1,024 requests at a time.
const QUEUE_CAPACITY: usize = 4096;

type Answer = Result<InferenceResponse, ModelServiceError>;

/// The queue's entrance. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Batcher(Arc<Queue>);

#[derive(Debug)]
struct Queue {
    waiting: Mutex<VecDeque<Waiting>>,
    slots: Arc<Semaphore>,
    model_service: Upstream,
}

#[derive(Debug)]
struct Waiting {
    item: BatchItem,
    answer: oneshot::Sender<Answer>,
}

impl Batcher {
    /// Batches for `model_service`.
    pub fn new(model_service: Upstream) -> Self {
        Self(Arc::new(Queue {
            waiting: Mutex::new(VecDeque::new()),
            slots: Arc::new(Semaphore::new(BATCHES_IN_FLIGHT)),
            model_service,
        }))
    }

    /// The model service's answer for one prediction.
    pub async fn predict(&self, request: InferenceRequest, request_id: Option<String>) -> Answer {
        let item = BatchItem {
            request_id,
            request,
        };
        // Alone: this task sends it and waits for the answer itself. Going away early loses
        // only this prediction; the slot is given back either way.
        if let Some(_slot) = self.0.slot_if_idle() {
            // `ask` checked that there is exactly one result.
            return ask(&self.0.model_service, vec![item])
                .await?
                .pop()
                .map_or_else(|| Err(no_result()), one);
        }
        let (answer, answered) = oneshot::channel();
        {
            let mut waiting = self.0.waiting();
            if waiting.len() >= QUEUE_CAPACITY {
                return Err(ModelServiceError::Unavailable(
                    "too many predictions waiting".to_owned(),
                ));
            }
            waiting.push_back(Waiting { item, answer });
        }
        // With a slot free, a sender starts (on a task of its own: a caller that goes away
        // must not take the others' batch with it); otherwise a running sender takes this
        // prediction with its next batch.
        if let Some(slot) = Slot::try_take(&self.0) {
            tokio::spawn(send_queued(slot));
        }
        // The sender is dropped only if the batch task stopped without answering.
        answered.await.unwrap_or_else(|_| {
            Err(ModelServiceError::Unavailable(
                "the prediction was dropped".to_owned(),
            ))
        })
    }
}

impl Queue {
    fn waiting(&self) -> MutexGuard<'_, VecDeque<Waiting>> {
        // Nothing panics while holding the lock; if something did, the queue is still whole.
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A free slot, when nothing is queued: the caller may send its prediction itself.
    fn slot_if_idle(self: &Arc<Self>) -> Option<Slot> {
        let waiting = self.waiting();
        if waiting.is_empty() {
            Slot::try_take(self)
        } else {
            None
        }
    }

    /// The oldest predictions waiting, at most a full batch.
    fn take_batch(&self) -> Vec<Waiting> {
        let mut waiting = self.waiting();
        let count = waiting.len().min(INFERENCE_BATCH_MAX);
        waiting.drain(..count).collect()
    }
}

/// One of the request slots, held while a batch is on its way. Given back when dropped
/// (whatever ends the holder: the batch answered, or its caller gone), and then, if
/// predictions wait, a sender is started for them: a prediction queued while every slot was
/// taken is never left behind.
struct Slot {
    queue: Arc<Queue>,
    permit: Option<OwnedSemaphorePermit>,
}

impl Slot {
    fn try_take(queue: &Arc<Queue>) -> Option<Self> {
        let permit = Arc::clone(&queue.slots).try_acquire_owned().ok()?;
        Some(Self {
            queue: Arc::clone(queue),
            permit: Some(permit),
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        drop(self.permit.take());
        if self.queue.waiting().is_empty() {
            return;
        }
        // The new sender takes a slot once it runs, not here: a runtime that is shutting down
        // drops the task at once, and dropping a slot in here would start this over.
        // Outside a runtime (the process ending) nothing is sent any more.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let queue = Arc::clone(&self.queue);
            runtime.spawn(async move {
                // None: another holder took the slot and serves the queue when it is done.
                if let Some(slot) = Slot::try_take(&queue) {
                    send_queued(slot).await;
                }
            });
        }
    }
}

/// Sends batches while predictions wait, then gives its slot back (see [`Slot`]).
async fn send_queued(slot: Slot) {
    loop {
        let batch = slot.queue.take_batch();
        if batch.is_empty() {
            return;
        }
        send(&slot.queue.model_service, batch).await;
    }
}

/// Sends one batch and hands each prediction its result; if the whole call fails, every
/// prediction of the batch fails the same way.
async fn send(model_service: &Upstream, batch: Vec<Waiting>) {
    let (items, answers): (Vec<_>, Vec<_>) = batch.into_iter().map(|w| (w.item, w.answer)).unzip();
    match ask(model_service, items).await {
        Ok(results) => {
            for (result, answer) in results.into_iter().zip(answers) {
                // A caller that gave up no longer listens; nothing to do then.
                let _ = answer.send(one(result));
            }
        }
        Err(error) => {
            for answer in answers {
                let _ = answer.send(Err(error.clone()));
            }
        }
    }
}

/// One `POST /inference/batch`: a result for each item, in order.
///
/// A prediction changes nothing on the model service, so a batch whose connection broke
/// before the answer came (the replica stopped mid-call) is sent once more, on another
/// connection — to another replica when one is up. A call that timed out is not: it has had
/// its time.
pub(super) async fn ask(
    model_service: &Upstream,
    items: Vec<BatchItem>,
) -> Result<Vec<BatchResult>, ModelServiceError> {
    let count = items.len();
    let batch = InferenceBatch { items };
    let send = || {
        let request = call(
            model_service,
            Method::POST,
            "/inference/batch",
            Some(&batch),
        );
        model_service.send(request)
    };
    let mut sent = send().await;
    if let Err(UpstreamError::Failed(error)) = &sent {
        tracing::warn!(%error, "a prediction batch's connection broke; sending it again");
        sent = send().await;
    }
    let answer = read::<InferenceBatchAnswer>(sent)?;
    if answer.results.len() == count {
        Ok(answer.results)
    } else {
        Err(ModelServiceError::Unavailable(format!(
            "answered {} results for {count} predictions",
            answer.results.len()
        )))
    }
}

fn no_result() -> ModelServiceError {
    ModelServiceError::Unavailable("answered no result".to_owned())
}

/// One item's result as the answer a single call would have given.
pub(super) fn one(result: BatchResult) -> Answer {
    match result {
        BatchResult::Ok(prediction) => Ok(prediction),
        BatchResult::Refused { status, error } => match StatusCode::from_u16(status) {
            Ok(status) if status.is_client_error() => Err(ModelServiceError::Refused {
                status,
                body: error,
            }),
            _ => Err(ModelServiceError::Unavailable(format!(
                "refused a prediction with {status}: {}",
                error.message
            ))),
        },
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;
    use axum::Router;
    use axum::routing::post;
    use lifeboat_api_types::Algorithm;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;
    use tokio::sync::Notify;
    use tokio::task::JoinHandle;
    use uuid::Uuid;

    /// The test model service's answer: every passenger of `batch` survives.
    fn survives_all(batch: &InferenceBatch) -> InferenceBatchAnswer {
        let prediction =
            InferenceResponse::new(0.9, Uuid::nil(), "test".into(), Algorithm::RandomForest);
        InferenceBatchAnswer {
            results: vec![BatchResult::Ok(prediction); batch.items.len()],
        }
    }

    /// A model service whose first two batches wait until `release` is notified (they stand
    /// for slow calls); later ones are answered at once. Counts the batches it receives.
    async fn slow_model_service(release: Arc<Notify>, received: Arc<AtomicUsize>) -> Upstream {
        let app = Router::new().route(
            "/inference/batch",
            post(
                move |axum::Json(batch): axum::Json<InferenceBatch>| async move {
                    if received.fetch_add(1, Ordering::SeqCst) < BATCHES_IN_FLIGHT {
                        release.notified().await;
                    }
                    axum::Json(survives_all(&batch))
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Upstream::new(&url, Duration::from_secs(1), Duration::from_secs(10)).unwrap()
    }

    fn passenger() -> InferenceRequest {
        serde_json::from_value(serde_json::json!({"pclass": 1, "sex": "female"})).unwrap()
    }

    /// Two lone predictions that take both slots and wait on the slow model service, and a
    /// third that finds no slot free and queues.
    async fn every_slot_taken_and_one_queued(
        batcher: &Batcher,
        received: &AtomicUsize,
    ) -> (Vec<JoinHandle<Answer>>, JoinHandle<Answer>) {
        let predict = || {
            let batcher = batcher.clone();
            tokio::spawn(async move { batcher.predict(passenger(), None).await })
        };
        let holders: Vec<_> = (0..BATCHES_IN_FLIGHT).map(|_| predict()).collect();
        while received.load(Ordering::SeqCst) < BATCHES_IN_FLIGHT {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let queued = predict();
        while batcher.0.waiting().is_empty() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        (holders, queued)
    }

    #[tokio::test]
    async fn a_batch_whose_connection_breaks_before_the_answer_is_sent_once_more() {
        let calls = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&calls);
        let app = Router::new().route(
            "/inference/batch",
            post(
                move |axum::Json(batch): axum::Json<InferenceBatch>| async move {
                    // The first call dies with its replica: its connection closes unanswered.
                    assert!(seen.fetch_add(1, Ordering::SeqCst) > 0, "the replica stops");
                    axum::Json(survives_all(&batch))
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        let model_service = Upstream::new(&url, Duration::from_secs(1), Duration::from_secs(10));
        let items = vec![BatchItem {
            request_id: None,
            request: passenger(),
        }];
        let results = ask(&model_service.unwrap(), items).await.unwrap();
        assert_eq!(results.len(), 1);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_queued_prediction_is_sent_even_when_the_callers_holding_every_slot_go_away() {
        let release = Arc::new(Notify::new());
        let received = Arc::new(AtomicUsize::new(0));
        let batcher = Batcher::new(slow_model_service(release, Arc::clone(&received)).await);
        let (holders, queued) = every_slot_taken_and_one_queued(&batcher, &received).await;
        // Both callers go away mid-call: their slots come back and the queue is served.
        for holder in holders {
            holder.abort();
        }
        let answer = tokio::time::timeout(Duration::from_secs(5), queued)
            .await
            .expect("the queued prediction was left behind")
            .unwrap()
            .unwrap();
        assert!(answer.survived);
        assert_eq!(received.load(Ordering::SeqCst), BATCHES_IN_FLIGHT + 1);
    }

    #[test]
    fn a_runtime_shutting_down_with_every_slot_taken_and_predictions_queued_ends_cleanly() {
        let server = tokio::runtime::Runtime::new().unwrap();
        let received = Arc::new(AtomicUsize::new(0));
        let model_service = server.block_on(slow_model_service(
            Arc::new(Notify::new()),
            Arc::clone(&received),
        ));
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let batcher = Batcher::new(model_service);
        runtime.block_on(every_slot_taken_and_one_queued(&batcher, &received));
        // Dropping the holders gives their slots back with a prediction queued, while the
        // runtime no longer runs what is spawned (a stack overflow here before the fix).
        runtime.shutdown_timeout(Duration::from_secs(2));
        assert_eq!(received.load(Ordering::SeqCst), BATCHES_IN_FLIGHT);
    }
}
