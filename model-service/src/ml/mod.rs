//! The machine learning: the data set, feature encoding, the random forest and the SVM, evaluation and
//! the artifact files models live in.

pub mod artifact;
pub mod artifact_store;
pub mod dataset;
pub mod evaluate;
pub mod explain;
pub mod features;
pub mod files;
pub mod fit;
pub mod forest;
pub mod rows;
pub mod shap_export;
pub mod summary;
pub mod svm;
pub mod train;
pub mod tree;
pub mod tree_shap;
pub mod what_if;

pub use artifact::{ModelArtifact, ModelBody};
pub use dataset::{Dataset, DatasetError, Record};
pub use evaluate::Metrics;
pub use features::{Feature, Preprocessing};
pub use forest::{Forest, ForestParams};
pub use lifeboat_api_types::Algorithm;
pub use svm::{SvmModel, SvmParams};
