namespace GuidedCam.Harness.Results.Exporters;

/// <summary>
/// pairs.csv (columns in docs/rankings.md): every pair of methods. scope "block": on the units both evaluated,
/// diff = headline(a) − headline(b) in the metric's unit with its paired bootstrap 95% interval, the Wilcoxon
/// signed-rank test on the unit values and Holm over the block's pairs. scope "experiment"/"config": the
/// Wilcoxon test on the two methods' block ranks, Holm over the scope's pairs, Nemenyi's CD of mean ranks;
/// `significant` is the decision of `post_hoc` at `alpha`.
/// </summary>
public sealed class PairsCsvExporter() : CsvTableExporter(FileName)
{
    public const string FileName = "pairs.csv";

    protected override IReadOnlyList<string> Header { get; } =
    [
        "scope", "model", "dataset", "metric", "metric_options", "method_a", "method_a_options", "method_b", "method_b_options", "n",
        "diff", "diff_ci_low", "diff_ci_high", "mean_rank_a", "mean_rank_b", "wilcoxon_statistic", "wilcoxon_p", "holm_p", "holm_reject",
        "nemenyi_cd", "nemenyi_reject", "post_hoc", "alpha", "significant",
    ];

    protected override IEnumerable<string[]> Rows(RunResults results)
    {
        var r = results.Rankings;
        foreach (var block in r.Blocks)
            foreach (var p in block.Pairs)
                yield return Row("block", block.Key.Model, block.Key.Dataset, block.Key.Metric, block.Key.MetricOptions, p, double.NaN, Core.Ranking.RankingOptions.WilcoxonHolm, r.Options.Alpha);
        foreach (var a in r.Across)
            foreach (var p in a.Pairs)
                yield return Row(a.Scope, a.Model, a.Dataset, "", "", p, a.CriticalDifference, a.PostHoc, a.Alpha);
    }

    private static string[] Row(string scope, string model, string dataset, string metric, string metricOptions, PairComparison p, double cd, string postHoc, double alpha) =>
    [
        scope, T(model), T(dataset), T(metric), T(metricOptions), T(p.A.Method), T(p.A.Options), T(p.B.Method), T(p.B.Options), I(p.Count),
        N(p.Difference), N(p.DiffLow), N(p.DiffHigh), N(p.MeanRankA), N(p.MeanRankB), N(p.WilcoxonStatistic), N(p.WilcoxonP), N(p.HolmP), B(p.HolmReject),
        N(cd), double.IsNaN(cd) ? "" : B(p.NemenyiReject), postHoc, N(alpha), B(p.Significant),
    ];
}
