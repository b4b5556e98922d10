using System.Globalization;
using ScottPlot;

namespace GuidedCam.Harness.Results.Exporters;

/// <summary>
/// The figures that answer "which method wins": per model and dataset a heatmap of mean ranks (methods ×
/// metrics, best outlined, † = significantly worse than the column's best by Wilcoxon–Holm over units), a
/// critical-difference diagram across its metrics (Demšar 2006, Fig. 1: methods on a rank axis, 1 = best on
/// the left; a thick bar joins methods the post-hoc test does not separate) and the τ-b agreement matrix of its
/// metrics; one critical-difference diagram over every block of the report.
/// </summary>
public sealed class RankFigureExporter : FigureExporter
{
    public const string HeatmapKind = "rankheat";
    public const string CdKind = "cd";
    public const string AgreementKind = "agreement";
    public const string AllBlocks = "all-blocks";

    public override string Name => "rank figures";

    protected override IEnumerable<string> Draw(RunResults results, string dir)
    {
        var rankings = results.Rankings;
        foreach (var across in rankings.Across)
        {
            if (across.Scope == AcrossBlocks.ConfigScope)
            {
                string all = Path.Combine(dir, FigureStyle.FileName(CdKind, AllBlocks));
                CdDiagram(results, across, $"All {across.Blocks.Count} blocks (model × dataset × metric)", all);
                yield return all;
                continue;
            }
            var blocks = rankings.Blocks.Where(b => b.Key.Model == across.Model && b.Key.Dataset == across.Dataset)
                .OrderBy(b => results.Metric(b.Key.Metric, b.Key.MetricOptions).Order).ThenBy(b => b.Key.Metric, StringComparer.Ordinal).ThenBy(b => b.Key.MetricOptions, StringComparer.Ordinal).ToList();
            string heat = Path.Combine(dir, FigureStyle.FileName(HeatmapKind, across.Model, across.Dataset));
            Heatmap(results, across, blocks, heat);
            yield return heat;
            string cd = Path.Combine(dir, FigureStyle.FileName(CdKind, across.Model, across.Dataset));
            CdDiagram(results, across, $"{across.Model} on {across.Dataset}: across {blocks.Count} metrics", cd);
            yield return cd;
            if (blocks.Count >= 2)
            {
                string agreement = Path.Combine(dir, FigureStyle.FileName(AgreementKind, across.Model, across.Dataset));
                Agreement(results, blocks, agreement);
                yield return agreement;
            }
        }
    }

    private static string F(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);

    private static void Cell(Plot plt, double left, double top, Color fill, string text, bool bold, double fontSize = 13)
    {
        var rect = plt.Add.Rectangle(left, left + 1, top - 1, top);
        rect.FillColor = fill;
        rect.LineColor = Colors.White;
        rect.LineWidth = 1;
        var label = plt.Add.Text(text, left + 0.5, top - 0.5);
        label.LabelAlignment = Alignment.MiddleCenter;
        label.LabelFontSize = (float)fontSize;
        label.LabelBold = bold;
        // Dark cells get white text.
        label.LabelFontColor = fill.Luminance < 0.5 ? Colors.White : Colors.Black;
    }

    private static void Outline(Plot plt, double left, double top)
    {
        var rect = plt.Add.Rectangle(left + 0.04, left + 0.96, top - 0.96, top - 0.04);
        rect.FillColor = Colors.Transparent;
        rect.LineColor = Colors.Black;
        rect.LineWidth = 3;
    }

    private static ScottPlot.Plottables.Text Label(Plot plt, string text, double x, double y, Alignment alignment, double size = 13, bool bold = false)
    {
        var t = plt.Add.Text(text, x, y);
        t.LabelAlignment = alignment;
        t.LabelFontSize = (float)size;
        t.LabelBold = bold;
        return t;
    }

    /// <summary>Methods × metrics mean ranks; the last column is the mean of the metrics' block ranks.</summary>
    private static void Heatmap(RunResults results, AcrossBlocks across, List<RankBlock> blocks, string path)
    {
        var plt = FigureStyle.NewPlot();
        var colormap = new ScottPlot.Colormaps.Viridis();
        var methods = across.Methods.Select(m => m.Method).ToList();
        int k = methods.Count;
        int columns = blocks.Count + 1;
        for (int r = 0; r < k; r++)
        {
            double top = -r;
            Label(plt, results.MethodLabel(methods[r]), -0.1, top - 0.5, Alignment.MiddleRight);
            for (int c = 0; c < blocks.Count; c++)
            {
                var block = blocks[c];
                if (block.Of(methods[r]) is not { } rank) continue;
                double fraction = block.Methods.Count > 1 ? (rank.MeanRank - 1) / (block.Methods.Count - 1) : 0;
                bool best = rank == block.Methods[0];
                var pair = best ? null : block.Pairs.First(p => (p.A == methods[r] && p.B == block.Methods[0].Method) || (p.B == methods[r] && p.A == block.Methods[0].Method));
                bool worse = pair is { HolmReject: true };
                Cell(plt, c, top, colormap.GetColor(1 - fraction), F(rank.MeanRank) + (worse ? "†" : ""), best);
                if (best) Outline(plt, c, top);
            }
            var m = across.Methods[r];
            double overall = k > 1 ? (m.MeanRank - 1) / (k - 1) : 0;
            Cell(plt, blocks.Count + 0.2, top, colormap.GetColor(1 - overall), F(m.MeanRank) + (m.WorseThanBest ? "†" : ""), r == 0);
            if (r == 0) Outline(plt, blocks.Count + 0.2, top);
        }
        for (int c = 0; c < blocks.Count; c++)
        {
            var info = results.Metric(blocks[c].Key.Metric, blocks[c].Key.MetricOptions);
            var label = Label(plt, info.ShortName + " " + info.Arrow, c + 0.5, 0.1, Alignment.MiddleLeft);
            label.LabelRotation = -45;
        }
        Label(plt, "mean", blocks.Count + 0.7, 0.1, Alignment.MiddleLeft).LabelRotation = -45;
        double labelWidth = 0.14 * methods.Max(m => results.MethodLabel(m).Length) + 0.4;
        string title = $"Mean rank (1 = best) — {across.Model} on {across.Dataset}";
        string subtitle = $"outlined: the column's best; †: worse than it (Wilcoxon–Holm; mean column: {(across.PostHoc == Core.Ranking.RankingOptions.Nemenyi ? "Nemenyi" : "Wilcoxon–Holm")}), α = {across.Alpha.ToString(CultureInfo.InvariantCulture)}";
        // Wide enough for the title and the legend line (about 0.17 and 0.11 cells per character at their sizes).
        double left = -labelWidth, right = columns + 0.4;
        double spare = Math.Max(0, Math.Max(0.17 * title.Length, 0.11 * subtitle.Length) + 0.4 - (right - left));
        left -= spare / 2;
        right += spare / 2;
        Label(plt, title, (left + right) / 2, 2.4, Alignment.LowerCenter, 17, true);
        Label(plt, subtitle, (left + right) / 2, 1.9, Alignment.LowerCenter, 11);
        plt.Axes.SetLimits(left, right, -k - 0.2, 3.0);
        plt.Layout.Frameless();
        plt.HideGrid();
        const int cellPixels = 62;
        plt.SavePng(path, (int)Math.Round((right - left) * cellPixels), (int)Math.Round((k + 3.2) * cellPixels));
    }

    /// <summary>Kendall τ-b of the mean-rank vectors of every pair of metrics, −1 (blue) … 1 (red).</summary>
    private static void Agreement(RunResults results, List<RankBlock> blocks, string path)
    {
        var plt = FigureStyle.NewPlot();
        int n = blocks.Count;
        var names = blocks.Select(b => { var i = results.Metric(b.Key.Metric, b.Key.MetricOptions); return i.ShortName; }).ToList();
        for (int r = 0; r < n; r++)
        {
            Label(plt, names[r], -0.1, -r - 0.5, Alignment.MiddleRight);
            for (int c = 0; c < n; c++)
            {
                double tau = RankAnalysis.Tau(blocks[r], blocks[c]).Tau; // the diagonal too: NaN when a metric ties every method
                Cell(plt, c, -r, Diverging(tau), double.IsNaN(tau) ? "–" : tau.ToString("0.00", CultureInfo.InvariantCulture), false, 12);
            }
            Label(plt, names[r], r + 0.5, 0.1, Alignment.MiddleLeft).LabelRotation = -45;
        }
        var first = blocks[0].Key;
        string title = $"Kendall τ-b between metric rankings — {first.Model} on {first.Dataset}";
        double labelWidth = 0.14 * names.Max(s => s.Length) + 0.4;
        // Wide enough for the title (about 0.15 cells per character at its size).
        double left = -labelWidth, right = n + 0.2;
        double spare = Math.Max(0, 0.15 * title.Length + 0.4 - (right - left));
        left -= spare / 2;
        right += spare / 2;
        Label(plt, title, (left + right) / 2, 1.6, Alignment.LowerCenter, 16, true);
        plt.Axes.SetLimits(left, right, -n - 0.2, 2.2);
        plt.Layout.Frameless();
        plt.HideGrid();
        const int cellPixels = 70;
        plt.SavePng(path, (int)Math.Round((right - left) * cellPixels), (int)Math.Round((n + 2.4) * cellPixels));
    }

    private static Color Diverging(double tau)
    {
        if (double.IsNaN(tau)) return Colors.LightGray;
        var blue = Color.FromHex("#2166ac");
        var red = Color.FromHex("#b2182b");
        var white = Colors.White;
        double t = Math.Clamp(tau, -1, 1);
        var (from, to, f) = t < 0 ? (white, blue, -t) : (white, red, t);
        return new Color((byte)(from.R + (to.R - from.R) * f), (byte)(from.G + (to.G - from.G) * f), (byte)(from.B + (to.B - from.B) * f));
    }

    /// <summary>
    /// Demšar's diagram: a rank axis 1…k, each method's mean rank marked and labelled (the better half on the
    /// left, the rest on the right), thick bars joining groups the post-hoc test does not separate, and for
    /// Nemenyi the critical difference drawn above the axis. Laid out in pixels per rank so long names fit.
    /// </summary>
    private static void CdDiagram(RunResults results, AcrossBlocks across, string title, string path)
    {
        var plt = FigureStyle.NewPlot();
        var methods = across.Methods;
        int k = methods.Count;
        var labels = methods.Select(m => $"{results.MethodLabel(m.Method)} ({m.MeanRank.ToString("0.00", CultureInfo.InvariantCulture)})").ToList();
        const double pxPerRank = 64, pxPerUnit = 64, charPx = 11.5;
        double labelUnits = (labels.Max(l => l.Length) * charPx + 24) / pxPerRank;
        int half = (k + 1) / 2;
        int rows = Math.Max(half, k - half);
        var cliques = Cliques(across);
        double step = 0.62, cliqueStep = 0.28;
        double firstRow = -0.35 - cliqueStep * cliques.Count;
        var axis = plt.Add.Line(1, 0, k, 0);
        axis.LineColor = Colors.Black;
        axis.LineWidth = 2;
        for (int r = 1; r <= k; r++)
        {
            var tick = plt.Add.Line(r, 0, r, 0.12);
            tick.LineColor = Colors.Black;
            tick.LineWidth = 2;
            Label(plt, r.ToString(CultureInfo.InvariantCulture), r, 0.18, Alignment.LowerCenter, 17);
        }
        double leftEdge = 0.6, rightEdge = k + 0.4;
        for (int i = 0; i < k; i++)
        {
            bool left = i < half;
            int row = left ? i : k - 1 - i;
            double y = firstRow - row * step;
            double x = methods[i].MeanRank;
            double edge = left ? leftEdge : rightEdge;
            foreach (var (x1, y1, x2, y2) in new[] { (x, 0.0, x, y), (x, y, edge, y) })
            {
                var line = plt.Add.Line(x1, y1, x2, y2);
                line.LineColor = Colors.Black;
                line.LineWidth = 1.5f;
            }
            Label(plt, labels[i], left ? edge - 0.08 : edge + 0.08, y, left ? Alignment.MiddleRight : Alignment.MiddleLeft, 18);
        }
        for (int c = 0; c < cliques.Count; c++)
        {
            double y = -0.22 - cliqueStep * c;
            var bar = plt.Add.Line(methods[cliques[c].First].MeanRank - 0.05, y, methods[cliques[c].Last].MeanRank + 0.05, y);
            bar.LineColor = Colors.Black;
            bar.LineWidth = 5;
        }
        if (across.PostHoc == Core.Ranking.RankingOptions.Nemenyi)
        {
            var cd = plt.Add.Line(1, 0.75, 1 + across.CriticalDifference, 0.75);
            cd.LineColor = Colors.Black;
            cd.LineWidth = 2;
            Label(plt, $"CD = {across.CriticalDifference.ToString("0.00", CultureInfo.InvariantCulture)}", 1 + across.CriticalDifference / 2, 0.82, Alignment.LowerCenter, 16);
        }
        double left0 = leftEdge - labelUnits, right0 = rightEdge + labelUnits;
        string friedman = across.Friedman is { } f ? $"; Friedman χ² = {f.Statistic.ToString("0.0", CultureInfo.InvariantCulture)}, p = {f.PValue.ToString("0.###e0", CultureInfo.InvariantCulture)}" : "";
        Label(plt, title, (left0 + right0) / 2, 1.6, Alignment.LowerCenter, 22, true);
        Label(plt, $"mean rank over {across.Blocks.Count} blocks (1 = best); a bar joins methods {(across.PostHoc == Core.Ranking.RankingOptions.Nemenyi ? "Nemenyi" : "Wilcoxon–Holm")} does not separate at α = {across.Alpha.ToString(CultureInfo.InvariantCulture)}{friedman}",
            (left0 + right0) / 2, 1.15, Alignment.LowerCenter, 15);
        double bottom = firstRow - (rows - 1) * step - 0.4, top = 2.2;
        plt.Axes.SetLimits(left0, right0, bottom, top);
        plt.Layout.Frameless();
        plt.HideGrid();
        plt.SavePng(path, (int)Math.Round(Math.Max((right0 - left0) * pxPerRank, 900)), (int)Math.Round((top - bottom) * pxPerUnit * 1.6));
    }

    /// <summary>
    /// Maximal runs of consecutive methods (by mean rank) in which no pair is separated by the post-hoc test
    /// (the cd-diagram convention of Demšar 2006 and Ismail Fawaz et al. 2019); runs of one method are not drawn.
    /// </summary>
    public static List<(int First, int Last)> Cliques(AcrossBlocks across)
    {
        var methods = across.Methods;
        bool Separated(int a, int b) => across.Pairs.First(p => (p.A == methods[a].Method && p.B == methods[b].Method) || (p.B == methods[a].Method && p.A == methods[b].Method)).Significant;
        var runs = new List<(int First, int Last)>();
        for (int i = 0; i < methods.Count; i++)
        {
            int j = i;
            while (j + 1 < methods.Count && Enumerable.Range(i, j + 1 - i).All(a => !Separated(a, j + 1))) j++;
            if (j > i && !runs.Any(r => r.First <= i && r.Last >= j)) runs.Add((i, j));
        }
        return runs;
    }
}
