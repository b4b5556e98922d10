#!/usr/bin/python3
"""Reference values for GuidedCam's rank statistics (src/Core/Ranking), computed by the reference
implementations themselves: scipy.stats.friedmanchisquare, wilcoxon (defaults), kendalltau, rankdata,
studentized_range, chi2 and statsmodels' multipletests(method='holm').

Run from the repository root with Debian 12's packages (apt-get install python3-scipy python3-statsmodels):
    /usr/bin/python3 scripts/golden/make_rank_stats.py
It rewrites tests/GuidedCam.Tests/Core/Ranking/rank-stats.golden.json (the test reads it and compares to 1e-9).
Cases are seeded, so the file only changes when scipy's answers do; ties are made by rounding draws.
"""
import json
import math
import warnings

import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.multitest import multipletests

warnings.simplefilter("ignore")  # scipy warns when it switches to the normal approximation; that is a case here
rng = np.random.default_rng(20)
out = {"generator": "scripts/golden/make_rank_stats.py", "scipy": scipy.__version__, "statsmodels": statsmodels.__version__}


def draw(n, ties):
    v = rng.normal(size=n)
    return np.round(v * 2) / 2 if ties else v


out["rankdata"] = []
for n, ties in [(1, False), (5, False), (9, True), (30, True)]:
    v = draw(n, ties)
    out["rankdata"].append({"values": v.tolist(), "ranks": stats.rankdata(v).tolist()})

out["friedman"] = []
for n, k, ties in [(5, 3, False), (12, 4, True), (40, 7, True), (3, 12, False), (200, 5, True), (8, 3, True)]:
    shift = np.linspace(0, 0.6, k)
    data = np.array([draw(k, ties) + shift for _ in range(n)])
    if ties:
        data = np.round(data)
    chi, p = stats.friedmanchisquare(*[data[:, j] for j in range(k)])
    out["friedman"].append({"blocks": data.tolist(), "statistic": chi, "p": p})

out["wilcoxon"] = []
for n, kind in [(8, "plain"), (20, "ties"), (50, "plain"), (51, "plain"), (30, "zeros"), (120, "ties"), (15, "ties-zeros"), (60, "zeros"), (6, "plain")]:
    x = rng.normal(size=n)
    y = x + rng.normal(loc=0.3, size=n)
    if "ties" in kind:
        x, y = np.round(x * 2) / 2, np.round(y * 2) / 2
    if "zeros" in kind:
        y[: n // 5] = x[: n // 5]
    r = stats.wilcoxon(x, y)
    rz = stats.wilcoxon(x, y, zero_method="zsplit")
    out["wilcoxon"].append({"x": x.tolist(), "y": y.tolist(), "statistic": float(r.statistic), "p": float(r.pvalue),
                            "zsplit_statistic": float(rz.statistic), "zsplit_p": float(rz.pvalue)})

out["holm"] = []
for m in [1, 3, 10, 25]:
    p = rng.uniform(0, 0.2, size=m) ** 2
    if m >= 10:
        p[1] = p[0]  # a tie
        p[2] = 0.05 / (m - 2)  # near a boundary
    reject, adj, _, _ = multipletests(p, alpha=0.05, method="holm")
    out["holm"].append({"p": p.tolist(), "alpha": 0.05, "adjusted": adj.tolist(), "reject": reject.tolist()})

out["kendall"] = []
for n, kind in [(10, "plain"), (33, "plain"), (34, "plain"), (12, "ties"), (60, "ties"), (14, "both-ties"), (5, "reversed"), (40, "near-sorted")]:
    x = rng.normal(size=n)
    y = x + rng.normal(scale=1.0, size=n)
    if kind == "ties":
        y = np.round(y)
    if kind == "both-ties":
        x, y = np.round(x), np.round(y)
    if kind == "reversed":
        y = -x
    if kind == "near-sorted":
        y = x.copy()
        i = np.argsort(x)
        y[i[3]], y[i[4]] = y[i[4]], y[i[3]]
    tau, p = stats.kendalltau(x, y)
    out["kendall"].append({"x": x.tolist(), "y": y.tolist(), "tau": tau, "p": p})

out["chi2_sf"] = [{"x": x, "df": df, "sf": stats.chi2.sf(x, df)} for x, df in
                  [(0.5, 1), (3.2, 2), (11.07, 5), (50.0, 3), (120.0, 13), (1e-3, 4), (7.0, 19)]]

out["studentized_range"] = []
for k in range(2, 21):
    for alpha in (0.05, 0.10):
        q = stats.studentized_range.ppf(1 - alpha, k, np.inf)
        out["studentized_range"].append({"k": k, "alpha": alpha, "q": q, "q_alpha": q / math.sqrt(2)})

with open("tests/GuidedCam.Tests/Core/Ranking/rank-stats.golden.json", "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print("wrote", sum(len(v) for v in out.values() if isinstance(v, list)), "cases")
