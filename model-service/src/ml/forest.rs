//! The random forest: linfa-trees grows its trees, our own struct keeps its trees so it can be
//! saved and predicts a probability as the mean of the trees' leaf probabilities.

use crate::ml::tree::{Tree, covers};
use crate::ml::tree_shap::{ColumnContributions, ShapTables};
pub use lifeboat_api_types::ForestParams;
use linfa::prelude::Fit;
use linfa::{Dataset, error::Error as LinfaError};
use linfa_trees::DecisionTree;
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::Rng;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Weight of a "did not survive" row in a tree's bootstrap sample: a hair above 1 so that no
/// leaf's class counts are ever exactly equal (see [`Forest`]).
pub const TIE_BREAK: f32 = 1.001;

/// A trained forest in our own form: flat trees whose leaves hold the survival share of the
/// training rows that reach them. The forest's probability is the mean over its trees.
///
/// Why not linfa-ensemble's `RandomForest`: it cannot be serialised, and it cannot be made
/// reproducible. linfa-trees settles a tie in a node's class counts by `HashMap` order (random
/// per process), and then prunes by those labels, so the same seed grows different forests.
/// We bag linfa-trees ourselves instead, weighting class 0 by [`TIE_BREAK`] so counts never
/// tie, and fill the leaves with probabilities computed from the training rows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Forest {
    pub(crate) trees: Vec<Tree>,
    /// What explanations precompute from the trees, made at the first explanation.
    #[serde(skip)]
    pub(crate) shap_tables: OnceLock<ShapTables>,
}

impl PartialEq for Forest {
    /// The same trees; whether the explanation tables were made yet does not matter.
    fn eq(&self, other: &Self) -> bool {
        self.trees == other.trees
    }
}

impl Forest {
    /// Grows a forest on `x` (one row per passenger) and labels `y` (1 = survived).
    pub fn train(
        x: Array2<f64>,
        y: Array1<usize>,
        params: &ForestParams,
    ) -> Result<Self, LinfaError> {
        let mut rng = Xoshiro256Plus::seed_from_u64(params.seed);
        let n_rows = ((x.nrows() as f64) * params.bootstrap_share).ceil() as usize;
        let n_columns = ((x.ncols() as f64) * params.feature_share).ceil() as usize;
        let tree_params = DecisionTree::params().max_depth(params.max_depth);
        let mut trees = Vec::with_capacity(params.trees);
        for _ in 0..params.trees {
            // Bootstrap rows (with replacement) and a random subset of columns (without).
            let rows: Vec<usize> = (0..n_rows).map(|_| rng.gen_range(0..x.nrows())).collect();
            let mut columns = rand::seq::index::sample(&mut rng, x.ncols(), n_columns).into_vec();
            columns.sort_unstable();
            let records = x.select(Axis(0), &rows).select(Axis(1), &columns);
            let targets = y.select(Axis(0), &rows);
            let weights = targets.mapv(|label| if label == 0 { TIE_BREAK } else { 1.0 });
            let bag = Dataset::new(records, targets).with_weights(weights);
            let tree = tree_params.fit(&bag)?;
            trees.push(Tree::from_linfa(&tree, &columns, &x, &y));
        }
        Ok(Self::from_trees(trees))
    }

    pub(crate) fn from_trees(trees: Vec<Tree>) -> Self {
        Self {
            trees,
            shap_tables: OnceLock::new(),
        }
    }

    /// The probability of survival for one encoded row.
    pub fn predict_row(&self, row: &[f64]) -> f64 {
        let sum: f64 = self.trees.iter().map(|t| t.leaf_prob(row)).sum();
        sum / self.trees.len().max(1) as f64
    }

    /// The probability of survival for each row of `x`.
    pub fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Vec<f64> {
        x.rows()
            .into_iter()
            .map(|row| match row.as_slice() {
                Some(slice) => self.predict_row(slice),
                None => self.predict_row(&row.to_vec()),
            })
            .collect()
    }

    /// Number of trees.
    pub fn len(&self) -> usize {
        self.trees.len()
    }

    /// True for a forest without trees (never produced by [`Forest::train`]).
    pub fn is_empty(&self) -> bool {
        self.trees.is_empty()
    }

    /// Whether every tree knows its node covers (forests saved before format 2 do not).
    pub fn has_covers(&self) -> bool {
        self.trees.iter().all(|t| t.covers.len() == t.nodes.len())
    }

    /// Counts again the training rows `x` that reach each node, for a forest saved without
    /// its covers. `x` must be the rows it was trained on, encoded as then.
    pub fn fill_covers(&mut self, x: &Array2<f64>) {
        for tree in &mut self.trees {
            tree.covers = covers(&tree.nodes, x);
        }
        self.shap_tables = OnceLock::new();
    }
}

impl Forest {
    /// The exact TreeSHAP contributions of each column of the encoded `row`, or `None` for a
    /// forest whose covers are unknown.
    pub fn contributions(&self, row: &[f64]) -> Option<ColumnContributions> {
        if !self.has_covers() || self.trees.is_empty() {
            return None;
        }
        let tables = self
            .shap_tables
            .get_or_init(|| ShapTables::new(&self.trees));
        Some(tables.explain(&self.trees, row))
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;
    use ndarray::array;

    /// Survival decided by the first column alone: a forest must find that.
    fn separable() -> (Array2<f64>, Array1<usize>) {
        let x = array![
            [0.0, 5.0],
            [0.0, 1.0],
            [0.0, 3.0],
            [0.0, 2.0],
            [1.0, 4.0],
            [1.0, 1.0],
            [1.0, 3.0],
            [1.0, 5.0],
        ];
        let y = array![0, 0, 0, 0, 1, 1, 1, 1];
        (x, y)
    }

    #[test]
    fn a_forest_learns_a_separable_rule() {
        let (x, y) = separable();
        let params = ForestParams {
            trees: 15,
            feature_share: 1.0,
            bootstrap_share: 1.0,
            ..ForestParams::default()
        };
        let forest = Forest::train(x, y, &params).unwrap();
        assert_eq!(forest.len(), 15);
        let probs = forest.predict_proba(array![[0.0, 3.0], [1.0, 3.0]].view());
        assert!(probs[0] < 0.5, "{probs:?}");
        assert!(probs[1] > 0.5, "{probs:?}");
    }

    #[test]
    fn the_same_seed_grows_the_same_forest() {
        let (x, y) = separable();
        let params = ForestParams {
            trees: 5,
            ..ForestParams::default()
        };
        let a = Forest::train(x.clone(), y.clone(), &params).unwrap();
        let b = Forest::train(x, y, &params).unwrap();
        assert_eq!(a, b);
    }
}
