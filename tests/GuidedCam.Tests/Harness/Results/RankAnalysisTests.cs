using System.Globalization;
using System.Text.Json;
using GuidedCam.Core.Ranking;
using GuidedCam.Harness.Results;
using GuidedCam.Metrics;

namespace GuidedCam.Tests.Harness.Results;

/// <summary>
/// <see cref="RankAnalysis"/> end to end on a seeded result set (2 datasets × 3 metrics × 5 methods × 30 items, values
/// on a 0.1 grid so units tie, one unit missing for one method): every expected number was computed by scipy 1.10.1
/// (rankdata, friedmanchisquare, wilcoxon, kendalltau, studentized_range) and statsmodels 0.13.5 (multipletests
/// 'holm') in scripts/golden/make_rank_analysis.py, which also wrote the values (rank-analysis.items.csv) and the
/// expectations (rank-analysis.expected.json) beside this file.
/// </summary>
public sealed class RankAnalysisTests
{
    private const double Tolerance = 1e-9;
    private static readonly string Dir = Path.Combine(SharedPaths.RepoRoot, "tests", "GuidedCam.Tests", "Harness", "Results");

    private static (RankAnalysis Analysis, JsonElement Expected) Compute(string postHoc = RankingOptions.WilcoxonHolm)
    {
        var records = File.ReadAllLines(Path.Combine(Dir, "rank-analysis.items.csv")).Skip(1).Select(line => line.Split(','))
            .Select(c => new ResultRecord(c[0], c[1], c[2], 0, null, c[3], "", c[4], "", double.Parse(c[5], CultureInfo.InvariantCulture), false, null)).ToList();
        MetricInfo Info(string id, string options) => MetricInfo.Resolve(id, options);
        var bootstrap = new Bootstrap(resamples: 200);
        var summary = SummaryTable.Compute(records, Info, bootstrap, referenceMethod: "m1");
        var analysis = RankAnalysis.Compute(records, summary, Info, m => m.Method == "m5", bootstrap, new RankingOptions(postHoc));
        var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "rank-analysis.expected.json"))).RootElement;
        return (analysis, expected);
    }

    private static void Near(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= Tolerance, $"{what}: expected {expected:R}, got {actual:R}");

    private static PairComparison PairOf(IReadOnlyList<PairComparison> pairs, string a, string b) =>
        pairs.Single(p => (p.A.Method == a && p.B.Method == b) || (p.A.Method == b && p.B.Method == a));

    [Fact]
    public void Block_ranks_Friedman_and_Wilcoxon_Holm_pairs_equal_scipy_and_statsmodels()
    {
        var (analysis, expected) = Compute();
        foreach (var e in expected.GetProperty("blocks").EnumerateArray())
        {
            string dataset = e.GetProperty("dataset").GetString()!, metric = e.GetProperty("metric").GetString()!;
            var block = analysis.Blocks.Single(b => b.Key.Dataset == dataset && b.Key.Metric == metric);
            string where = $"{dataset}/{metric}";
            Assert.Equal(e.GetProperty("units").GetInt32(), block.Units);
            Near(e.GetProperty("friedman_chi2").GetDouble(), block.Friedman!.Statistic, where + " friedman");
            Near(e.GetProperty("friedman_p").GetDouble(), block.Friedman.PValue, where + " friedman p");
            foreach (var m in e.GetProperty("mean_ranks").EnumerateObject())
                Near(m.Value.GetDouble(), block.Methods.Single(r => r.Method.Method == m.Name).MeanRank, $"{where} mean rank {m.Name}");
            foreach (var p in e.GetProperty("pairs").EnumerateArray())
            {
                var pair = PairOf(block.Pairs, p.GetProperty("a").GetString()!, p.GetProperty("b").GetString()!);
                Assert.Equal(p.GetProperty("n").GetInt32(), pair.Count);
                Near(p.GetProperty("p").GetDouble(), pair.WilcoxonP, $"{where} wilcoxon {pair.A}-{pair.B}");
                Near(p.GetProperty("holm_p").GetDouble(), pair.HolmP, $"{where} holm {pair.A}-{pair.B}");
                Assert.Equal(p.GetProperty("reject").GetBoolean(), pair.HolmReject);
                // numpy mean of a − numpy mean of b on the shared units (the metric's accumulator is a plain mean).
                double sign = pair.A.Method == p.GetProperty("a").GetString() ? 1 : -1;
                Near(p.GetProperty("diff").GetDouble(), sign * pair.Difference, $"{where} diff {pair.A}-{pair.B}");
            }
        }
    }

    [Fact]
    public void Ranks_across_metrics_Friedman_Nemenyi_and_post_hoc_equal_scipy_and_statsmodels()
    {
        foreach (string postHoc in RankingOptions.PostHocTests)
        {
            var (analysis, expected) = Compute(postHoc);
            foreach (var e in expected.GetProperty("experiments").EnumerateArray())
            {
                string dataset = e.GetProperty("dataset").GetString()!;
                var across = analysis.Across.Single(a => a.Scope == AcrossBlocks.ExperimentScope && a.Dataset == dataset);
                Assert.Equal(3, across.Blocks.Count);
                Near(e.GetProperty("friedman_chi2").GetDouble(), across.Friedman!.Statistic, dataset + " friedman");
                Near(e.GetProperty("friedman_p").GetDouble(), across.Friedman.PValue, dataset + " friedman p");
                Near(e.GetProperty("nemenyi_cd").GetDouble(), across.CriticalDifference, dataset + " CD");
                foreach (var m in e.GetProperty("mean_ranks").EnumerateObject())
                    Near(m.Value.GetDouble(), across.Methods.Single(r => r.Method.Method == m.Name).MeanRank, $"{dataset} mean rank {m.Name}");
                foreach (var p in e.GetProperty("pairs").EnumerateArray())
                {
                    var pair = PairOf(across.Pairs, p.GetProperty("a").GetString()!, p.GetProperty("b").GetString()!);
                    Near(p.GetProperty("p").GetDouble(), pair.WilcoxonP, $"{dataset} wilcoxon {pair.A}-{pair.B}");
                    Near(p.GetProperty("holm_p").GetDouble(), pair.HolmP, $"{dataset} holm {pair.A}-{pair.B}");
                    Assert.Equal(p.GetProperty("reject").GetBoolean(), pair.HolmReject);
                    Assert.Equal(Math.Abs(pair.MeanRankA - pair.MeanRankB) >= across.CriticalDifference, pair.NemenyiReject);
                    Assert.Equal(postHoc == RankingOptions.Nemenyi ? pair.NemenyiReject : pair.HolmReject, pair.Significant);
                }
            }
            // The config scope spans both datasets' six blocks.
            Assert.Equal(6, analysis.Across.Single(a => a.Scope == AcrossBlocks.ConfigScope).Blocks.Count);
        }
    }

    [Fact]
    public void Agreement_is_Kendall_tau_b_of_the_metrics_mean_ranks_as_scipy()
    {
        var (analysis, expected) = Compute();
        foreach (var e in expected.GetProperty("agreement").EnumerateArray())
        {
            string ma = e.GetProperty("a").GetString()!, mb = e.GetProperty("b").GetString()!;
            // τ-b is symmetric: the analysis lists each pair once, in ordinal order of the metric ids.
            var a = analysis.Agreement.Single(x => x.Dataset == e.GetProperty("dataset").GetString() && ((x.MetricA == ma && x.MetricB == mb) || (x.MetricA == mb && x.MetricB == ma)));
            Near(e.GetProperty("tau").GetDouble(), a.Tau, $"tau {a.MetricA}-{a.MetricB}");
            Near(e.GetProperty("p").GetDouble(), a.P, $"p {a.MetricA}-{a.MetricB}");
        }
        // Consistency: each metric has one block per dataset, so one pair of blocks.
        Assert.All(analysis.Consistency, c => Assert.Equal((2, 1), (c.Blocks, c.Pairs)));
    }

    [Fact]
    public void Sanity_counts_how_often_the_baseline_is_below_every_real_method()
    {
        // m5 is declared the baseline and is the worst by construction (skill 0.32 worse than m1 in every metric).
        var (analysis, _) = Compute();
        Assert.Equal(6, analysis.Sanity.Count);
        foreach (var s in analysis.Sanity)
        {
            Assert.Equal("m5", s.Baseline.Method);
            Assert.Equal(4, s.RealMethods);
            Assert.InRange(s.UnitsBelowAll, 0, s.PairsBelow); // below all four on a unit implies all four pairs
            Assert.Equal(s.MeanRank > s.WorstRealMeanRank, s.BelowAll);
        }
    }

    [Fact]
    public void MetaQuantus_IAC_and_IEC_equal_the_reference_computation()
    {
        // Expected values: scripts/golden/make_rank_analysis.py, MetaQuantus' meta_evaluation.py formulas with
        // scipy.stats.wilcoxon(zero_method='zsplit') and numpy argsort, on its seeded 4 methods × 12 items.
        var e = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "rank-analysis.expected.json"))).RootElement.GetProperty("reliability");
        string metric = e.GetProperty("metric").GetString()!;
        var records = e.GetProperty("values").EnumerateArray().Select(v => new ResultRecord(v.GetProperty("model").GetString()!, "d", v.GetProperty("item").GetString()!, 0, null,
            v.GetProperty("method").GetString()!, "", metric, "", v.GetProperty("value").GetDouble(), false, null)).ToList();
        var items = records.Select(r => r.ItemId).Distinct().ToArray();
        var view = new RunView(
            [
                new ViewEntry("base", "kb"),
                new ViewEntry("res", "kr") { Perturbation = new ViewPerturbation("kb", 0.001, 0, 1, MetricReliability.Resilience) },
                // Copies without a named test: the larger σ (adv) is the adversary, the smaller (res2) resilience;
                // res2 has no cells in the journal, so it adds nothing.
                new ViewEntry("adv", "ka") { Perturbation = new ViewPerturbation("kb", 2.0, 0, 1, "") },
                new ViewEntry("res2", "kr2") { Perturbation = new ViewPerturbation("kb", 0.5, 0, 2, "") },
            ],
            [new ViewDataset("d", "kd", items)], [], [], 0);
        var predictions = new Dictionary<(string, string), IReadOnlyDictionary<string, long>>();
        foreach (var m in e.GetProperty("top1").EnumerateObject())
            predictions[(m.Name, "d")] = m.Value.EnumerateArray().Select((t, i) => (items[i], (long)t.GetInt32())).ToDictionary(x => x.Item1, x => x.Item2);
        var r = Assert.Single(MetricReliability.Compute(records, view, predictions, (id, options) => MetricInfo.Resolve(id, options)));
        Assert.Equal(("base", "d", 4), (r.Model, r.Dataset, r.Methods));
        Assert.Equal((1, e.GetProperty("nr_items").GetInt32(), 1, e.GetProperty("ar_items").GetInt32()), (r.ResilienceCopies, r.ResilienceItems, r.AdversaryCopies, r.AdversaryItems));
        Near(e.GetProperty("iac_nr").GetDouble(), r.IacNr, "IAC_NR");
        Near(e.GetProperty("iac_ar").GetDouble(), r.IacAr, "IAC_AR");
        Near(e.GetProperty("iec_nr").GetDouble(), r.IecNr, "IEC_NR");
        Near(e.GetProperty("iec_ar").GetDouble(), r.IecAr, "IEC_AR");
        Near((r.IacNr + r.IacAr + r.IecNr + r.IecAr) / 4, r.MC, "MC");
    }
}
