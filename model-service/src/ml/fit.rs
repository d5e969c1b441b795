//! Fitting one model on some rows: the preprocessing learnt from them and the model's body.
//! Training ([`crate::ml::train`]) and evaluation ([`crate::ml::evaluate`]) both fit.

use crate::ml::artifact::ModelBody;
use crate::ml::rows::background;
use crate::ml::{Feature, Forest, Preprocessing, Record, SvmModel};
use lifeboat_api_types::{Estimator, Passenger};
use ndarray::Array1;

/// Why a model could not be fitted.
#[derive(Debug, thiserror::Error)]
pub enum TrainingError {
    #[error("the random forest could not be grown on these features")]
    Forest(#[from] linfa::error::Error),
    #[error("the SVM could not be fitted on these features")]
    Svm(#[from] linfa_svm::SvmError),
}

/// A model fitted on some rows: the preprocessing learnt from them and the fitted body.
#[derive(Debug)]
pub struct Fitted {
    pub preprocessing: Preprocessing,
    pub body: ModelBody,
}

impl Fitted {
    /// The probability of survival of each passenger.
    pub fn predict<'a>(&self, passengers: impl Iterator<Item = &'a Passenger>) -> Vec<f64> {
        self.body
            .predict_rows(&self.preprocessing.encode_all(passengers))
    }
}

/// Fits `estimator` on `features` of `records`, the preprocessing learnt from them too.
pub fn fit(
    records: &[Record],
    features: &[Feature],
    estimator: &Estimator,
) -> Result<Fitted, TrainingError> {
    let scale = matches!(estimator, Estimator::Svm(_));
    let preprocessing = Preprocessing::fit(records, features, scale);
    let x = preprocessing.encode_all(records.iter().map(|r| &r.passenger));
    let body = match estimator {
        Estimator::RandomForest(params) => {
            let y: Array1<usize> = records.iter().map(|r| usize::from(r.survived)).collect();
            ModelBody::RandomForest {
                params: params.clone(),
                forest: Forest::train(x, y, params)?,
            }
        }
        Estimator::Svm(params) => {
            let y: Array1<bool> = records.iter().map(|r| r.survived).collect();
            ModelBody::Svm {
                params: params.clone(),
                svm: SvmModel::train(x, y, params)?,
                background: background(records),
            }
        }
    };
    Ok(Fitted {
        preprocessing,
        body,
    })
}
