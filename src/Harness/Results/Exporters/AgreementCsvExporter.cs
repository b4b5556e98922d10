namespace GuidedCam.Harness.Results.Exporters;

/// <summary>
/// agreement.csv (columns in docs/rankings.md). kind "pair": Kendall's τ-b between the mean_rank columns of
/// ranks.csv of two metrics on one model and dataset (n = methods both ranked) and its two-sided p-value
/// (scipy.stats.kendalltau's). kind "consistency": one metric's mean τ-b between its rankings on every pair of its
/// blocks (n = block pairs, blocks = the metric's blocks, min and max τ-b).
/// </summary>
public sealed class AgreementCsvExporter() : CsvTableExporter(FileName)
{
    public const string FileName = "agreement.csv";

    protected override IReadOnlyList<string> Header { get; } =
        ["kind", "model", "dataset", "metric_a", "metric_a_options", "metric_b", "metric_b_options", "n", "tau_b", "p", "blocks", "min_tau_b", "max_tau_b"];

    protected override IEnumerable<string[]> Rows(RunResults results)
    {
        foreach (var a in results.Rankings.Agreement)
            yield return ["pair", T(a.Model), T(a.Dataset), T(a.MetricA), T(a.MetricAOptions), T(a.MetricB), T(a.MetricBOptions), I(a.Methods), N(a.Tau), N(a.P), "", "", ""];
        foreach (var c in results.Rankings.Consistency)
            yield return ["consistency", "", "", T(c.Metric), T(c.MetricOptions), "", "", I(c.Pairs), N(c.MeanTau), "", I(c.Blocks), N(c.MinTau), N(c.MaxTau)];
    }
}
