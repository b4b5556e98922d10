using GuidedCam.Harness.Config;
using GuidedCam.Harness.Results;
using GuidedCam.Harness.Running;
using GuidedCam.Metrics;

namespace GuidedCam.Tests.TestSupport;

/// <summary>
/// One in-process run of a YAML config through the real validator and runner, kept for all tests of a
/// class (xunit class fixture), with the run log so tests can check what the runner reported.
/// </summary>
public sealed class AcceptanceRun
{
    public List<ResultRecord> Records { get; }
    public List<string> Log { get; } = new();
    public List<(string Model, string Dataset, string ItemId, string Reason)> Skips { get; }
    public RunStats Stats { get; }
    public TimeSpan Elapsed { get; }

    public AcceptanceRun(string yaml)
    {
        TestSetup.Torch();
        var cfg = ConfigLoader.Parse(yaml, "acceptance.yaml");
        ConfigValidator.Validate(cfg);
        var sink = new MemoryResultSink();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Stats = new Runner(cfg, Log.Add).Run(Path.Combine(Path.GetTempPath(), "gc-acc-" + Guid.NewGuid().ToString("N")), sink);
        Elapsed = watch.Elapsed;
        Records = sink.Records;
        Skips = sink.Skips;
    }

    /// <summary>The metric's own headline aggregate (its accumulator's mean) over this run's values of one method.</summary>
    public double Mean(string method, string metric)
    {
        var acc = MetricRegistry.BuiltIn.Create(metric, null).CreateAccumulator();
        acc.Update(Records.Where(r => r.Method == method && r.Metric == metric)
            .Select(r => new MetricValue(r.ItemId, r.Target, r.DatasetClass, r.Value) { Flagged = r.Flagged }));
        return acc.Summary().Mean;
    }

    public int Count(string method, string metric) => Records.Count(r => r.Method == method && r.Metric == metric);

    /// <summary>A shipped config from configs/, with its ../shared/ paths pointed at <see cref="SharedPaths.Shared"/> (GUIDEDCAM_SHARED may move it).</summary>
    public static string ShippedConfig(string fileName)
    {
        string text = File.ReadAllText(Path.Combine(SharedPaths.RepoRoot, "configs", fileName));
        Assert.Contains(" ../shared/", text); // the shipped configs use paths relative to the repository root
        return text.Replace(" ../shared/", " " + SharedPaths.Shared.TrimEnd('/') + "/");
    }
}
