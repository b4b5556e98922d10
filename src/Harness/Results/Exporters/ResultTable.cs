using System.Globalization;
using GuidedCam.Metrics;

namespace GuidedCam.Harness.Results.Exporters;

/// <summary>
/// The paper-style table of one (model, dataset): methods as rows, metrics as columns, best mean of
/// each column marked according to the metric's direction. Shared by results.md and report.html so
/// both show the same numbers.
/// </summary>
public sealed class ResultTable
{
    public required string Model { get; init; }
    public required string Dataset { get; init; }
    public required IReadOnlyList<string> Columns { get; init; }
    public required IReadOnlyList<string> Rows { get; init; }
    /// <summary>[row, column] cell; null when that method has no value for that metric.</summary>
    public required SummaryRow?[,] Cells { get; init; }
    public required bool[,] Best { get; init; }
    public required IReadOnlyList<string> Units { get; init; }

    public static IReadOnlyList<ResultTable> Build(RunResults results)
    {
        var tables = new List<ResultTable>();
        foreach (var (model, dataset) in results.Experiments)
        {
            var rows = results.Summary.Where(r => r.Model == model && r.Dataset == dataset).ToList();
            var methods = rows.Select(r => (r.Method, r.MethodOptions)).Distinct()
                .OrderBy(m => m.Method == results.ReferenceMethod ? 0 : 1).ThenBy(m => m.Method, StringComparer.Ordinal)
                .ThenBy(m => m.MethodOptions, StringComparer.Ordinal).ToList();
            var metrics = rows.Select(r => (r.Metric, r.MetricOptions)).Distinct()
                .OrderBy(m => results.Metric(m.Metric, m.MetricOptions).Order).ThenBy(m => m.Metric, StringComparer.Ordinal).ThenBy(m => m.MetricOptions, StringComparer.Ordinal).ToList();
            var cells = new SummaryRow?[methods.Count, metrics.Count];
            var best = new bool[methods.Count, metrics.Count];
            for (int c = 0; c < metrics.Count; c++)
            {
                for (int m = 0; m < methods.Count; m++)
                    cells[m, c] = rows.FirstOrDefault(r => r.Method == methods[m].Method && r.MethodOptions == methods[m].MethodOptions
                        && r.Metric == metrics[c].Metric && r.MetricOptions == metrics[c].MetricOptions);
                var present = Enumerable.Range(0, methods.Count).Where(m => cells[m, c] is { } s && !double.IsNaN(s.Mean)).ToList();
                if (present.Count < 2) continue;
                bool higher = cells[present[0], c]!.Direction == ScoreDirection.HigherIsBetter;
                double target = higher ? present.Max(m => cells[m, c]!.Mean) : present.Min(m => cells[m, c]!.Mean);
                foreach (int m in present) best[m, c] = cells[m, c]!.Mean == target;
            }
            tables.Add(new ResultTable
            {
                Model = model,
                Dataset = dataset,
                Rows = methods.Select(m => results.MethodLabel(model, dataset, m.Method, m.MethodOptions)).ToList(),
                Columns = metrics.Select(m => results.MetricLabel(model, dataset, m.Metric, m.MetricOptions)).ToList(),
                Units = metrics.Select(m => results.Metric(m.Metric, m.MetricOptions).Unit).ToList(),
                Cells = cells,
                Best = best,
            });
        }
        return tables;
    }

    /// <summary>A value at the precision its unit deserves: percentages to 0.1, AUCs and other fractions to 0.001.</summary>
    public static string FormatValue(double v, string unit)
    {
        if (double.IsNaN(v)) return "–";
        return v.ToString(unit == "%" ? "0.0" : "0.000", CultureInfo.InvariantCulture);
    }

    /// <summary>"12.3 [11.0, 13.5]": mean and its 95% interval.</summary>
    public static string FormatCell(SummaryRow s, string unit, string emphasis = "")
    {
        string mean = emphasis + FormatValue(s.Mean, unit) + emphasis;
        return double.IsNaN(s.CiLow) ? mean : $"{mean} [{FormatValue(s.CiLow, unit)}, {FormatValue(s.CiHigh, unit)}]";
    }

    /// <summary>"+1.2 [0.3, 2.0]": paired difference with the reference and its interval; empty for the reference.</summary>
    public static string FormatDiff(SummaryRow s, string unit)
    {
        if (double.IsNaN(s.DiffVsReference)) return "";
        string sign = s.DiffVsReference >= 0 ? "+" : "";
        return $"{sign}{FormatValue(s.DiffVsReference, unit)} [{FormatValue(s.DiffCiLow, unit)}, {FormatValue(s.DiffCiHigh, unit)}]";
    }
}
