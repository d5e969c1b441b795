//! The model service's batch form of a prediction. Under load the backend gathers the
//! predictions that arrive while earlier ones are on their way and asks for them in one
//! request, so the model service parses, answers and logs one HTTP request per batch
//! instead of one per prediction.

use crate::{ErrorBody, InferenceRequest, InferenceResponse};
use serde::{Deserialize, Serialize};

/// Most predictions in one batch.
pub const INFERENCE_BATCH_MAX: usize = 64;

/// `POST /inference/batch` on the model service: 1 to [`INFERENCE_BATCH_MAX`] predictions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InferenceBatch {
    pub items: Vec<BatchItem>,
}

/// One prediction of a batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchItem {
    /// The id of the request the prediction is for, so the model service's log names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    pub request: InferenceRequest,
}

/// The answer to an [`InferenceBatch`]: one result per item, in the same order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InferenceBatchAnswer {
    pub results: Vec<BatchResult>,
}

/// What one prediction of a batch came to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchResult {
    Ok(InferenceResponse),
    /// Refused with the status and body `POST /inference` would have answered alone (for
    /// example 404 for a model that is not loaded).
    Refused {
        status: u16,
        error: ErrorBody,
    },
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;
    use crate::Algorithm;
    use serde_json::json;

    #[test]
    fn results_are_tagged_by_outcome_on_the_wire() {
        let answer = InferenceBatchAnswer {
            results: vec![
                BatchResult::Ok(InferenceResponse::new(
                    0.25,
                    uuid::Uuid::nil(),
                    "forest".into(),
                    Algorithm::RandomForest,
                )),
                BatchResult::Refused {
                    status: 404,
                    error: ErrorBody::new("model_not_found", "no such model"),
                },
            ],
        };
        let wire = serde_json::to_value(&answer).unwrap();
        assert_eq!(wire["results"][0]["ok"]["prob"], json!(0.25));
        assert_eq!(wire["results"][1]["refused"]["status"], json!(404));
        assert_eq!(
            wire["results"][1]["refused"]["error"]["error"],
            json!("model_not_found")
        );
        let back: InferenceBatchAnswer = serde_json::from_value(wire).unwrap();
        assert_eq!(back, answer);
    }
}
