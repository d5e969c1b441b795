"""Checks the explorer's data set summary against pandas (the reference implementation).

Reads the fixture a Rust test writes (model-service/tests/api/dataset.rs): the path of the
Titanic CSV and our summary of it. Recomputes every group with `DataFrame.groupby` and
every histogram with `pd.cut`, and exits non-zero, saying where, when a count differs.

    python dataset_check.py FIXTURE.json
"""

import json
import sys

import numpy as np
import pandas as pd

fixture = json.load(open(sys.argv[1]))
ours = fixture["summary"]
df = pd.read_csv(fixture["csv"])
failures = []


def check(name, theirs):
    mine = {g["label"]: (g["passengers"], g["survived"]) for g in ours[name]}
    if mine != theirs:
        failures.append(f"{name}: ours {mine}, pandas {theirs}")
    else:
        print(f"{name}: {len(theirs)} groups agree")


def groups(keys):
    by = df.assign(key=keys).groupby("key", dropna=False)["Survived"]
    return {str(k): (int(n), int(s)) for k, n, s in zip(by.count().index, by.count(), by.sum())}


check("by_class", groups(df["Pclass"].astype(str)))
check("by_sex", groups(df["Sex"]))
check("by_port", groups(df["Embarked"].fillna("unknown")))
band = (df["Age"] // 10 * 10).map(lambda a: "unknown" if np.isnan(a) else f"{int(a)}–{int(a) + 9}")
check("by_age_band", groups(band))
check("by_family_size", groups((df["SibSp"] + df["Parch"] + 1).astype(str)))
check("by_class_and_sex", groups(df["Pclass"].astype(str) + " · " + df["Sex"]))

totals = {"passengers": len(df), "survived": int(df["Survived"].sum())}
for key, value in totals.items():
    if ours[key] != value:
        failures.append(f"{key}: ours {ours[key]}, pandas {value}")


def histogram(name, column, width, top):
    values = df[[column, "Survived"]].dropna()
    last = int(top // width) if top else int(values[column].max() // width)
    edges = [i * width for i in range(last + 1)] + [np.inf if top else (last + 1) * width]
    bins = pd.cut(values[column], edges, right=False)
    table = values.groupby(bins, observed=False)["Survived"].agg(["sum", "count"])
    theirs = [(int(s), int(c - s)) for s, c in zip(table["sum"], table["count"])]
    mine = [(b["survived"], b["died"]) for b in ours[name]]
    if mine != theirs:
        failures.append(f"{name}: ours {mine}, pandas {theirs}")
    else:
        print(f"{name}: {len(theirs)} bins agree")


histogram("age_histogram", "Age", 5, None)
histogram("fare_histogram", "Fare", 10, 100)

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("the summary agrees with pandas")
