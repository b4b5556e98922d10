using GuidedCam.Metrics;
using GuidedCam.Core;
using GuidedCam.Harness.Results;
using GuidedCam.Harness.Results.Exporters;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace GuidedCam.Tests.Harness.Results.Exporters;

public class ReportBuilderTests : IDisposable
{
    public void Dispose() => EngineFixtures.CleanUp();

    private readonly MetricCatalog _metrics = FakeMetrics.Catalog();

    /// <summary>A run folder as the runner leaves it: a journal of 12 items × 2 methods × 2 metrics, and maps for 3 items.</summary>
    public static string MakeRun(int items = 12, int mapItems = 3)
    {
        string run = EngineFixtures.TempDir("report");
        var ids = EngineFixtures.ItemIds(items);
        EngineFixtures.RunShard(run, null, ids);
        using (var j = ResultJournal.Open(ResultJournal.PathIn(run)))
        {
            j.BeginRun(EngineFixtures.Metadata(), EngineFixtures.View(ids.Append("broken.jpg").ToList()));
            var skip = new BatchCommit { ModelKey = EngineFixtures.ModelKey, DatasetKey = EngineFixtures.DatasetKey };
            skip.Skips.Add(("broken.jpg", "not an image"));
            j.Commit(skip);
        }
        for (int k = 0; k < mapItems; k++)
        {
            const int size = 96;
            using var img = new Image<Rgb24>(size, size);
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                    img[x, y] = new Rgb24((byte)(x * 255 / size), (byte)(y * 255 / size), (byte)(128 + 40 * k));
            string dir = RunLayout.ItemMaps(run, "resnet18", "toy", ids[k]);
            Directory.CreateDirectory(dir);
            img.SaveAsPng(Path.Combine(dir, "input.png"));
            // gradcam: a coarse 12×12 blob (resized by the overlay); guidedcam: a full-size sharper blob.
            Npy.WriteFloat32(RunLayout.MapFile(run, "resnet18", "toy", ids[k], "gradcam"), Blob(12, 0.3 + 0.2 * k, 0.5, 0.3), 12, 12);
            Npy.WriteFloat32(RunLayout.MapFile(run, "resnet18", "toy", ids[k], "guidedcam", "weights=gradcam"), Blob(size, 0.3 + 0.2 * k, 0.5, 0.12), size, size);
        }
        return run;
    }

    private static float[] Blob(int n, double cx, double cy, double sigma)
    {
        var m = new float[n * n];
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                double dx = (x + 0.5) / n - cx, dy = (y + 0.5) / n - cy;
                m[y * n + x] = (float)Math.Exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
            }
        return m;
    }

    [Fact]
    public void Report_rebuilds_every_artifact_from_the_run_folder()
    {
        string run = MakeRun();
        var files = ReportBuilder.Build(run, new Bootstrap(200), metrics: _metrics);
        string report = run; // the report files sit at the top of the run folder
        foreach (string name in new[] { "items.csv", "summary.csv", "ranks.csv", "pairs.csv", "agreement.csv", "sanity.csv", "reliability.csv", "results.md", "results.tex", "report.html" })
            Assert.Contains(Path.Combine(report, name), files);

        // items.csv: header + one line per record (12 items × 2 methods × 2 metrics = 48).
        var items = File.ReadAllLines(Path.Combine(report, "items.csv"));
        Assert.Equal("model,dataset,item,target,dataset_class,method,method_options,metric,metric_options,value,flagged", items[0]);
        Assert.Equal(1 + 48, items.Length);

        // summary.csv: 2 methods × 2 metrics; gradcam has no difference with itself, guidedcam has one.
        var summary = File.ReadAllLines(Path.Combine(report, "summary.csv"));
        Assert.Equal("model,dataset,method,method_options,metric,metric_options,mean,std,count,ci_low,ci_high,flagged,direction,diff_vs_gradcam,diff_ci_low,diff_ci_high", summary[0]);
        Assert.Equal(1 + 4, summary.Length);
        // guidedcam's item-mean values are gradcam's + 10 on every unit (EngineFixtures): diff exactly 10.
        string guided = summary.Single(l => l.Contains("guidedcam", StringComparison.Ordinal) && l.Contains(FakeMetrics.Mean, StringComparison.Ordinal));
        Assert.EndsWith(",higher,10,10,10", guided);

        string md = File.ReadAllText(Path.Combine(report, "results.md"));
        Assert.Contains("## resnet18 on toy", md);
        Assert.Contains("Test score (%) ↑", md);
        Assert.Contains("Test deletion (AUC) ↓", md);
        Assert.Contains("**", md);
        Assert.Contains("broken.jpg", md);

        // Figures: one bar chart per metric, one mean-curve figure, one qualitative grid, and the rankings' rank
        // heatmap, agreement matrix and CD diagrams (the experiment's and the one over all blocks).
        var pngs = files.Where(f => f.EndsWith(".png", StringComparison.Ordinal)).ToList();
        Assert.Equal(8, pngs.Count);
        // One option set per metric: file names carry the metric id only.
        Assert.Equal(new[] { "agreement_resnet18_toy.png", "bars_resnet18_toy_test-curve-auc.png", "bars_resnet18_toy_test-item-mean.png", "cd_all-blocks.png", "cd_resnet18_toy.png",
                "curve_resnet18_toy_test-curve-auc.png", "grid_resnet18_toy.png", "rankheat_resnet18_toy.png" },
            pngs.Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (string png in pngs.Where(p => Path.GetFileName(p).StartsWith("bars", StringComparison.Ordinal) || Path.GetFileName(p).StartsWith("curve", StringComparison.Ordinal)))
        {
            var info = Image.Identify(png);
            Assert.Equal((FigureStyle.Width, FigureStyle.Height), (info.Width, info.Height));
        }
        string grid = Assert.Single(pngs, p => Path.GetFileName(p).StartsWith("grid", StringComparison.Ordinal));
        using (var g = Image.Load<Rgb24>(grid))
        {
            // Layout (QualitativeGridExporter): 0.9 label + 3 columns × 1.06 + 0.04 margin wide,
            // 0.6 header + 3 rows × 1.06 high, 200 px per unit.
            Assert.Equal((int)Math.Round((0.9 + 3 * 1.06 + 0.04) * 200), g.Width);
            Assert.Equal((int)Math.Round((0.6 + 3 * 1.06) * 200), g.Height);
        }

        string html = File.ReadAllText(Path.Combine(report, "report.html"));
        // The four detail figures, and at the top the heatmap, the CD diagram and the agreement matrix (the CD
        // diagram over all blocks repeats the experiment's when there is one experiment, so it is not shown twice).
        Assert.Equal(7, CountOf(html, "data:image/png;base64,"));
        Assert.Contains("href=\"summary.csv\"", html);
        Assert.Contains(FakeMetrics.Mean, File.ReadAllText(Path.Combine(report, "items.csv")));
        Assert.NotNull(PlotFonts.RegularFile);
    }

    [Fact]
    public void Jet_colormap_ends_are_dark_blue_and_dark_red()
    {
        // MATLAB jet: 0 → (0, 0, 0.5), 0.5 → (0.5, 1, 0.5), 1 → (0.5, 0, 0).
        Assert.Equal((0.0, 0.0, 0.5), SaliencyOverlay.Jet(0));
        Assert.Equal((0.5, 1.0, 0.5), SaliencyOverlay.Jet(0.5));
        Assert.Equal((0.5, 0.0, 0.0), SaliencyOverlay.Jet(1));
    }

    private static int CountOf(string s, string what)
    {
        int n = 0;
        for (int i = s.IndexOf(what, StringComparison.Ordinal); i >= 0; i = s.IndexOf(what, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }
}
