"""Checks Lifeboat's explanations against the `shap` library (the reference implementation).

Reads the fixture a Rust test writes (model-service/tests/api/explanations.rs) and exits
non-zero, saying where, when any of our figures differs from shap's by more than the bound:

- forest: `shap.TreeExplainer` (path-dependent TreeSHAP) on our trees exported in shap's
  custom-tree form, on our encoded rows (float64); its per-column values are summed over the
  columns of each of our lines (the port's one-hot columns make one line);
- svm: `shap.KernelExplainer` with all 126 coalitions of the 7 inputs (`l1_reg=False`, so it
  is exact) on our background rows, the model being the running model service's
  `POST /inference/batch`.

    python shap_check.py FIXTURE.json
"""

import json
import math
import sys
import urllib.request

import numpy as np
import shap

VALUE_BOUND = 1e-9
BASE_BOUND = 1e-12
BATCH_MAX = 64  # the model service's INFERENCE_BATCH_MAX
PORTS = ["S", "C", "Q"]


def check(label, ours, theirs, bound):
    worst = float(np.max(np.abs(np.asarray(ours) - np.asarray(theirs))))
    print(f"{label}: max |difference| = {worst:.3e} (bound {bound:g})")
    if not worst <= bound:
        sys.exit(f"{label}: ours {ours} vs shap {theirs}")
    return worst


def forest(fixture):
    trees = []
    for t in fixture["trees"]:
        tree = {k: np.asarray(v) for k, v in t.items()}
        for k in ("children_left", "children_right", "children_default", "features"):
            tree[k] = tree[k].astype(np.int32)
        tree["values"] = tree["values"].astype(np.float64).reshape(-1, 1)
        tree["thresholds"] = tree["thresholds"].astype(np.float64)
        tree["node_sample_weight"] = tree["node_sample_weight"].astype(np.float64)
        trees.append(tree)
    model = {"trees": trees, "base_offset": 0.0, "input_dtype": np.float64,
             "internal_dtype": np.float64}
    explainer = shap.TreeExplainer(model, feature_perturbation="tree_path_dependent",
                                   model_output="raw")
    x = np.asarray(fixture["rows"], dtype=np.float64)
    values = explainer.shap_values(x, check_additivity=True)
    lines = fixture["column_lines"]
    n_lines = max(lines) + 1
    theirs = np.zeros((len(x), n_lines))
    for column, line in enumerate(lines):
        theirs[:, line] += values[:, column]
    check("forest contributions", fixture["contributions"], theirs, VALUE_BOUND)
    check("forest base", [fixture["base"]], [float(explainer.expected_value[0])], BASE_BOUND)
    print(f"forest: {len(x)} passengers, {len(trees)} trees")


def request_of(row, model_id):
    pclass, sex, age, sibsp, parch, fare, port = row
    body = {"pclass": int(pclass), "sex": "female" if sex == 1 else "male",
            "sibsp": int(sibsp), "parch": int(parch), "model_id": model_id}
    if not math.isnan(age):
        body["age"] = float(age)
    if not math.isnan(fare):
        body["fare"] = float(fare)
    if not math.isnan(port):
        body["embarked"] = PORTS[int(port)]
    return body


def svm(fixture):
    url, model_id = fixture["url"], fixture["model_id"]

    def predict(rows):
        probs = []
        for start in range(0, len(rows), BATCH_MAX):
            items = [{"request": request_of(r, model_id)} for r in rows[start:start + BATCH_MAX]]
            request = urllib.request.Request(url + "/inference/batch",
                                             json.dumps({"items": items}).encode(),
                                             {"content-type": "application/json"})
            answer = json.load(urllib.request.urlopen(request, timeout=60))
            probs.extend(r["ok"]["prob"] for r in answer["results"])
        return np.asarray(probs)

    def typed(rows):
        return np.asarray([[np.nan if v is None else v for v in r] for r in rows], dtype=np.float64)

    background, x = typed(fixture["background"]), typed(fixture["passengers"])
    n = x.shape[1]
    explainer = shap.KernelExplainer(predict, background, link="identity")
    values = explainer.shap_values(x, nsamples=2 ** n - 2, l1_reg=False, silent=True)
    check("svm contributions", fixture["contributions"], values, VALUE_BOUND)
    check("svm base", [fixture["base"]], [float(explainer.expected_value)], VALUE_BOUND)
    print(f"svm: {len(x)} passengers, {len(background)} background rows")


def main():
    with open(sys.argv[1]) as f:
        fixture = json.load(f)
    forest(fixture["forest"])
    svm(fixture["svm"])
    print("shap agrees")


if __name__ == "__main__":
    main()
