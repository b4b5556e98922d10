using GuidedCam.Metrics;
using ScottPlot;

namespace GuidedCam.Harness.Results.Exporters;

/// <summary>
/// The model-parameter randomisation curves (Adebayo et al. 2018, Fig. 2/4 style): for each
/// (model, dataset, options) of `model-randomisation`, one figure with one line per method,
/// x = number of layers randomised from the output (depth), y = mean similarity of the randomised
/// model's map to the trained model's map over the units. The trained model (depth 0) is drawn at 1.
/// A method that passes falls fast towards 0; a map that ignores the model (the centre baseline)
/// stays at 1.
/// </summary>
public sealed class RandomisationCurveExporter : IExporter
{
    public string Name => "randomisation curves";

    public IReadOnlyList<string> Export(RunResults results, string reportDir)
    {
        string dir = Path.Combine(reportDir, "figures");
        Directory.CreateDirectory(dir);
        var files = new List<string>();
        var groups = results.Records.Where(r => r.Metric == ModelRandomisationMetric.MetricId && r.Curve is { Length: >= 1 })
            .GroupBy(r => (r.Model, r.Dataset, r.MetricOptions))
            .OrderBy(g => g.Key.Model, StringComparer.Ordinal).ThenBy(g => g.Key.Dataset, StringComparer.Ordinal).ThenBy(g => g.Key.MetricOptions, StringComparer.Ordinal);
        foreach (var g in groups)
        {
            var (model, dataset, options) = g.Key;
            var info = results.Metric(ModelRandomisationMetric.MetricId, options);
            var parsed = MetricInfo.ParseOptions(options);
            var plt = FigureStyle.NewPlot();
            var methods = g.GroupBy(r => (r.Method, r.MethodOptions))
                .OrderBy(m => m.Key.Method == results.ReferenceMethod ? 0 : 1).ThenBy(m => m.Key.Method, StringComparer.Ordinal).ThenBy(m => m.Key.MethodOptions, StringComparer.Ordinal).ToList();
            int maxDepth = 1;
            for (int i = 0; i < methods.Count; i++)
            {
                var curves = methods[i].Select(r => r.Curve!).ToList();
                int points = curves.Min(c => c.Length);
                var xs = new List<double> { 0 };
                var ys = new List<double> { 1 };
                for (int p = 0; p < points; p++)
                {
                    xs.Add(ModelRandomisationMetric.DepthOfPoint(parsed, p));
                    ys.Add(curves.Average(c => c[p]));
                }
                maxDepth = Math.Max(maxDepth, (int)xs[^1]);
                var line = plt.Add.ScatterLine(xs.ToArray(), ys.ToArray());
                line.LineWidth = 2.5f;
                line.MarkerSize = 6;
                line.Color = FigureStyle.MethodColor(i);
                line.LegendText = $"{results.MethodLabel(model, dataset, methods[i].Key.Method, methods[i].Key.MethodOptions)} (n = {curves.Count})";
            }
            plt.ShowLegend(Alignment.LowerLeft);
            plt.Axes.SetLimitsX(0, maxDepth);
            plt.Axes.Margins(bottom: 0.05, top: 0.1);
            string mode = parsed.TryGetValue(ModelRandomisationMetric.ModeKey, out var m) ? m : ModelRandomisationMetric.Cascading;
            plt.XLabel(mode == ModelRandomisationMetric.Independent
                ? "Layer randomised alone (1 = the output layer)"
                : "Layers randomised, from the output towards the input (0 = trained model)");
            plt.YLabel($"Similarity to the trained model's map ({info.Unit})");
            plt.Title($"{info.DisplayName} {info.Arrow} — {model} on {dataset}");
            string path = Path.Combine(dir, FigureStyle.FileName("randomisation", model, dataset, results.MetricFileTag(model, dataset, ModelRandomisationMetric.MetricId, options)));
            plt.SavePng(path, FigureStyle.Width, FigureStyle.Height);
            files.Add(path);
        }
        return files;
    }
}
