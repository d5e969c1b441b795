//! Predictions go to the model service in batches: a prediction joins a queue, and one task
//! sends whatever has queued up as one `POST /inference/batch` as soon as one of a few
//! request slots is free. Nothing waits for a batch to fill: alone, a prediction is sent
//! at once as a batch of one; under load, the predictions that arrive while earlier batches
//! are on their way go together, and the model service parses, answers and logs one HTTP
//! request for many predictions.

use super::{ModelServiceError, read};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use lifeboat_api_types::{
    BatchItem, BatchResult, INFERENCE_BATCH_MAX, InferenceBatch, InferenceBatchAnswer,
    InferenceRequest, InferenceResponse,
};
use lifeboat_service_kit::upstream::Upstream;
use std::sync::Arc;
use tokio::sync::{Semaphore, mpsc, oneshot};

/// Batches on their way to the model service at once. Two kept the most predictions per
/// second through the web port on this machine (against one and four; docs/performance.md).
const BATCHES_IN_FLIGHT: usize = 2;

/// Predictions that may wait for a slot; beyond that a prediction fails at once (503)
/// instead of queueing without bound. The backend's edge admits 1,024 requests at a time.
const QUEUE_CAPACITY: usize = 4096;

type Answer = Result<InferenceResponse, ModelServiceError>;

/// The queue's entrance. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Batcher {
    queue: mpsc::Sender<Waiting>,
}

#[derive(Debug)]
struct Waiting {
    item: BatchItem,
    answer: oneshot::Sender<Answer>,
}

impl Batcher {
    /// Starts the task that sends the batches to `model_service`; it ends when the last
    /// clone of the returned `Batcher` is dropped. Call inside a Tokio runtime.
    pub fn start(model_service: Upstream) -> Self {
        let (queue, waiting) = mpsc::channel(QUEUE_CAPACITY);
        tokio::spawn(send_batches(waiting, model_service));
        Self { queue }
    }

    /// The model service's answer for one prediction.
    pub async fn infer(&self, request: InferenceRequest, request_id: Option<String>) -> Answer {
        let (answer, answered) = oneshot::channel();
        let item = BatchItem {
            request_id,
            request,
        };
        self.queue.try_send(Waiting { item, answer }).map_err(|_| {
            ModelServiceError::Unavailable("too many predictions waiting".to_owned())
        })?;
        // The sender is dropped only if the batch task stopped without answering.
        answered.await.unwrap_or_else(|_| {
            Err(ModelServiceError::Unavailable(
                "the prediction was dropped".to_owned(),
            ))
        })
    }
}

/// Takes a free slot, then everything queued (at least one prediction, at most a full
/// batch), and sends it on a task of its own that gives the slot back when answered.
async fn send_batches(mut waiting: mpsc::Receiver<Waiting>, model_service: Upstream) {
    let slots = Arc::new(Semaphore::new(BATCHES_IN_FLIGHT));
    loop {
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            return;
        };
        let mut batch = Vec::with_capacity(INFERENCE_BATCH_MAX);
        if waiting.recv_many(&mut batch, INFERENCE_BATCH_MAX).await == 0 {
            return; // every Batcher is gone
        }
        let model_service = model_service.clone();
        tokio::spawn(async move {
            send(&model_service, batch).await;
            drop(slot);
        });
    }
}

/// Sends one batch and hands each prediction its result; if the whole call fails, every
/// prediction of the batch fails the same way.
async fn send(model_service: &Upstream, batch: Vec<Waiting>) {
    let (items, answers): (Vec<_>, Vec<_>) = batch.into_iter().map(|w| (w.item, w.answer)).unzip();
    let body = serde_json::to_vec(&InferenceBatch { items }).expect("our wire types serialize");
    let request = Request::builder()
        .method(Method::POST)
        .uri(model_service.uri_for("/inference/batch"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .expect("method, URI and headers are valid");
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
