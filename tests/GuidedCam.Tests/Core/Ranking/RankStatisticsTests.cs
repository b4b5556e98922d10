using System.Text.Json;
using GuidedCam.Core.Ranking;

namespace GuidedCam.Tests.Core.Ranking;

/// <summary>
/// Every rank statistic against the reference implementation on seeded cases with ties: the expected values
/// were computed by scipy 1.10.1 (friedmanchisquare, wilcoxon at its defaults and with zero_method='zsplit',
/// kendalltau, rankdata, chi2.sf, studentized_range.ppf) and statsmodels 0.13.5 (multipletests, method='holm')
/// by scripts/golden/make_rank_stats.py, stored in rank-stats.golden.json beside this file.
/// </summary>
public sealed class RankStatisticsTests
{
    private const double Tolerance = 1e-9;
    private static readonly JsonElement Golden = JsonDocument.Parse(File.ReadAllText(
        Path.Combine(SharedPaths.RepoRoot, "tests", "GuidedCam.Tests", "Core", "Ranking", "rank-stats.golden.json"))).RootElement;

    private static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();
    private static IEnumerable<JsonElement> Cases(string name) => Golden.GetProperty(name).EnumerateArray();

    private static void Near(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= Tolerance, $"{what}: expected {expected:R}, got {actual:R}");

    [Fact]
    public void Average_ranks_equal_scipy_rankdata()
    {
        foreach (var c in Cases("rankdata"))
            Assert.Equal(Doubles(c.GetProperty("ranks")), AverageRanks.Of(Doubles(c.GetProperty("values"))));
    }

    [Fact]
    public void Friedman_statistic_and_p_equal_scipy_friedmanchisquare()
    {
        int i = 0;
        foreach (var c in Cases("friedman"))
        {
            var blocks = c.GetProperty("blocks").EnumerateArray().Select(b => (IReadOnlyList<double>)Doubles(b)).ToList();
            var r = FriedmanTest.Compute(blocks);
            Near(c.GetProperty("statistic").GetDouble(), r.Statistic, $"friedman {i} statistic");
            Near(c.GetProperty("p").GetDouble(), r.PValue, $"friedman {i} p");
            i++;
        }
    }

    [Fact]
    public void Wilcoxon_statistic_and_p_equal_scipy_wilcoxon_for_both_zero_methods()
    {
        int i = 0;
        foreach (var c in Cases("wilcoxon"))
        {
            var x = Doubles(c.GetProperty("x"));
            var y = Doubles(c.GetProperty("y"));
            var r = WilcoxonSignedRankTest.Compute(x, y);
            Near(c.GetProperty("statistic").GetDouble(), r.Statistic, $"wilcoxon {i} statistic");
            Near(c.GetProperty("p").GetDouble(), r.PValue, $"wilcoxon {i} p");
            var z = WilcoxonSignedRankTest.Compute(x, y, WilcoxonZeros.Split);
            Near(c.GetProperty("zsplit_statistic").GetDouble(), z.Statistic, $"wilcoxon {i} zsplit statistic");
            Near(c.GetProperty("zsplit_p").GetDouble(), z.PValue, $"wilcoxon {i} zsplit p");
            i++;
        }
    }

    [Fact]
    public void Holm_adjustment_and_decisions_equal_statsmodels_multipletests()
    {
        int i = 0;
        foreach (var c in Cases("holm"))
        {
            var p = Doubles(c.GetProperty("p"));
            var adjusted = HolmCorrection.Adjust(p);
            var expected = Doubles(c.GetProperty("adjusted"));
            for (int j = 0; j < p.Length; j++) Near(expected[j], adjusted[j], $"holm {i}[{j}]");
            Assert.Equal(c.GetProperty("reject").EnumerateArray().Select(v => v.GetBoolean()), HolmCorrection.Reject(p, c.GetProperty("alpha").GetDouble()));
            i++;
        }
    }

    [Fact]
    public void Kendall_tau_b_and_p_equal_scipy_kendalltau()
    {
        int i = 0;
        foreach (var c in Cases("kendall"))
        {
            var r = KendallTauB.Compute(Doubles(c.GetProperty("x")), Doubles(c.GetProperty("y")));
            Near(c.GetProperty("tau").GetDouble(), r.Tau, $"kendall {i} tau");
            Near(c.GetProperty("p").GetDouble(), r.PValue, $"kendall {i} p");
            i++;
        }
    }

    [Fact]
    public void Chi_square_survival_equals_scipy_chi2_sf()
    {
        foreach (var c in Cases("chi2_sf"))
            Near(c.GetProperty("sf").GetDouble(), SpecialFunctions.ChiSquareSf(c.GetProperty("x").GetDouble(), c.GetProperty("df").GetDouble()), $"chi2 sf {c}");
    }

    [Fact]
    public void Nemenyi_q_equals_scipy_studentized_range_for_k_2_to_20()
    {
        foreach (var c in Cases("studentized_range"))
        {
            int k = c.GetProperty("k").GetInt32();
            double alpha = c.GetProperty("alpha").GetDouble();
            Near(c.GetProperty("q").GetDouble(), StudentizedRange.Quantile(1 - alpha, k), $"studentized range k={k} alpha={alpha}");
            Near(c.GetProperty("q_alpha").GetDouble(), NemenyiTest.CriticalQ(k, alpha), $"q_alpha k={k} alpha={alpha}");
        }
        // Demšar 2006, Table 5(a) prints q_0.05 = 3.164 for k = 10; CD = q_α·√(k(k+1)/(6N)), here N = 14.
        Assert.Equal(3.164, NemenyiTest.CriticalQ(10, 0.05), 3);
        Assert.Equal(NemenyiTest.CriticalQ(10, 0.05) * Math.Sqrt(110.0 / 84), NemenyiTest.CriticalDifference(10, 14, 0.05), 12);
    }
}
