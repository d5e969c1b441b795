//! Exact per-prediction contributions of a forest's columns: path-dependent TreeSHAP
//! (Lundberg et al., 2020, "From local explanations to global understanding with
//! explainable AI for trees", Algorithm 2), on our flat trees weighted by their node covers.
//!
//! For each tree the contributions add up to the tree's answer minus its expected answer
//! over the training rows (the root's cover-weighted mean); the forest's are the mean over
//! its trees, so `base + Σ contributions = prob`.

use crate::ml::forest::{Forest, Node, Tree};
use serde::Serialize;

/// One element of the path of unique features from the root to a node.
#[derive(Debug, Clone, Copy, Default)]
struct PathElement {
    /// Column of the split; `None` for the root's placeholder.
    feature: Option<usize>,
    /// Share of the training rows that take this branch (the feature left out).
    zero_fraction: f64,
    /// 1 when the explained row takes this branch (the feature known), else 0.
    one_fraction: f64,
    /// The permutation weight of the subsets of this size.
    weight: f64,
}

/// What a forest's explanation of one row comes to, per column of the row.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnContributions {
    /// The forest's expected answer: the mean over trees of the root's cover-weighted mean.
    pub base: f64,
    /// One value per column of the encoded row.
    pub values: Vec<f64>,
}

impl Forest {
    /// The exact TreeSHAP contributions of each column of the encoded `row`, or `None` for a
    /// forest whose covers are unknown.
    pub fn contributions(&self, row: &[f64]) -> Option<ColumnContributions> {
        if !self.has_covers() || self.trees.is_empty() {
            return None;
        }
        let scale = 1.0 / self.trees.len() as f64;
        let mut values = vec![0.0; row.len()];
        let mut base = 0.0;
        for tree in &self.trees {
            base += tree.expected_value(0) * scale;
            let depth = tree.depth();
            // Each level of the recursion keeps its own copy of the path, one after another.
            let mut paths = vec![PathElement::default(); (depth + 2) * (depth + 3) / 2];
            let mut walk = Walk {
                tree,
                row,
                scale,
                values: &mut values,
            };
            walk.recurse(0, &mut paths, 0, 1.0, 1.0, None);
        }
        Some(ColumnContributions { base, values })
    }

    /// The trees in the form of the `shap` library's custom tree models (values already
    /// divided by the number of trees, so the explainer's sum is our mean). For the check
    /// against that library.
    pub fn shap_export(&self) -> Vec<ShapTree> {
        let scale = 1.0 / self.trees.len().max(1) as f64;
        self.trees.iter().map(|t| t.shap_export(scale)).collect()
    }
}

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

impl Tree {
    /// The cover-weighted mean of the leaves below `node` (0 where no training row reaches).
    fn expected_value(&self, node: usize) -> f64 {
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

    /// The number of splits on the longest path from the root.
    fn depth(&self) -> usize {
        fn below(nodes: &[Node], at: usize) -> usize {
            match nodes[at] {
                Node::Leaf { .. } => 0,
                Node::Split { left, right, .. } => 1 + below(nodes, left).max(below(nodes, right)),
            }
        }
        below(&self.nodes, 0)
    }

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

/// One tree's explanation of one row, accumulated into `values`.
struct Walk<'a> {
    tree: &'a Tree,
    row: &'a [f64],
    scale: f64,
    values: &'a mut [f64],
}

impl Walk<'_> {
    /// Algorithm 2's RECURSE. `paths` holds this level's path at its start (the parent's
    /// `unique_depth` elements, copied) followed by room for the levels below.
    fn recurse(
        &mut self,
        node: usize,
        paths: &mut [PathElement],
        unique_depth: usize,
        zero_fraction: f64,
        one_fraction: f64,
        feature: Option<usize>,
    ) {
        let (path, below) = paths.split_at_mut(unique_depth + 1);
        extend(path, unique_depth, zero_fraction, one_fraction, feature);
        match self.tree.nodes[node] {
            Node::Leaf { prob } => {
                for i in 1..=unique_depth {
                    let weight = unwound_sum(path, unique_depth, i);
                    let element = path[i];
                    if let Some(column) = element.feature {
                        self.values[column] += weight
                            * (element.one_fraction - element.zero_fraction)
                            * prob
                            * self.scale;
                    }
                }
            }
            Node::Split {
                feature: split,
                threshold,
                left,
                right,
            } => {
                let (hot, cold) = if self.row[split] <= threshold {
                    (left, right)
                } else {
                    (right, left)
                };
                let cover = f64::from(self.tree.covers[node]);
                let share = |child: usize| {
                    if cover > 0.0 {
                        f64::from(self.tree.covers[child]) / cover
                    } else {
                        0.0
                    }
                };
                let (hot_zero, cold_zero) = (share(hot), share(cold));
                // A feature split on again above: undo its element, so each feature is on
                // the path once, with the product of its fractions.
                let mut depth = unique_depth;
                let (mut incoming_zero, mut incoming_one) = (1.0, 1.0);
                if let Some(k) = (1..=depth).find(|&k| path[k].feature == Some(split)) {
                    incoming_zero = path[k].zero_fraction;
                    incoming_one = path[k].one_fraction;
                    unwind(path, depth, k);
                    depth -= 1;
                }
                for (child, zero, one) in [
                    (hot, hot_zero * incoming_zero, incoming_one),
                    (cold, cold_zero * incoming_zero, 0.0),
                ] {
                    // The child extends its own copy of this path.
                    below[..=depth].copy_from_slice(&path[..=depth]);
                    self.recurse(child, below, depth + 1, zero, one, Some(split));
                }
            }
        }
    }
}

/// Algorithm 2's EXTEND: adds an element to the path and updates the subset weights.
fn extend(
    path: &mut [PathElement],
    unique_depth: usize,
    zero_fraction: f64,
    one_fraction: f64,
    feature: Option<usize>,
) {
    path[unique_depth] = PathElement {
        feature,
        zero_fraction,
        one_fraction,
        weight: if unique_depth == 0 { 1.0 } else { 0.0 },
    };
    let d = unique_depth as f64;
    for i in (0..unique_depth).rev() {
        let fi = i as f64;
        path[i + 1].weight += one_fraction * path[i].weight * (fi + 1.0) / (d + 1.0);
        path[i].weight = zero_fraction * path[i].weight * (d - fi) / (d + 1.0);
    }
}

/// Algorithm 2's UNWIND: removes element `index` from the path, undoing its EXTEND.
fn unwind(path: &mut [PathElement], unique_depth: usize, index: usize) {
    let PathElement {
        zero_fraction,
        one_fraction,
        ..
    } = path[index];
    let d = unique_depth as f64;
    let mut next_one_portion = path[unique_depth].weight;
    for i in (0..unique_depth).rev() {
        let fi = i as f64;
        if one_fraction != 0.0 {
            let kept = path[i].weight;
            path[i].weight = next_one_portion * (d + 1.0) / ((fi + 1.0) * one_fraction);
            next_one_portion = kept - path[i].weight * zero_fraction * (d - fi) / (d + 1.0);
        } else {
            path[i].weight = path[i].weight * (d + 1.0) / (zero_fraction * (d - fi));
        }
    }
    for i in index..unique_depth {
        path[i].feature = path[i + 1].feature;
        path[i].zero_fraction = path[i + 1].zero_fraction;
        path[i].one_fraction = path[i + 1].one_fraction;
    }
}

/// The total weight the path would have with element `index` unwound, without unwinding it.
fn unwound_sum(path: &[PathElement], unique_depth: usize, index: usize) -> f64 {
    let PathElement {
        zero_fraction,
        one_fraction,
        ..
    } = path[index];
    let d = unique_depth as f64;
    let mut next_one_portion = path[unique_depth].weight;
    let mut total = 0.0;
    for i in (0..unique_depth).rev() {
        let fi = i as f64;
        if one_fraction != 0.0 {
            let tmp = next_one_portion * (d + 1.0) / ((fi + 1.0) * one_fraction);
            total += tmp;
            next_one_portion = path[i].weight - tmp * zero_fraction * ((d - fi) / (d + 1.0));
        } else if zero_fraction != 0.0 {
            total += (path[i].weight / zero_fraction) / ((d - fi) / (d + 1.0));
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::ForestParams;
    use ndarray::{Array1, Array2};
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256Plus;

    /// Rows of four columns where survival depends on the first two and an interaction.
    fn data(rows: usize, seed: u64) -> (Array2<f64>, Array1<usize>) {
        let mut rng = Xoshiro256Plus::seed_from_u64(seed);
        let x = Array2::from_shape_fn((rows, 4), |_| f64::from(rng.gen_range(0..4u8)));
        let y = x
            .rows()
            .into_iter()
            .map(|r| usize::from(r[0] + r[1] * r[2] > 4.0))
            .collect();
        (x, y)
    }

    /// Exact Shapley values of one tree with the path-dependent value function, by brute
    /// force over every subset: E[f | x_S] follows the known features and splits the
    /// unknown ones by cover.
    fn brute_force(tree: &Tree, row: &[f64], columns: usize) -> Vec<f64> {
        fn conditional(tree: &Tree, at: usize, row: &[f64], known: u32) -> f64 {
            match tree.nodes[at] {
                Node::Leaf { prob } => prob,
                Node::Split {
                    feature,
                    threshold,
                    left,
                    right,
                } => {
                    if known & (1 << feature) != 0 {
                        let next = if row[feature] <= threshold {
                            left
                        } else {
                            right
                        };
                        conditional(tree, next, row, known)
                    } else {
                        let c = f64::from(tree.covers[at]);
                        (f64::from(tree.covers[left]) * conditional(tree, left, row, known)
                            + f64::from(tree.covers[right]) * conditional(tree, right, row, known))
                            / c
                    }
                }
            }
        }
        let n = columns;
        let factorial = |k: usize| (1..=k).map(|v| v as f64).product::<f64>();
        (0..n)
            .map(|i| {
                (0..1u32 << n)
                    .filter(|s| s & (1 << i) == 0)
                    .map(|s| {
                        let size = s.count_ones() as usize;
                        let weight = factorial(size) * factorial(n - size - 1) / factorial(n);
                        weight
                            * (conditional(tree, 0, row, s | (1 << i))
                                - conditional(tree, 0, row, s))
                    })
                    .sum()
            })
            .collect()
    }

    fn forest(trees: usize, depth: usize) -> (Forest, Array2<f64>) {
        let (x, y) = data(300, 1);
        let params = ForestParams {
            trees,
            max_depth: Some(depth),
            feature_share: 1.0,
            ..ForestParams::default()
        };
        (Forest::train(x.clone(), y, &params).unwrap(), x)
    }

    #[test]
    fn a_parents_cover_is_the_sum_of_its_childrens() {
        let (forest, x) = forest(10, 6);
        for tree in &forest.trees {
            assert_eq!(tree.covers[0] as usize, x.nrows());
            for (at, node) in tree.nodes.iter().enumerate() {
                if let Node::Split { left, right, .. } = *node {
                    assert_eq!(tree.covers[at], tree.covers[left] + tree.covers[right]);
                }
            }
        }
    }

    #[test]
    fn each_trees_values_equal_the_brute_force_shapley_values() {
        let (forest, x) = forest(3, 5);
        for row in x.rows().into_iter().take(20) {
            let row = row.to_vec();
            for tree in &forest.trees {
                let single = Forest {
                    trees: vec![tree.clone()],
                };
                let ours = single.contributions(&row).unwrap().values;
                let exact = brute_force(tree, &row, 4);
                for (a, b) in ours.iter().zip(&exact) {
                    assert!((a - b).abs() < 1e-12, "{ours:?} vs {exact:?}");
                }
            }
        }
    }

    #[test]
    fn the_base_and_the_contributions_add_up_to_the_prediction() {
        let (forest, x) = forest(25, 8);
        for row in x.rows().into_iter().take(50) {
            let row = row.to_vec();
            let c = forest.contributions(&row).unwrap();
            let total = c.base + c.values.iter().sum::<f64>();
            assert!((total - forest.predict_row(&row)).abs() < 1e-12);
        }
    }

    #[test]
    fn the_base_is_the_share_of_training_rows_that_survived() {
        let (x, y) = data(300, 1);
        let (forest, _) = forest(5, 6);
        let share = y.iter().filter(|&&l| l == 1).count() as f64 / y.len() as f64;
        let base = forest.contributions(&x.row(0).to_vec()).unwrap().base;
        assert!((base - share).abs() < 1e-12, "{base} vs {share}");
    }

    #[test]
    fn a_forest_without_covers_has_no_explanation_until_they_are_filled() {
        let (mut forest, x) = forest(3, 4);
        for tree in &mut forest.trees {
            tree.covers.clear();
        }
        let row = x.row(0).to_vec();
        assert!(forest.contributions(&row).is_none());
        forest.fill_covers(&x);
        assert!(forest.contributions(&row).is_some());
    }
}
