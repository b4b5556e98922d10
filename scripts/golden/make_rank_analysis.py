#!/usr/bin/python3
"""Reference values for GuidedCam's RankAnalysis (src/Harness/Results/RankAnalysis.cs) on a small seeded result
set with ties and a missing unit, computed by scipy 1.10 (rankdata, friedmanchisquare, wilcoxon, kendalltau,
studentized_range) and statsmodels (multipletests, method='holm').

    /usr/bin/python3 scripts/golden/make_rank_analysis.py

Writes tests/GuidedCam.Tests/Harness/Results/rank-analysis.items.csv (model, dataset, item, method, metric, value)
and rank-analysis.expected.json beside it; RankAnalysisTests reads both and compares to 1e-9.
"""
import csv
import json
import math
import warnings

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

warnings.simplefilter("ignore")
rng = np.random.default_rng(7)
out_dir = "tests/GuidedCam.Tests/Harness/Results"
methods = ["m1", "m2", "m3", "m4", "m5"]
metrics = {"deletion": "lower", "insertion": "higher", "average-drop": "lower"}
datasets = ["d1", "d2"]
n_items = 30
rows = []
for dataset in datasets:
    for metric, direction in metrics.items():
        for j, m in enumerate(methods):
            skill = 0.08 * j if direction == "lower" else -0.08 * j
            for i in range(n_items):
                if dataset == "d2" and metric == "insertion" and m == "m3" and i == 4:
                    continue  # a unit one method lacks: the block ranks on the other 29
                v = round(0.5 + skill + 0.2 * rng.normal(), 1)  # rounded: ties within units
                rows.append({"model": "toy", "dataset": dataset, "item": f"i{i:02d}", "method": m, "metric": metric, "value": v})
with open(f"{out_dir}/rank-analysis.items.csv", "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=["model", "dataset", "item", "method", "metric", "value"])
    w.writeheader()
    w.writerows(rows)

alpha = 0.05
expected = {"generator": "scripts/golden/make_rank_analysis.py", "alpha": alpha, "blocks": [], "experiments": [], "agreement": []}
block_mean_ranks = {}
block_ranks = {}
for dataset in datasets:
    for metric, direction in metrics.items():
        per = {m: {r["item"]: r["value"] for r in rows if r["dataset"] == dataset and r["metric"] == metric and r["method"] == m} for m in methods}
        units = sorted(set.intersection(*[set(v) for v in per.values()]))
        data = np.array([[per[m][u] for m in methods] for u in units])
        oriented = -data if direction == "higher" else data
        ur = np.array([stats.rankdata(r) for r in oriented])
        chi, p = stats.friedmanchisquare(*[data[:, j] for j in range(len(methods))])
        pairs = []
        for a in range(len(methods)):
            for b in range(a + 1, len(methods)):
                shared = sorted(set(per[methods[a]]) & set(per[methods[b]]))
                x = np.array([per[methods[a]][u] for u in shared])
                y = np.array([per[methods[b]][u] for u in shared])
                pairs.append({"a": methods[a], "b": methods[b], "n": len(shared), "p": float(stats.wilcoxon(x, y).pvalue), "diff": float(x.mean() - y.mean())})
        reject, adj, _, _ = multipletests([q["p"] for q in pairs], alpha=alpha, method="holm")
        for q, e, r in zip(pairs, adj, reject):
            q["holm_p"], q["reject"] = float(e), bool(r)
        means = np.array([np.mean(list(per[m].values())) for m in methods])
        gaps = np.diff(np.sort(means))
        assert gaps.min() > 1e-6, "two methods' means (nearly) tie; change the seed"
        block_ranks[(dataset, metric)] = stats.rankdata(-means if direction == "higher" else means)
        block_mean_ranks[(dataset, metric)] = ur.mean(axis=0)
        expected["blocks"].append({"dataset": dataset, "metric": metric, "units": len(units), "friedman_chi2": chi, "friedman_p": p,
                                   "mean_ranks": dict(zip(methods, ur.mean(axis=0).tolist())), "pairs": pairs})
    table = np.array([block_ranks[(dataset, m)] for m in metrics])
    chi, p = stats.friedmanchisquare(*[table[:, j] for j in range(len(methods))])
    k, n = len(methods), len(metrics)
    cd = stats.studentized_range.ppf(1 - alpha, k, np.inf) / math.sqrt(2) * math.sqrt(k * (k + 1) / (6 * n))
    pairs = []
    for a in range(k):
        for b in range(a + 1, k):
            pairs.append({"a": methods[a], "b": methods[b], "p": float(stats.wilcoxon(table[:, a], table[:, b]).pvalue) if np.any(table[:, a] != table[:, b]) else 1.0})
    reject, adj, _, _ = multipletests([q["p"] for q in pairs], alpha=alpha, method="holm")
    for q, e, r in zip(pairs, adj, reject):
        q["holm_p"], q["reject"] = float(e), bool(r)
    expected["experiments"].append({"dataset": dataset, "friedman_chi2": chi, "friedman_p": p, "nemenyi_cd": cd,
                                    "mean_ranks": dict(zip(methods, table.mean(axis=0).tolist())), "pairs": pairs})
    names = list(metrics)
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            tau, p = stats.kendalltau(block_mean_ranks[(dataset, names[i])], block_mean_ranks[(dataset, names[j])])
            expected["agreement"].append({"dataset": dataset, "a": names[i], "b": names[j], "tau": tau, "p": p})
with open(f"{out_dir}/rank-analysis.expected.json", "w") as f:
    json.dump(expected, f, indent=1)
    f.write("\n")
print("wrote", len(rows), "values")
