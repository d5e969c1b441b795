#!/usr/bin/env bash
# Chooses the default models' parameters by 5-fold cross-validation on the training rows and
# prints the best candidates of each algorithm as Markdown tables (see
# model-service/examples/choose_defaults.rs). Usage: bench/choose-defaults.sh [DATASET.csv]
# (default: the data set in the repository, data/titanic.csv). About a minute on 2 cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dataset=${1:-$root/data/titanic.csv}
cd "$root"
cargo run -q --release -p lifeboat-model-service --example choose_defaults -- "$dataset"
