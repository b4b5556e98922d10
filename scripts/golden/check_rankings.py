#!/usr/bin/python3
"""Recompute a report's rank statistics with scipy and statsmodels and compare them with its CSV files.

    /usr/bin/python3 scripts/golden/check_rankings.py RUN_DIR [--tol 1e-9]

Reads RUN_DIR/items.csv, ranks.csv, pairs.csv and agreement.csv (docs/rankings.md describes them) and checks:
- every block's Friedman statistic and p (scipy.stats.friedmanchisquare on the units all methods evaluated),
  its mean ranks (scipy.stats.rankdata per unit, 1 = best) and Nemenyi's CD
  (scipy.stats.studentized_range.ppf(1 − α, k, inf)/√2 · √(k(k+1)/(6n)));
- every block pair's Wilcoxon p (scipy.stats.wilcoxon, defaults) and Holm p and decision
  (statsmodels multipletests(method='holm')) over the block's pairs;
- every across-block scope: Friedman on the blocks' ranks, Wilcoxon + Holm on them, Nemenyi's CD;
- every agreement pair: scipy.stats.kendalltau of the two metrics' mean_rank columns.
Prints the largest difference per kind and exits 1 when one exceeds the tolerance.
"""
import argparse
import csv
import math
import sys
import warnings
from collections import defaultdict

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

warnings.simplefilter("ignore")
ap = argparse.ArgumentParser()
ap.add_argument("run")
ap.add_argument("--tol", type=float, default=1e-9)
args = ap.parse_args()


def read(name):
    with open(f"{args.run}/{name}", newline="") as f:
        return list(csv.DictReader(f))


def num(s):
    return float("nan") if s == "" else float(s)


items = read("items.csv")
ranks = read("ranks.csv")
pairs = read("pairs.csv")
agreement = read("agreement.csv")
worst = defaultdict(float)


def check(kind, expected, actual):
    if math.isnan(expected) and math.isnan(actual):
        return
    d = abs(expected - actual)
    if math.isnan(d):
        d = float("inf")
    worst[kind] = max(worst[kind], d)


def unstrip(s):  # SpreadsheetSafe prefixes text starting with = + - @ by an apostrophe
    return s[1:] if s.startswith("'") else s


values = defaultdict(dict)  # (model, dataset, metric, mopts) -> {(method, opts): {(item, target): value}}
for r in items:
    if r["value"] == "":
        continue
    key = tuple(unstrip(r[c]) for c in ("model", "dataset", "metric", "metric_options"))
    values[key].setdefault((unstrip(r["method"]), unstrip(r["method_options"])), {})[(r["item"], r["target"])] = float(r["value"])

blocks = defaultdict(list)
for r in ranks:
    if r["scope"] == "block":
        blocks[(r["model"], r["dataset"], r["metric"], r["metric_options"])].append(r)

for key, rows in blocks.items():
    higher = rows[0]["direction"] == "higher"
    methods = [(r["method"], r["method_options"]) for r in rows]
    per = values[key]
    units = sorted(set.intersection(*[set(per[m]) for m in methods]))
    data = np.array([[per[m][u] for m in methods] for u in units])
    oriented = -data if higher else data
    unit_ranks = np.array([stats.rankdata(row) for row in oriented])
    for j, r in enumerate(rows):
        check("block mean rank", unit_ranks[:, j].mean(), num(r["mean_rank"]))
    k, n = len(methods), len(units)
    if k >= 3:
        chi, p = stats.friedmanchisquare(*[data[:, j] for j in range(k)])
        check("block friedman chi2", chi, num(rows[0]["friedman_chi2"]))
        check("block friedman p", p, num(rows[0]["friedman_p"]))
    alpha = num(rows[0]["alpha"])
    q = stats.studentized_range.ppf(1 - alpha, k, np.inf) / math.sqrt(2)
    check("nemenyi cd", q * math.sqrt(k * (k + 1) / (6 * n)), num(rows[0]["nemenyi_cd"]))
    block_pairs = [p for p in pairs if p["scope"] == "block" and (p["model"], p["dataset"], p["metric"], p["metric_options"]) == key]
    ps = []
    for p in block_pairs:
        a, b = (p["method_a"], p["method_a_options"]), (p["method_b"], p["method_b_options"])
        shared = sorted(set(per[a]) & set(per[b]))
        x = np.array([per[a][u] for u in shared])
        y = np.array([per[b][u] for u in shared])
        pv = stats.wilcoxon(x, y).pvalue if np.any(x != y) else 1.0
        ps.append(pv)
        check("block wilcoxon p", pv, num(p["wilcoxon_p"]))
    if ps:
        reject, adj, _, _ = multipletests(ps, alpha=alpha, method="holm")
        for p, e, rj in zip(block_pairs, adj, reject):
            check("block holm p", e, num(p["holm_p"]))
            check("block holm reject", float(rj), float(p["holm_reject"] == "true"))

for scope in ("experiment", "config"):
    groups = defaultdict(list)
    for r in ranks:
        if r["scope"] == scope:
            groups[(r["model"], r["dataset"])].append(r)
    for (model, dataset), rows in groups.items():
        methods = [(r["method"], r["method_options"]) for r in rows]
        scope_blocks = [b for b in blocks if scope == "config" or (b[0], b[1]) == (model, dataset)]
        table = []
        for b in scope_blocks:
            brows = {(r["method"], r["method_options"]): r for r in blocks[b]}
            means = np.array([num(brows[m]["mean"]) for m in methods])
            table.append(stats.rankdata(-means if blocks[b][0]["direction"] == "higher" else means))
        table = np.array(table)
        for j, r in enumerate(rows):
            check(f"{scope} mean rank", table[:, j].mean(), num(r["mean_rank"]))
        k, n = len(methods), len(scope_blocks)
        if k >= 3:
            chi, p = stats.friedmanchisquare(*[table[:, j] for j in range(k)])
            check(f"{scope} friedman chi2", chi, num(rows[0]["friedman_chi2"]))
            check(f"{scope} friedman p", p, num(rows[0]["friedman_p"]))
        alpha = num(rows[0]["alpha"])
        q = stats.studentized_range.ppf(1 - alpha, k, np.inf) / math.sqrt(2)
        check(f"{scope} nemenyi cd", q * math.sqrt(k * (k + 1) / (6 * n)), num(rows[0]["nemenyi_cd"]))
        scope_pairs = [p for p in pairs if p["scope"] == scope and (p["model"], p["dataset"]) == (model, dataset)]
        ps = []
        for p in scope_pairs:
            a, b = methods.index((p["method_a"], p["method_a_options"])), methods.index((p["method_b"], p["method_b_options"]))
            x, y = table[:, a], table[:, b]
            pv = stats.wilcoxon(x, y).pvalue if np.any(x != y) else 1.0
            ps.append(pv)
            check(f"{scope} wilcoxon p", pv, num(p["wilcoxon_p"]))
        if ps:
            reject, adj, _, _ = multipletests(ps, alpha=alpha, method="holm")
            for p, e, rj in zip(scope_pairs, adj, reject):
                check(f"{scope} holm p", e, num(p["holm_p"]))
                check(f"{scope} holm reject", float(rj), float(p["holm_reject"] == "true"))

for a in agreement:
    if a["kind"] != "pair":
        continue
    ra = {(r["method"], r["method_options"]): num(r["mean_rank"]) for r in blocks[(a["model"], a["dataset"], a["metric_a"], a["metric_a_options"])]}
    rb = {(r["method"], r["method_options"]): num(r["mean_rank"]) for r in blocks[(a["model"], a["dataset"], a["metric_b"], a["metric_b_options"])]}
    shared = sorted(set(ra) & set(rb))
    tau, p = stats.kendalltau([ra[m] for m in shared], [rb[m] for m in shared])
    check("kendall tau-b", tau, num(a["tau_b"]))
    check("kendall p", p, num(a["p"]))

bad = False
for kind, d in sorted(worst.items()):
    flag = "FAIL" if d > args.tol else "ok"
    bad |= d > args.tol
    print(f"{flag:4} {kind:28} max |difference| = {d:.3g}")
print(f"{len(blocks)} blocks, {len(pairs)} pairs, {len(agreement)} agreement rows checked against scipy {stats.__name__ and __import__('scipy').__version__}")
sys.exit(1 if bad else 0)
