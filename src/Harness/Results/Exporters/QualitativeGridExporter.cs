using ScottPlot;
using SixLabors.ImageSharp.PixelFormats;
using ImageSharpImage = SixLabors.ImageSharp.Image;

namespace GuidedCam.Harness.Results.Exporters;

/// <summary>
/// The qualitative figure of CAM papers: rows = items, columns = the input image and each method's
/// map blended over it, from the maps the runner saved (<see cref="RunLayout"/>). One grid per
/// (model, dataset) that has saved maps; the first <see cref="MaxItems"/> items in id order.
/// </summary>
public sealed class QualitativeGridExporter(int maxItems = 6) : FigureExporter
{
    public int MaxItems { get; } = maxItems;
    public override string Name => "qualitative grid";

    private const int CellPixels = 200;
    private const double Gap = 0.06;
    private const double LabelWidth = 0.9;
    private const double RightMargin = 0.04;
    private const double HeaderHeight = 0.3;

    protected override IEnumerable<string> Draw(RunResults results, string dir)
    {
        var experiments = results.Experiments;
        foreach (var (model, dataset) in experiments)
        {
            string root = Path.Combine(RunLayout.MapsRoot(results.RunDir), RunLayout.SafeName(model), RunLayout.SafeName(dataset));
            // A run with a single experiment may also use the flat layout maps/<item>/.
            if (!Directory.Exists(root) && experiments.Count == 1) root = RunLayout.MapsRoot(results.RunDir);
            if (!Directory.Exists(root)) continue;
            var items = Directory.EnumerateDirectories(root).Where(d => File.Exists(Path.Combine(d, "input.png")))
                .Order(StringComparer.Ordinal).Take(MaxItems).ToList();
            if (items.Count == 0) continue;
            var methods = MethodColumns(results, model, dataset, items);
            if (methods.Count == 0) continue;
            string path = Path.Combine(dir, FigureStyle.FileName("grid", model, dataset));
            Render(items, methods, $"{model} on {dataset}: saliency maps (jet, blended 50% over the input)", path);
            yield return path;
        }
    }

    /// <summary>Map file stems present for these items, reference method first, then in method order of the results.</summary>
    private static List<(string Stem, string Label)> MethodColumns(RunResults results, string model, string dataset, IReadOnlyList<string> items)
    {
        var stems = items.SelectMany(d => Directory.EnumerateFiles(d, "*.npy")).Select(f => Path.GetFileNameWithoutExtension(f)!).Distinct().ToHashSet(StringComparer.Ordinal);
        var known = results.Summary.Where(r => r.Model == model && r.Dataset == dataset).Select(r => (r.Method, r.MethodOptions)).Distinct()
            .OrderBy(m => m.Method == results.ReferenceMethod ? 0 : 1).ThenBy(m => m.Method, StringComparer.Ordinal).ThenBy(m => m.MethodOptions, StringComparer.Ordinal)
            .Select(m => (Stem: RunLayout.MethodFileStem(m.Method, m.MethodOptions), Label: results.MethodLabel(model, dataset, m.Method, m.MethodOptions)))
            .Where(m => stems.Contains(m.Stem)).ToList();
        // Maps of methods without results (e.g. saved for inspection only) still get a column, by file name.
        known.AddRange(stems.Where(s => known.All(k => k.Stem != s)).Order(StringComparer.Ordinal).Select(s => (s, s)));
        return known;
    }

    private static void Render(IReadOnlyList<string> items, IReadOnlyList<(string Stem, string Label)> methods, string title, string path)
    {
        var plt = FigureStyle.NewPlot();
        var images = new List<ScottPlot.Image>();
        int columns = 1 + methods.Count;
        for (int r = 0; r < items.Count; r++)
        {
            using var input = ImageSharpImage.Load<Rgb24>(Path.Combine(items[r], "input.png"));
            double top = -r * (1 + Gap);
            images.Add(AddImage(plt, input, 0, top));
            for (int c = 0; c < methods.Count; c++)
            {
                string map = Path.Combine(items[r], methods[c].Stem + ".npy");
                if (!File.Exists(map)) continue;
                using var overlay = SaliencyOverlay.FromNpy(input, map);
                images.Add(AddImage(plt, overlay, (c + 1) * (1 + Gap), top));
            }
            var label = plt.Add.Text(Path.GetFileName(items[r]), -0.08, top - 0.5);
            label.LabelFontSize = 15;
            label.LabelAlignment = Alignment.MiddleRight;
        }
        string[] headers = new[] { "input" }.Concat(methods.Select(m => m.Label)).ToArray();
        for (int c = 0; c < columns; c++)
        {
            var header = plt.Add.Text(headers[c], c * (1 + Gap) + 0.5, 0.06);
            header.LabelFontSize = 16;
            header.LabelBold = true;
            header.LabelAlignment = Alignment.LowerCenter;
        }
        var caption = plt.Add.Text(title, (columns * (1 + Gap) + RightMargin - LabelWidth) / 2, HeaderHeight + 0.08);
        caption.LabelFontSize = 18;
        caption.LabelAlignment = Alignment.LowerCenter;

        double left = -LabelWidth, right = columns * (1 + Gap) + RightMargin;
        double bottom = -items.Count * (1 + Gap), topLimit = HeaderHeight + 0.3;
        plt.Axes.SetLimits(left, right, bottom, topLimit);
        plt.Layout.Frameless();
        plt.HideGrid();
        plt.SavePng(path, (int)Math.Round((right - left) * CellPixels), (int)Math.Round((topLimit - bottom) * CellPixels));
        foreach (var img in images) img.Dispose();
    }

    private static ScottPlot.Image AddImage(Plot plt, SixLabors.ImageSharp.Image<Rgb24> image, double left, double top)
    {
        using var png = new MemoryStream();
        SixLabors.ImageSharp.ImageExtensions.SaveAsPng(image, png);
        var img = new ScottPlot.Image(png.ToArray());
        plt.Add.ImageRect(img, new CoordinateRect(left, left + 1, top - 1, top));
        return img;
    }
}
