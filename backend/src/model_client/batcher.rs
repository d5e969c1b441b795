//! Predictions go to the model service in batches: a prediction joins a queue, and when one
//! of two request slots is free its task starts a sender, which sends whatever has queued up
//! as one `POST /inference/batch`, and again while predictions keep arriving. Nothing waits
//! for a batch to fill: alone, a prediction is sent at once as a batch of one; under load, the
//! predictions that arrive while earlier batches are on their way go together, and the model
//! service parses, answers and logs one HTTP request for many predictions.

use super::{ModelServiceError, call, read};
use axum::http::{Method, StatusCode};
use lifeboat_api_types::{
    BatchItem, BatchResult, INFERENCE_BATCH_MAX, InferenceBatch, InferenceBatchAnswer,
    InferenceRequest, InferenceResponse,
};
use lifeboat_service_kit::upstream::Upstream;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

/// Batches on their way to the model service at once. Two kept the most predictions per
/// second through the web port on this machine (against one and four; docs/performance.md).
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
    pub async fn infer(&self, request: InferenceRequest, request_id: Option<String>) -> Answer {
        let (answer, answered) = oneshot::channel();
        let item = BatchItem {
            request_id,
            request,
        };
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
        if let Ok(slot) = Arc::clone(&self.0.slots).try_acquire_owned() {
            tokio::spawn(send_queued(Arc::clone(&self.0), slot));
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

    /// The oldest predictions waiting, at most a full batch.
    fn take_batch(&self) -> Vec<Waiting> {
        let mut waiting = self.waiting();
        let count = waiting.len().min(INFERENCE_BATCH_MAX);
        waiting.drain(..count).collect()
    }
}

/// Sends batches while predictions wait. A sender gives its slot back before it looks at the
/// queue a last time, so a prediction queued while every slot was taken is never left
/// behind: either a sender sees it there, or its own task found a slot free.
async fn send_queued(queue: Arc<Queue>, mut slot: OwnedSemaphorePermit) {
    loop {
        let batch = queue.take_batch();
        if !batch.is_empty() {
            send(&queue.model_service, batch).await;
            continue;
        }
        drop(slot);
        if queue.waiting().is_empty() {
            return;
        }
        slot = match Arc::clone(&queue.slots).try_acquire_owned() {
            Ok(slot) => slot,
            Err(_) => return, // the sender holding it will see the queue
        };
    }
}

/// Sends one batch and hands each prediction its result; if the whole call fails, every
/// prediction of the batch fails the same way.
async fn send(model_service: &Upstream, batch: Vec<Waiting>) {
    let (items, answers): (Vec<_>, Vec<_>) = batch.into_iter().map(|w| (w.item, w.answer)).unzip();
    let batch = InferenceBatch { items };
    let request = call(
        model_service,
        Method::POST,
        "/inference/batch",
        Some(&batch),
    );
    let results =
        read::<InferenceBatchAnswer>(model_service.send(request).await).and_then(|answer| {
            if answer.results.len() == answers.len() {
                Ok(answer.results)
            } else {
                Err(ModelServiceError::Unavailable(format!(
                    "answered {} results for {} predictions",
                    answer.results.len(),
                    answers.len()
                )))
            }
        });
    match results {
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

/// One item's result as the answer a single call would have given.
fn one(result: BatchResult) -> Answer {
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
