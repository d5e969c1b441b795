//! The support vector machine: linfa-svm on standardised features, with Platt-scaled
//! probabilities. linfa-svm's model serialises as it is, so it is saved whole.

use lifeboat_api_types::Kernel;
pub use lifeboat_api_types::SvmParams;
use linfa::prelude::{Fit, Predict};
use linfa::{Dataset, dataset::Pr};
use linfa_svm::Svm;
use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

/// A trained SVM classifier.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SvmModel {
    svm: Svm<f64, Pr>,
}

impl PartialEq for SvmModel {
    /// Two SVMs are the same model when they give the same score for the same rows; linfa's
    /// type has no `PartialEq`, so compare what defines it: its serialised form.
    fn eq(&self, other: &Self) -> bool {
        rmp_serde::to_vec(self).ok() == rmp_serde::to_vec(other).ok()
    }
}

impl SvmModel {
    /// Fits an SVM on `x` (standardised rows) and labels `y` (true = survived).
    pub fn train(
        x: Array2<f64>,
        y: Array1<bool>,
        params: &SvmParams,
    ) -> Result<Self, linfa_svm::SvmError> {
        let builder = Svm::<f64, Pr>::params().pos_neg_weights(params.c, params.c);
        let builder = match params.kernel {
            Kernel::Gaussian => builder.gaussian_kernel(params.kernel_width),
            Kernel::Linear => builder.linear_kernel(),
        };
        let svm = builder.fit(&Dataset::new(x, y))?;
        Ok(Self { svm })
    }

    /// The probability of survival for one encoded row.
    pub fn predict_row(&self, row: &[f64]) -> f64 {
        let pr: Pr = self.svm.predict(ndarray::ArrayView1::from(row));
        f64::from(*pr)
    }

    /// The probability of survival for each row of `x`.
    pub fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Vec<f64> {
        x.rows()
            .into_iter()
            .map(|row| f64::from(*self.svm.predict(row)))
            .collect()
    }

    /// Number of support vectors.
    pub fn support_vectors(&self) -> usize {
        self.svm.nsupport()
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn an_svm_learns_a_separable_rule_with_probabilities_on_the_right_side() {
        let x = array![
            [-1.0, 0.3],
            [-1.2, -0.5],
            [-0.8, 0.1],
            [-1.1, 0.9],
            [1.0, 0.2],
            [1.1, -0.7],
            [0.9, 0.5],
            [1.2, -0.1],
        ];
        let y = array![false, false, false, false, true, true, true, true];
        for kernel in [Kernel::Gaussian, Kernel::Linear] {
            let params = SvmParams {
                kernel,
                ..SvmParams::default()
            };
            let svm = SvmModel::train(x.clone(), y.clone(), &params).unwrap();
            let probs = svm.predict_proba(array![[-1.0, 0.0], [1.0, 0.0]].view());
            assert!(probs[0] < 0.5 && probs[1] > 0.5, "{kernel:?}: {probs:?}");
            assert_eq!(svm.predict_row(&[1.0, 0.0]), probs[1]);
            assert!(svm.support_vectors() > 0);
        }
    }
}
