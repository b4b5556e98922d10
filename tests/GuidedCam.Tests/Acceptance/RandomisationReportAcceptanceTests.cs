using GuidedCam.Harness.Config;
using GuidedCam.Harness.Results;
using GuidedCam.Harness.Results.Exporters;
using GuidedCam.Harness.Running;

namespace GuidedCam.Tests.Acceptance;

/// <summary>
/// model-randomisation through the real validator, runner, journal and report on the built-in model:
/// every table and figure the seven metrics get, plus one randomisation curve figure with a line per
/// method, and the centre baseline at 1 at every depth.
/// </summary>
public sealed class RandomisationReportAcceptanceTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "gc-mprt-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void Runs_reports_and_plots_one_line_per_method()
    {
        TestSetup.Torch();
        var cfg = ConfigLoader.Parse("""
            name: mprt
            seed: 0
            batch-size: 4
            qualitative: 0
            models: [{arch: builtin}]
            datasets: [{kind: synthetic, count: 6, split: test}]
            methods: [gradcam, random, center]
            metrics: [model-randomisation, {id: model-randomisation, similarity: ssim, mode: independent, layers: every-2}]
            """, Path.Combine(_root, "mprt.yaml"));
        var plan = ConfigValidator.Validate(cfg);
        // Validate counts the re-explanations: one per depth for each of the two metrics.
        Assert.All(plan.Cells, c => Assert.True(c.Reexplanations!.Sum() > 2));
        string run = Path.Combine(_root, "run");
        new Experiment { Config = cfg, RunDir = run }.Execute();
        var files = ReportBuilder.Build(run);

        var results = RunResults.Load(run);
        var center = results.Records.Where(r => r.Method == "center" && r.Metric == "model-randomisation").ToList();
        Assert.Equal(12, center.Count); // 6 items × 2 option sets
        Assert.All(center, r => Assert.All(r.Curve!, s => Assert.Equal(1.0, s, 9)));
        var grad = results.Records.Where(r => r.Method == "gradcam" && r.Metric == "model-randomisation").Average(r => r.Value);
        Assert.True(grad < 0.9, $"Grad-CAM mean similarity on the built-in model {grad:F3}");

        var figures = files.Where(f => Path.GetFileName(f).StartsWith("randomisation_", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, figures.Count);
        Assert.All(figures, f => Assert.True(new FileInfo(f).Length > 10_000));
        Assert.DoesNotContain(files, f => Path.GetFileName(f).StartsWith("curve_", StringComparison.Ordinal) && f.Contains("randomisation", StringComparison.Ordinal));
        string summary = File.ReadAllText(files.Single(f => f.EndsWith("summary.csv", StringComparison.Ordinal)));
        Assert.Contains("model-randomisation", summary);
        Assert.Contains("Model randomisation", File.ReadAllText(files.Single(f => f.EndsWith("results.md", StringComparison.Ordinal))));
        Assert.Contains("randomisation_", File.ReadAllText(files.Single(f => f.EndsWith("report.html", StringComparison.Ordinal))));
    }
}
