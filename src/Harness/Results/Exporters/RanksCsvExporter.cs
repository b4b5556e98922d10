using GuidedCam.Metrics;

namespace GuidedCam.Harness.Results.Exporters;

/// <summary>
/// ranks.csv (columns in docs/rankings.md): one row per method and scope. scope "block": a (model, dataset,
/// metric), n = units every method evaluated, k = methods, the mean rank over units with its bootstrap interval,
/// the headline value and the method's rank by it (block_rank), Friedman over the units, Nemenyi's CD for n and
/// k, and the Wilcoxon–Holm comparison with the block's best method. scope "experiment" (one model and dataset,
/// across its metrics) and "config" (every block): n = blocks, the mean of block ranks, Friedman over blocks,
/// Nemenyi's CD and the post-hoc comparison with the best method.
/// </summary>
public sealed class RanksCsvExporter() : CsvTableExporter(FileName)
{
    public const string FileName = "ranks.csv";

    protected override IReadOnlyList<string> Header { get; } =
    [
        "scope", "model", "dataset", "metric", "metric_options", "direction", "method", "method_options", "n", "k", "mean_rank", "rank_ci_low", "rank_ci_high",
        "mean", "block_rank", "friedman_chi2", "friedman_df", "friedman_p", "nemenyi_cd", "alpha", "post_hoc", "best_method", "best_method_options",
        "wilcoxon_p_vs_best", "holm_p_vs_best", "worse_than_best",
    ];

    protected override IEnumerable<string[]> Rows(RunResults results)
    {
        var r = results.Rankings;
        double alpha = r.Options.Alpha;
        foreach (var block in r.Blocks)
        {
            var best = block.Methods[0].Method;
            int k = block.Methods.Count;
            double cd = Core.Ranking.NemenyiTest.CriticalDifference(k, block.Units, alpha);
            foreach (var m in block.Methods)
            {
                var pair = m.Method == best ? null : block.Pairs.First(p => (p.A == m.Method && p.B == best) || (p.B == m.Method && p.A == best));
                yield return
                [
                    "block", T(block.Key.Model), T(block.Key.Dataset), T(block.Key.Metric), T(block.Key.MetricOptions),
                    block.Direction == ScoreDirection.HigherIsBetter ? "higher" : "lower", T(m.Method.Method), T(m.Method.Options), I(block.Units), I(k),
                    N(m.MeanRank), N(m.CiLow), N(m.CiHigh), N(m.Mean), N(m.BlockRank),
                    N(block.Friedman?.Statistic ?? double.NaN), block.Friedman is null ? "" : I(k - 1), N(block.Friedman?.PValue ?? double.NaN), N(cd), N(alpha),
                    Core.Ranking.RankingOptions.WilcoxonHolm, T(best.Method), T(best.Options),
                    N(pair?.WilcoxonP ?? double.NaN), N(pair?.HolmP ?? double.NaN), B(pair is not null && pair.HolmReject && m.MeanRank > block.Methods[0].MeanRank),
                ];
            }
        }
        foreach (var a in r.Across)
        {
            var best = a.Methods[0].Method;
            foreach (var m in a.Methods)
                yield return
                [
                    a.Scope, T(a.Model), T(a.Dataset), "", "", "", T(m.Method.Method), T(m.Method.Options), I(a.Blocks.Count), I(a.Methods.Count),
                    N(m.MeanRank), "", "", "", "",
                    N(a.Friedman?.Statistic ?? double.NaN), a.Friedman is null ? "" : I(a.Methods.Count - 1), N(a.Friedman?.PValue ?? double.NaN), N(a.CriticalDifference), N(a.Alpha),
                    a.PostHoc, T(best.Method), T(best.Options), N(m.WilcoxonPVsBest), N(m.HolmPVsBest), B(m.WorseThanBest),
                ];
        }
    }
}
