using System.Globalization;
using CsvHelper;
using GuidedCam.Metrics;

namespace GuidedCam.Harness.Results.Exporters;

/// <summary>
/// summary.csv: one row per (model, dataset, method, metric) with the accumulator's mean/std/count,
/// the 95% bootstrap interval, the flagged count, the score direction, and the paired difference
/// with gradcam and its interval (empty for gradcam itself). Options columns keep protocols apart.
/// </summary>
public sealed class SummaryCsvExporter() : ReportFileExporter(FileName)
{
    public const string FileName = "summary.csv";

    protected override void Write(RunResults results, string path)
    {
        using (var w = CsvWriter.ToFile(path))
        {
            w.WriteRecord(new[]
            {
                "model", "dataset", "method", "method_options", "metric", "metric_options", "mean", "std", "count", "ci_low", "ci_high",
                "flagged", "direction", $"diff_vs_{results.ReferenceMethod}", "diff_ci_low", "diff_ci_high",
            });
            foreach (var r in results.Summary)
                w.WriteRecord(new[]
                {
                    SpreadsheetSafe.Text(r.Model), SpreadsheetSafe.Text(r.Dataset), SpreadsheetSafe.Text(r.Method), SpreadsheetSafe.Text(r.MethodOptions),
                    SpreadsheetSafe.Text(r.Metric), SpreadsheetSafe.Text(r.MetricOptions),
                    CsvNumbers.Format(r.Mean), CsvNumbers.Format(r.Std), r.Count.ToString(CultureInfo.InvariantCulture),
                    CsvNumbers.Format(r.CiLow), CsvNumbers.Format(r.CiHigh), r.Flagged.ToString(CultureInfo.InvariantCulture),
                    r.Direction == ScoreDirection.HigherIsBetter ? "higher" : "lower",
                    CsvNumbers.Format(r.DiffVsReference), CsvNumbers.Format(r.DiffCiLow), CsvNumbers.Format(r.DiffCiHigh),
                });
        }
    }
}
