using ScottPlot;

namespace GuidedCam.Harness.Results.Exporters;

/// <summary>
/// Mean deletion / insertion curves (RISE, Petsiuk et al. 2018, Fig. 3): for each metric that stores
/// curves, one figure per (model, dataset) with one line per method, x = fraction of pixels changed
/// (point t of n at t/n), y = mean p_c over the units at that point. A metric that places its points
/// elsewhere (ROAD: one point per percentile) says so through <see cref="GuidedCam.Metrics.ICurveAxis"/>.
/// </summary>
public sealed class CurveExporter : IExporter
{
    public string Name => "mean curves";

    public IReadOnlyList<string> Export(RunResults results, string reportDir)
    {
        string dir = Path.Combine(reportDir, "figures");
        Directory.CreateDirectory(dir);
        var files = new List<string>();
        // Randomisation curves are similarity against depth, not p_c against pixels: RandomisationCurveExporter draws them.
        var groups = results.Records.Where(r => r.Curve is { Length: >= 2 } && r.Metric != GuidedCam.Metrics.ModelRandomisationMetric.MetricId)
            .GroupBy(r => (r.Model, r.Dataset, r.Metric, r.MetricOptions))
            .OrderBy(g => g.Key.Model, StringComparer.Ordinal).ThenBy(g => g.Key.Dataset, StringComparer.Ordinal).ThenBy(g => g.Key.Metric, StringComparer.Ordinal);
        foreach (var g in groups)
        {
            var (model, dataset, metric, options) = g.Key;
            var info = results.Metric(metric, options);
            var plt = FigureStyle.NewPlot();
            var methods = g.GroupBy(r => (r.Method, r.MethodOptions))
                .OrderBy(m => m.Key.Method == results.ReferenceMethod ? 0 : 1).ThenBy(m => m.Key.Method, StringComparer.Ordinal).ThenBy(m => m.Key.MethodOptions, StringComparer.Ordinal).ToList();
            for (int i = 0; i < methods.Count; i++)
            {
                var curves = methods[i].Select(r => r.Curve!).ToList();
                double[] mean = MeanCurve(curves);
                double[] xs = info.CurveAxis is { } axis && axis.CurvePositions.Count == mean.Length
                    ? axis.CurvePositions.ToArray()
                    : Enumerable.Range(0, mean.Length).Select(t => (double)t / (mean.Length - 1)).ToArray();
                var line = plt.Add.ScatterLine(xs, mean);
                line.LineWidth = 2.5f;
                line.Color = FigureStyle.MethodColor(i);
                line.LegendText = $"{results.MethodLabel(model, dataset, methods[i].Key.Method, methods[i].Key.MethodOptions)} (n = {curves.Count})";
            }
            // Insertion curves rise to the top right and deletion curves fall to the bottom right: put the legend where they are not.
            plt.ShowLegend(metric.Contains("insertion", StringComparison.Ordinal) ? Alignment.LowerRight : Alignment.UpperRight);
            plt.Axes.Margins(bottom: 0.02, top: 0.1);
            if (info.CurveAxis is { } custom)
            {
                plt.Axes.SetLimitsX(custom.CurvePositions.Min(), custom.CurvePositions.Max());
                plt.XLabel(custom.CurveXLabel);
                plt.YLabel(custom.CurveYLabel);
            }
            else
            {
                plt.Axes.SetLimitsX(0, 1);
                string verb = metric.Contains("insertion", StringComparison.Ordinal) ? "inserted" : metric.Contains("deletion", StringComparison.Ordinal) ? "deleted" : "changed";
                plt.XLabel($"Fraction of pixels {verb} (most salient first)");
                plt.YLabel("p_c: softmax probability of the explained class");
            }
            plt.Title($"{info.DisplayName} {info.Arrow} — mean curve, {model} on {dataset}");
            string path = Path.Combine(dir, FigureStyle.FileName("curve", model, dataset, results.MetricFileTag(model, dataset, metric, options)));
            plt.SavePng(path, FigureStyle.Width, FigureStyle.Height);
            files.Add(path);
        }
        return files;
    }

    /// <summary>
    /// Pointwise mean of the curves. Curves of different lengths (different image sizes or steps) are
    /// first resampled by linear interpolation onto the longest curve's grid on [0, 1].
    /// </summary>
    public static double[] MeanCurve(IReadOnlyList<double[]> curves)
    {
        int n = curves.Max(c => c.Length);
        var sum = new double[n];
        foreach (var c in curves)
            for (int t = 0; t < n; t++)
                sum[t] += c.Length == n ? c[t] : Interpolate(c, (double)t / (n - 1));
        for (int t = 0; t < n; t++) sum[t] /= curves.Count;
        return sum;
    }

    private static double Interpolate(double[] c, double x)
    {
        double pos = x * (c.Length - 1);
        int lo = Math.Min((int)Math.Floor(pos), c.Length - 1);
        int hi = Math.Min(lo + 1, c.Length - 1);
        return c[lo] + (pos - lo) * (c[hi] - c[lo]);
    }
}
