//! Exact per-prediction contributions of a forest's columns: path-dependent TreeSHAP
//! (Lundberg et al., 2020, "From local explanations to global understanding with
//! explainable AI for trees"), on our flat trees weighted by their node covers.
//!
//! For each tree the contributions add up to the tree's answer minus its expected answer
//! over the training rows (the root's cover-weighted mean); the forest's are the mean over
//! its trees, so `base + Σ contributions = prob`.
//!
//! Computed leaf by leaf, with tables made once per forest (the idea of Yang's Fast TreeSHAP
//! v2, 2021). A leaf's path splits on `d` distinct columns; for column `j` let `z_j` be the
//! share of training rows that follow the path's splits on `j` (the product of the cover
//! ratios) and call `j` *hot* when the explained row follows all of them. With `H` the hot
//! columns and `P = Π z_j` over the others, the leaf with value `v` adds
//!
//! - `v (1 - z_i) P G(H \ {i})` to a hot column `i`, and `-v P G(H)` to every other one,
//!
//! where `G(K) = Σ_{S ⊆ K} W(|S|) Π_{j ∈ K \ S} z_j` and `W(k) = k! (d - 1 - k)! / d!` are the
//! Shapley weights: the sums that Algorithm 2's EXTEND and UNWIND build path by path,
//! written out. `G` depends only on the leaf and `K`, so it is tabulated for every `K` (2^d
//! values; a leaf deeper than [`TABULATED_DEPTH`] computes it when asked): explaining a row is
//! then one comparison per split and a few products per leaf.

use crate::ml::tree::{Node, Tree};

/// Leaves whose paths split on at most this many distinct columns get a table of 2^d values.
const TABULATED_DEPTH: usize = 10;

/// What a forest's explanation of one row comes to, per column of the row.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnContributions {
    /// The forest's expected answer: the mean over trees of the root's cover-weighted mean.
    pub base: f64,
    /// One value per column of the encoded row.
    pub values: Vec<f64>,
}

/// Everything about a forest's trees that does not depend on the row explained.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapTables {
    base: f64,
    trees: Vec<TreeTable>,
}

#[derive(Debug, Clone, PartialEq)]
struct TreeTable {
    leaves: Vec<Leaf>,
    /// Every leaf's path: the split nodes, which way the path goes, the slot of the column.
    steps: Vec<Step>,
    /// Every leaf's distinct columns and their `z`.
    slots: Vec<(usize, f64)>,
    /// Every tabulated leaf's `G`, indexed by the bit set of the slots in `K`.
    g: Vec<f64>,
    tabulated_depth: usize,
}

#[derive(Debug, Clone, PartialEq)]
struct Leaf {
    value: f64,
    steps: std::ops::Range<usize>,
    slots: std::ops::Range<usize>,
    /// Where its `G` table starts, when it has one.
    g: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Step {
    node: usize,
    left: bool,
    slot: usize,
}

impl ShapTables {
    /// The tables of `trees`, `G` tabulated for leaves with at most [`TABULATED_DEPTH`]
    /// columns.
    pub(crate) fn new(trees: &[Tree]) -> Self {
        Self::tabulated_to(trees, TABULATED_DEPTH)
    }

    /// The contributions of each column of the encoded `row` to the answer of `trees`, the
    /// trees these tables were made from.
    pub(crate) fn explain(&self, trees: &[Tree], row: &[f64]) -> ColumnContributions {
        let scale = 1.0 / trees.len().max(1) as f64;
        let mut values = vec![0.0; row.len()];
        let mut goes_left = Vec::new();
        for (tree, table) in trees.iter().zip(&self.trees) {
            goes_left.clear();
            goes_left.extend(tree.nodes.iter().map(|node| match *node {
                Node::Split {
                    feature, threshold, ..
                } => row[feature] <= threshold,
                Node::Leaf { .. } => false,
            }));
            table.add(&goes_left, scale, &mut values);
        }
        ColumnContributions {
            base: self.base,
            values,
        }
    }

    /// The tables of `trees`, `G` tabulated for leaves with at most `tabulated_depth` columns.
    fn tabulated_to(trees: &[Tree], tabulated_depth: usize) -> Self {
        let scale = 1.0 / trees.len().max(1) as f64;
        Self {
            base: trees.iter().map(|t| t.expected_value(0) * scale).sum(),
            trees: trees
                .iter()
                .map(|t| TreeTable::new(t, tabulated_depth))
                .collect(),
        }
    }
}

impl TreeTable {
    fn new(tree: &Tree, tabulated_depth: usize) -> Self {
        let mut table = Self {
            leaves: Vec::new(),
            steps: Vec::new(),
            slots: Vec::new(),
            g: Vec::new(),
            tabulated_depth,
        };
        table.walk(tree, 0, &mut Vec::new());
        table
    }

    /// Visits the leaves below `node`; `path` holds the splits above it.
    fn walk(&mut self, tree: &Tree, node: usize, path: &mut Vec<(usize, usize, bool, f64)>) {
        match tree.nodes[node] {
            Node::Leaf { prob } => self.add_leaf(prob, path),
            Node::Split {
                feature,
                left,
                right,
                ..
            } => {
                let cover = f64::from(tree.covers[node]);
                for (child, goes_left) in [(left, true), (right, false)] {
                    let share = if cover > 0.0 {
                        f64::from(tree.covers[child]) / cover
                    } else {
                        0.0
                    };
                    path.push((node, feature, goes_left, share));
                    self.walk(tree, child, path);
                    path.pop();
                }
            }
        }
    }

    /// Records a leaf reached through `path` (node, column, went left, cover share).
    fn add_leaf(&mut self, value: f64, path: &[(usize, usize, bool, f64)]) {
        let (step_start, slot_start) = (self.steps.len(), self.slots.len());
        for &(node, column, left, share) in path {
            let slot = match self.slots[slot_start..].iter().position(|s| s.0 == column) {
                Some(found) => {
                    self.slots[slot_start + found].1 *= share;
                    found
                }
                None => {
                    self.slots.push((column, share));
                    self.slots.len() - 1 - slot_start
                }
            };
            self.steps.push(Step { node, left, slot });
        }
        let slots = slot_start..self.slots.len();
        let g = (slots.len() <= self.tabulated_depth).then(|| {
            let start = self.g.len();
            let z: Vec<f64> = self.slots[slots.clone()].iter().map(|s| s.1).collect();
            self.g.extend((0..1usize << z.len()).map(|k| g_of(&z, k)));
            start
        });
        self.leaves.push(Leaf {
            value,
            steps: step_start..self.steps.len(),
            slots,
            g,
        });
    }

    /// Adds this tree's contributions, times `scale`, to `values`; `goes_left` says for each
    /// split node which way the row goes.
    fn add(&self, goes_left: &[bool], scale: f64, values: &mut [f64]) {
        let mut z = Vec::new();
        for leaf in &self.leaves {
            let slots = &self.slots[leaf.slots.clone()];
            let d = slots.len();
            if d == 0 {
                continue;
            }
            let mut hot = (1usize << d) - 1;
            for step in &self.steps[leaf.steps.clone()] {
                if goes_left[step.node] != step.left {
                    hot &= !(1 << step.slot);
                }
            }
            let cold_product: f64 = (0..d)
                .filter(|i| hot & (1 << i) == 0)
                .map(|i| slots[i].1)
                .product();
            let mut g = |k: usize| match leaf.g {
                Some(start) => self.g[start + k],
                None => {
                    z.clear();
                    z.extend(slots.iter().map(|s| s.1));
                    g_of(&z, k)
                }
            };
            let weight = leaf.value * scale * cold_product;
            let cold = -weight * g(hot);
            for (i, &(column, zero)) in slots.iter().enumerate() {
                values[column] += if hot & (1 << i) != 0 {
                    weight * (1.0 - zero) * g(hot & !(1 << i))
                } else {
                    cold
                };
            }
        }
    }
}

/// `G(K) = Σ_{S ⊆ K} W(|S|) Π_{j ∈ K \ S} z_j` for the slots in bit set `k`, with
/// `W(s) = s! (d - 1 - s)! / d!` and `d = z.len()` (0 for `s >= d`).
fn g_of(z: &[f64], k: usize) -> f64 {
    let d = z.len();
    // e[m]: the sum over subsets T of K with |T| = m of Π_{j ∈ T} z_j.
    let mut e = vec![0.0; d + 1];
    e[0] = 1.0;
    let mut size = 0;
    for (j, &zj) in z.iter().enumerate() {
        if k & (1 << j) != 0 {
            size += 1;
            for m in (1..=size).rev() {
                e[m] += e[m - 1] * zj;
            }
        }
    }
    let factorial = |n: usize| (1..=n).map(|v| v as f64).product::<f64>();
    (0..=size.min(d.saturating_sub(1)))
        .map(|s| factorial(s) * factorial(d - 1 - s) / factorial(d) * e[size - s])
        .sum()
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;
    use crate::ml::{Forest, ForestParams};
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
                Node::Split { feature, .. } if known & (1 << feature) != 0 => {
                    let next = tree.nodes[at].child(|f| row[f]).unwrap_or(at);
                    conditional(tree, next, row, known)
                }
                Node::Split { left, right, .. } => {
                    let cover = |node: usize| f64::from(tree.covers[node]);
                    (cover(left) * conditional(tree, left, row, known)
                        + cover(right) * conditional(tree, right, row, known))
                        / cover(at)
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
                let single = Forest::from_trees(vec![tree.clone()]);
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
    fn leaves_without_a_table_give_the_same_contributions() {
        let (forest, x) = forest(10, 8);
        let row = x.row(3).to_vec();
        let tabulated = forest.contributions(&row).unwrap();
        let computed = Forest::from_trees(forest.trees.clone());
        computed
            .shap_tables
            .set(ShapTables::tabulated_to(&computed.trees, 0))
            .unwrap();
        assert_eq!(computed.contributions(&row).unwrap(), tabulated);
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
