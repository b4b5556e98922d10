using GuidedCam.Metrics;
using ScottPlot;

namespace GuidedCam.Harness.Results.Exporters;

/// <summary>
/// One bar chart per (model, dataset, metric): methods on the x-axis ordered by value (best first), the metric's mean as the bar,
/// the 95% bootstrap interval as a whisker (asymmetric, so drawn as lines rather than ± error bars).
/// </summary>
public sealed class BarChartExporter : FigureExporter
{
    public override string Name => "bar charts";

    protected override IEnumerable<string> Draw(RunResults results, string dir)
    {
        foreach (var t in ResultTable.Build(results))
        {
            var rows = results.Summary.Where(r => r.Model == t.Model && r.Dataset == t.Dataset).ToList();
            // Colours stay with the method (its place in the table's order), whatever its place in a chart.
            var colourOrder = rows.Select(r => (r.Method, r.MethodOptions)).Distinct()
                .OrderBy(m => m.Method == results.ReferenceMethod ? 0 : 1).ThenBy(m => m.Method, StringComparer.Ordinal).ThenBy(m => m.MethodOptions, StringComparer.Ordinal).ToList();
            foreach (var metric in rows.Select(r => (r.Metric, r.MetricOptions)).Distinct())
            {
                var info = results.Metric(metric.Metric, metric.MetricOptions);
                // Best first: bars ordered by the metric's mean in its direction (a method without a value last).
                double Key(string method, string options) => rows.FirstOrDefault(r => r.Method == method && r.MethodOptions == options
                    && r.Metric == metric.Metric && r.MetricOptions == metric.MetricOptions) is { } row && !double.IsNaN(row.Mean)
                    ? (info.Direction == ScoreDirection.HigherIsBetter ? -row.Mean : row.Mean) : double.PositiveInfinity;
                var methods = rows.Select(r => (r.Method, r.MethodOptions)).Distinct()
                    .OrderBy(m => Key(m.Method, m.MethodOptions)).ThenBy(m => m.Method, StringComparer.Ordinal).ThenBy(m => m.MethodOptions, StringComparer.Ordinal).ToList();
                var plt = FigureStyle.NewPlot();
                var ticks = new List<Tick>();
                for (int i = 0; i < methods.Count; i++)
                {
                    var s = rows.FirstOrDefault(r => r.Method == methods[i].Method && r.MethodOptions == methods[i].MethodOptions
                        && r.Metric == metric.Metric && r.MetricOptions == metric.MetricOptions);
                    ticks.Add(new Tick(i, results.MethodLabel(t.Model, t.Dataset, methods[i].Method, methods[i].MethodOptions)));
                    if (s is null || double.IsNaN(s.Mean)) continue;
                    plt.Add.Bar(new Bar { Position = i, Value = s.Mean, FillColor = FigureStyle.MethodColor(colourOrder.IndexOf(methods[i])), Size = 0.6 });
                    if (!double.IsNaN(s.CiLow))
                    {
                        AddWhisker(plt, i, s.CiLow, s.CiHigh);
                    }
                }
                plt.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
                if (methods.Count > 5)
                {
                    plt.Axes.Bottom.TickLabelStyle.Rotation = -30;
                    plt.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
                    // Room for the rotated names so they do not run into the axis title.
                    plt.Axes.Bottom.MinimumSize = 20 + 8 * methods.Max(m => results.MethodLabel(t.Model, t.Dataset, m.Method, m.MethodOptions).Length) / 2f + 30;
                }
                plt.Axes.Bottom.MajorTickStyle.Length = 0;
                plt.HideGrid();
                plt.Axes.Margins(bottom: 0);
                plt.XLabel("Method");
                plt.YLabel(results.MetricLabel(t.Model, t.Dataset, metric.Metric, metric.MetricOptions));
                plt.Title($"{info.DisplayName} {info.Arrow} — {t.Model} on {t.Dataset} (mean, 95% CI)");
                string path = Path.Combine(dir, FigureStyle.FileName("bars", t.Model, t.Dataset, results.MetricFileTag(t.Model, t.Dataset, metric.Metric, metric.MetricOptions)));
                plt.SavePng(path, FigureStyle.Width, FigureStyle.Height);
                yield return path;
            }
        }
    }

    private static void AddWhisker(Plot plt, double x, double low, double high)
    {
        const double cap = 0.12;
        foreach (var (x1, y1, x2, y2) in new[] { (x, low, x, high), (x - cap, low, x + cap, low), (x - cap, high, x + cap, high) })
        {
            var line = plt.Add.Line(x1, y1, x2, y2);
            line.LineWidth = 2;
            line.LineColor = Colors.Black;
        }
    }
}
