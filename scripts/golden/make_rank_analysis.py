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
# MetaQuantus on a toy set: 4 methods x 12 items under the original model and two copies, computed as
# MetaQuantus' meta_evaluation.py does (IAC: wilcoxon zero_method='zsplit' p, 1 - p for the adversary; IEC_NR:
# equal argsort positions; IEC_AR: the perturbed value worse by the direction, here lower is better).
rel_methods = ["m1", "m2", "m3", "m4"]
n_rel = 12
top1 = {"base": [i % 3 for i in range(n_rel)]}
top1["res"] = [t if i != 5 else 9 for i, t in enumerate(top1["base"])]          # the resilience copy changes one item
top1["adv"] = [t if i % 2 else 7 for i, t in enumerate(top1["base"])]           # the adversary changes six
base = {m: np.round(rng.uniform(0, 1, n_rel), 2) for m in rel_methods}
res = {m: np.where(rng.uniform(size=n_rel) < 0.5, base[m], np.round(base[m] + rng.normal(0, 0.02, n_rel), 2)) for m in rel_methods}
adv = {m: np.round(rng.uniform(0, 1, n_rel), 2) for m in rel_methods}
def indices(copy, resilience):
    return np.array([(a == b) == resilience for a, b in zip(top1["base"], top1[copy])])
nr_idx, ar_idx = indices("res", True), indices("adv", False)
iac_nr = np.mean([stats.wilcoxon(base[m][nr_idx], res[m][nr_idx], zero_method="zsplit").pvalue for m in rel_methods])
iac_ar = np.mean([1 - stats.wilcoxon(base[m][ar_idx], adv[m][ar_idx], zero_method="zsplit").pvalue for m in rel_methods])
Qs, Qr = np.array([base[m] for m in rel_methods]), np.array([res[m] for m in rel_methods])
Rs, Rr = np.argsort(Qs, axis=0, kind="stable"), np.argsort(Qr, axis=0, kind="stable")
iec_nr = np.mean([Rs[p, i] == Rr[p, i] for i in range(n_rel) if nr_idx[i] for p in range(len(rel_methods))])
iec_ar = np.mean([adv[m][i] > base[m][i] for m in rel_methods for i in range(n_rel) if ar_idx[i]])
rel_rows = []
for model, table in (("base", base), ("res", res), ("adv", adv)):
    for m in rel_methods:
        for i in range(n_rel):
            rel_rows.append({"model": model, "item": f"i{i:02d}", "method": m, "value": float(table[m][i])})
expected["reliability"] = {"metric": "deletion", "top1": top1, "values": rel_rows, "nr_items": int(nr_idx.sum()), "ar_items": int(ar_idx.sum()),
                           "iac_nr": iac_nr, "iac_ar": iac_ar, "iec_nr": iec_nr, "iec_ar": iec_ar}

with open(f"{out_dir}/rank-analysis.expected.json", "w") as f:
    json.dump(expected, f, indent=1)
    f.write("\n")
print("wrote", len(rows), "values")
