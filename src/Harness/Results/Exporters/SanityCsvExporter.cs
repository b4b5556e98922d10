namespace GuidedCam.Harness.Results.Exporters;

/// <summary>
/// sanity.csv: per block and sanity baseline (methods of family Baseline), the share of units where the baseline
/// is strictly worse than every real method, the share of (unit, real method) pairs where it is strictly worse,
/// its mean rank against the best and worst real method's, and whether it ranks below every real method.
/// </summary>
public sealed class SanityCsvExporter() : CsvTableExporter(FileName)
{
    public const string FileName = "sanity.csv";

    protected override IReadOnlyList<string> Header { get; } =
    [
        "model", "dataset", "metric", "metric_options", "baseline", "baseline_options", "units", "real_methods", "units_below_all", "pairs_below",
        "mean_rank", "best_real_mean_rank", "worst_real_mean_rank", "below_all_real",
    ];

    protected override IEnumerable<string[]> Rows(RunResults results) =>
        results.Rankings.Sanity.Select(s => new[]
        {
            T(s.Block.Model), T(s.Block.Dataset), T(s.Block.Metric), T(s.Block.MetricOptions), T(s.Baseline.Method), T(s.Baseline.Options), I(s.Units), I(s.RealMethods),
            N(s.UnitsBelowAll), N(s.PairsBelow), N(s.MeanRank), N(s.BestRealMeanRank), N(s.WorstRealMeanRank), B(s.BelowAll),
        });
}
