//! One tree of a forest in our own form: its nodes in a flat list, the training rows that
//! reach each, and the walks over them that predictions, covers and explanations share.

use linfa_trees::{DecisionTree, TreeNode};
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

/// One tree, its nodes in a flat list with the root first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Tree {
    pub(crate) nodes: Vec<Node>,
    /// How many training rows reach each node (so a parent's is the sum of its children's):
    /// what TreeSHAP weighs the paths by. Empty in forests saved before format 2 until
    /// [`Forest::fill_covers`] runs.
    #[serde(default)]
    pub(crate) covers: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) enum Node {
    /// Rows whose `feature` column is at most `threshold` go left, the others right.
    Split {
        feature: usize,
        threshold: f64,
        left: usize,
        right: usize,
    },
    /// Share of the training rows reaching this leaf that survived.
    Leaf { prob: f64 },
}

impl Node {
    /// For a split, the child a row goes to whose split column holds `value(feature)`: left
    /// when at most the threshold, as linfa-trees partitions its training rows. `None` for a
    /// leaf.
    pub(crate) fn child(&self, value: impl FnOnce(usize) -> f64) -> Option<usize> {
        match *self {
            Self::Split {
                feature,
                threshold,
                left,
                right,
            } => Some(if value(feature) <= threshold {
                left
            } else {
                right
            }),
            Self::Leaf { .. } => None,
        }
    }
}

/// How many rows of `x` pass through each node.
pub(crate) fn covers(nodes: &[Node], x: &Array2<f64>) -> Vec<u32> {
    let mut counts = vec![0u32; nodes.len()];
    for row in x.rows() {
        walk(nodes, |feature| row[feature], |at| counts[at] += 1);
    }
    counts
}

impl Tree {
    /// Copies a linfa tree's splits (mapping its column numbers back to the full row through
    /// `columns`) and fills each leaf with the survival share of the training rows it receives.
    pub(crate) fn from_linfa(
        tree: &DecisionTree<f64, usize>,
        columns: &[usize],
        x: &Array2<f64>,
        y: &Array1<usize>,
    ) -> Self {
        let mut nodes = Vec::new();
        flatten(tree.root_node(), columns, &mut nodes);
        let mut counts = vec![(0usize, 0usize); nodes.len()];
        for (row, label) in x.rows().into_iter().zip(y) {
            let leaf = walk(&nodes, |feature| row[feature], |_| {});
            counts[leaf].0 += usize::from(*label == 1);
            counts[leaf].1 += 1;
        }
        for (node, (survived, total)) in nodes.iter_mut().zip(counts) {
            if let Node::Leaf { prob } = node {
                *prob = if total == 0 {
                    0.5
                } else {
                    survived as f64 / total as f64
                };
            }
        }
        let covers = covers(&nodes, x);
        Self { nodes, covers }
    }

    pub(crate) fn leaf_prob(&self, row: &[f64]) -> f64 {
        match self.nodes[walk(&self.nodes, |feature| row[feature], |_| {})] {
            Node::Leaf { prob } => prob,
            Node::Split { .. } => unreachable!("walk ends on a leaf"),
        }
    }

    /// The cover-weighted mean of the leaves below `node` (0 where no training row reaches).
    pub(crate) fn expected_value(&self, node: usize) -> f64 {
        match self.nodes[node] {
            Node::Leaf { prob } => prob,
            Node::Split { left, right, .. } => {
                let cover = f64::from(self.covers[node]);
                if cover == 0.0 {
                    return 0.0;
                }
                (f64::from(self.covers[left]) * self.expected_value(left)
                    + f64::from(self.covers[right]) * self.expected_value(right))
                    / cover
            }
        }
    }
}

/// Follows the splits from the root to a leaf, showing `visit` each node on the way, and
/// returns the leaf's index.
fn walk(nodes: &[Node], value: impl Fn(usize) -> f64, mut visit: impl FnMut(usize)) -> usize {
    let mut at = 0;
    loop {
        visit(at);
        match nodes[at].child(&value) {
            Some(child) => at = child,
            None => return at,
        }
    }
}

/// Appends `node` and its subtree to `nodes` (pre-order) and returns its index.
fn flatten(node: &TreeNode<f64, usize>, columns: &[usize], nodes: &mut Vec<Node>) -> usize {
    let at = nodes.len();
    nodes.push(Node::Leaf { prob: 0.5 });
    let children = node.children();
    if let (false, [Some(left), Some(right)]) = (node.is_leaf(), children.as_slice()) {
        let (feature, threshold, _) = node.split();
        let left = flatten(left, columns, nodes);
        let right = flatten(right, columns, nodes);
        nodes[at] = Node::Split {
            feature: columns[feature],
            threshold,
            left,
            right,
        };
    }
    at
}
