using GuidedCam.Metrics;
using ScottPlot;

namespace GuidedCam.Harness.Results.Exporters;

/// <summary>
/// Mean curves: for each metric that stores curves, one figure per (model, dataset, metric options) with
/// one line per method, y = mean over the units at each point. The metric says through
/// <see cref="ICurveAxis"/> where its points lie and what the axes mean: deletion/insertion (RISE,
/// Petsiuk et al. 2018, Fig. 3) at t/n of the pixels, ROAD at its percentiles, model randomisation
/// (Adebayo et al. 2018, Fig. 2) at the number of layers randomised, starting from the trained model at 1.
/// A metric that stores curves without declaring an axis is drawn on equal steps over [0, 1].
/// </summary>
public sealed class CurveExporter : FigureExporter
{
    /// <summary>Curves with at most this many points show a marker at each (each is a measured point, not a step of a long sweep).</summary>
    private const int MarkedPoints = 30;

    /// <summary>Characters of a title that fit the figure's width at <see cref="FigureStyle"/>'s size.</summary>
    private const int MaxTitleLength = 76;

    /// <summary>Lines a legend inside the axes may name; with more it stands beside the axes.</summary>
    private const int LegendInsideAtMost = 6;

    /// <summary>Pixels added to the figure's width for a legend beside the axes (the longest quickstart label fits).</summary>
    private const int LegendWidth = 300;

    public override string Name => "mean curves";

    protected override IEnumerable<string> Draw(RunResults results, string dir)
    {
        var groups = results.Records.Where(r => r.Curve is { Length: >= 1 })
            .GroupBy(r => (r.Model, r.Dataset, r.Metric, r.MetricOptions))
            .OrderBy(g => g.Key.Model, StringComparer.Ordinal).ThenBy(g => g.Key.Dataset, StringComparer.Ordinal).ThenBy(g => g.Key.Metric, StringComparer.Ordinal);
        foreach (var g in groups)
        {
            var (model, dataset, metric, options) = g.Key;
            var info = results.Metric(metric, options);
            ICurveAxis axis = info.CurveAxis ?? EqualSteps.Instance;
            var origin = axis.CurveOrigin;
            // A line needs two points: a stored one-point curve is drawn only after a declared origin.
            if (g.Max(r => r.Curve!.Length) + (origin is null ? 0 : 1) < 2) continue;
            var plt = FigureStyle.NewPlot();
            var methods = g.GroupBy(r => (r.Method, r.MethodOptions))
                .OrderBy(m => m.Key.Method == results.ReferenceMethod ? 0 : 1).ThenBy(m => m.Key.Method, StringComparer.Ordinal).ThenBy(m => m.Key.MethodOptions, StringComparer.Ordinal).ToList();
            double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity;
            for (int i = 0; i < methods.Count; i++)
            {
                var curves = methods[i].Select(r => r.Curve!).ToList();
                double[] mean = MeanCurve(curves);
                var xs = new List<double>(mean.Length + 1);
                var ys = new List<double>(mean.Length + 1);
                if (origin is { } o) { xs.Add(o.X); ys.Add(o.Y); }
                for (int t = 0; t < mean.Length; t++) { xs.Add(axis.CurvePosition(t, mean.Length)); ys.Add(mean[t]); }
                xMin = Math.Min(xMin, xs.Min());
                xMax = Math.Max(xMax, xs.Max());
                var line = plt.Add.ScatterLine(xs.ToArray(), ys.ToArray());
                line.LineWidth = 2.5f;
                if (mean.Length <= MarkedPoints) line.MarkerSize = 6;
                line.Color = FigureStyle.MethodColor(i);
                line.LegendText = $"{results.MethodLabel(model, dataset, methods[i].Key.Method, methods[i].Key.MethodOptions)} (n = {curves.Count})";
            }
            // Many lines: a legend inside the axes hides the curves it names (the sanity config's 14 methods
            // covered the first depths of the randomisation curves), so it goes beside them and the figure widens.
            bool legendBeside = methods.Count > LegendInsideAtMost;
            if (legendBeside) plt.ShowLegend(Edge.Right);
            else plt.ShowLegend(axis.LegendCorner switch
            {
                CurveLegendCorner.LowerRight => Alignment.LowerRight,
                CurveLegendCorner.LowerLeft => Alignment.LowerLeft,
                CurveLegendCorner.UpperLeft => Alignment.UpperLeft,
                _ => Alignment.UpperRight,
            });
            plt.Axes.Margins(bottom: 0.02, top: 0.1);
            if (xMax > xMin) plt.Axes.SetLimitsX(xMin, xMax);
            plt.XLabel(axis.CurveXLabel);
            plt.YLabel(axis.CurveYLabel);
            // A long title runs off the figure; the legend's n already says the lines are means, so those words
            // go first, and what is still too long puts the model and dataset on a second line.
            string title = $"{info.DisplayName} {info.Arrow} — mean curve, {model} on {dataset}";
            if (title.Length > MaxTitleLength) title = $"{info.DisplayName} {info.Arrow} — {model} on {dataset}";
            if (title.Length > MaxTitleLength) title = $"{info.DisplayName} {info.Arrow}\n{model} on {dataset}";
            plt.Title(title);
            string path = Path.Combine(dir, FigureStyle.FileName(axis.CurveFigureName, model, dataset, results.MetricFileTag(model, dataset, metric, options)));
            plt.SavePng(path, FigureStyle.Width + (legendBeside ? LegendWidth : 0), FigureStyle.Height);
            yield return path;
        }
    }

    /// <summary>The axis of a metric that stores curves but declares none: RISE's equal steps over [0, 1] of p_c.</summary>
    private sealed class EqualSteps : ICurveAxis
    {
        public static readonly EqualSteps Instance = new();
        public string CurveXLabel => CausalCurve.PixelAxisLabel("changed");
        public string CurveYLabel => CausalCurve.ProbabilityAxisLabel;
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
