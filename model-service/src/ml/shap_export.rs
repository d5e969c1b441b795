//! Our forests in the form of the `shap` library's custom tree models, for the check of our
//! explanations against that library (model-service/tests/api/explanations.rs).

use crate::ml::forest::Forest;
use crate::ml::tree::{Node, Tree};
use serde::Serialize;

/// A tree as `shap.TreeExplainer` reads a custom model: parallel arrays over the nodes,
/// `-1` for a leaf's children.
#[derive(Debug, Clone, Serialize)]
pub struct ShapTree {
    pub children_left: Vec<i64>,
    pub children_right: Vec<i64>,
    pub children_default: Vec<i64>,
    pub features: Vec<i64>,
    pub thresholds: Vec<f64>,
    pub values: Vec<f64>,
    pub node_sample_weight: Vec<f64>,
}

impl Forest {
    /// The trees in the form of the `shap` library's custom tree models (values already
    /// divided by the number of trees, so the explainer's sum is our mean). For the check
    /// against that library.
    pub fn shap_export(&self) -> Vec<ShapTree> {
        let scale = 1.0 / self.trees.len().max(1) as f64;
        self.trees.iter().map(|t| t.shap_export(scale)).collect()
    }
}

impl Tree {
    fn shap_export(&self, scale: f64) -> ShapTree {
        let n = self.nodes.len();
        let mut tree = ShapTree {
            children_left: vec![-1; n],
            children_right: vec![-1; n],
            children_default: vec![-1; n],
            features: vec![-2; n],
            thresholds: vec![0.0; n],
            values: vec![0.0; n],
            node_sample_weight: self.covers.iter().map(|&c| f64::from(c)).collect(),
        };
        for (at, node) in self.nodes.iter().enumerate() {
            tree.values[at] = self.expected_value(at) * scale;
            if let Node::Split {
                feature,
                threshold,
                left,
                right,
            } = *node
            {
                tree.children_left[at] = left as i64;
                tree.children_right[at] = right as i64;
                tree.children_default[at] = left as i64;
                tree.features[at] = feature as i64;
                tree.thresholds[at] = threshold;
            }
        }
        tree
    }
}
