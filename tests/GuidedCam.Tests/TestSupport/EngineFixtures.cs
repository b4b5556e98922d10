using GuidedCam.Harness.Results;
using GuidedCam.Harness.Running;
using GuidedCam.Harness.Datasets;

namespace GuidedCam.Tests.TestSupport;

/// <summary>Temporary run folders and hand-made cells for the engine tests.</summary>
public static class EngineFixtures
{
    public const string ConfigYaml = "models: [resnet18]\ndatasets: [toy]\nmethods: [gradcam, guidedcam]\n";
    public const string ModelKey = "model-resnet18-key";
    public const string DatasetKey = "dataset-toy-key";

    private static readonly List<string> Created = new();

    public static string TempDir(string name)
    {
        string dir = Path.Combine(Path.GetTempPath(), "guidedcam-engine-tests", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        lock (Created) Created.Add(dir);
        return dir;
    }

    /// <summary>Deletes the folders made so far (tests run serially, so none is in use); set GUIDEDCAM_KEEP_TEST_RUNS=1 to look at them.</summary>
    public static void CleanUp()
    {
        if (Environment.GetEnvironmentVariable("GUIDEDCAM_KEEP_TEST_RUNS") == "1") return;
        lock (Created)
        {
            foreach (string d in Created)
                if (Directory.Exists(d)) Directory.Delete(d, recursive: true);
            Created.Clear();
        }
    }

    public static RunMetadata Metadata(Shard? shard = null, string config = ConfigYaml, string? fingerprint = null) =>
        new(config, RunMetadata.Sha256(config), fingerprint ?? RunMetadata.Sha256("protocol:" + config), shard);

    public static readonly (string Method, string Options)[] Methods = { ("gradcam", ""), ("guidedcam", "weights=gradcam") };
    public static readonly (string Metric, string Options)[] Metrics = { (FakeMetrics.Mean, "step=1"), (FakeMetrics.Curve, "") };

    /// <summary>The view of the fixture's "config": resnet18 × toy over <paramref name="items"/>, two methods, two metrics.</summary>
    public static RunView View(IReadOnlyList<string> items) => new(
        new[] { new ViewEntry("resnet18", ModelKey) },
        new[] { new ViewDataset("toy", DatasetKey, items.ToArray()) },
        Methods.Select(m => new ViewComponent(m.Method, m.Options, JournalCell.MethodKeyOf(m.Method, m.Options, null))).ToArray(),
        Metrics.Select(m => new ViewComponent(m.Metric, m.Options, JournalCell.MetricKeyOf(m.Metric, m.Options))).ToArray(),
        3);

    /// <summary>The cells of one item: two methods × (an item-mean metric, a curve metric); values derived from the item index.</summary>
    public static IReadOnlyList<JournalCell> ItemCells(string item, int index)
    {
        var list = new List<JournalCell>();
        foreach (var (method, options, offset) in new[] { ("gradcam", "", 0.0), ("guidedcam", "weights=gradcam", 0.1) })
        {
            string key = JournalCell.MethodKeyOf(method, options, null);
            list.Add(new JournalCell(ModelKey, DatasetKey, item, index % 5, index % 3, method, options, key, FakeMetrics.Mean, "step=1", 50 + index % 7 + offset * 100, index % 11 == 0, null));
            double[] curve = Enumerable.Range(0, 5).Select(t => Math.Max(0, 0.9 - t * (0.2 + offset) - index * 0.001)).ToArray();
            list.Add(new JournalCell(ModelKey, DatasetKey, item, index % 5, null, method, options, key, FakeMetrics.Curve, "", curve.Average(), false, curve));
        }
        return list;
    }

    /// <summary>A batch as the runner commits it: the item's cells and their completion marks.</summary>
    public static BatchCommit ItemBatch(string item, int index)
    {
        var batch = new BatchCommit { ModelKey = ModelKey, DatasetKey = DatasetKey };
        batch.Cells.AddRange(ItemCells(item, index));
        foreach (var m in Methods)
            foreach (var x in Metrics)
                batch.Marks.Add(new EvaluationMark(ModelKey, DatasetKey, item, JournalCell.MethodKeyOf(m.Method, m.Options, null), JournalCell.MetricKeyOf(x.Metric, x.Options)));
        return batch;
    }

    public static IReadOnlyList<string> ItemIds(int n) => Enumerable.Range(0, n).Select(i => $"img_{i:D4}").ToList();

    /// <summary>Runs the "experiment" over the items a shard owns, as the runner would, into a run folder.</summary>
    public static void RunShard(string runDir, Shard? shard, IReadOnlyList<string> items, string config = ConfigYaml, int? stopAfter = null)
    {
        using var j = ResultJournal.Open(ResultJournal.PathIn(runDir));
        j.BeginRun(Metadata(shard, config), View(items));
        var mine = (shard ?? Shard.All).Select(items);
        foreach (string id in mine.Take(stopAfter ?? int.MaxValue))
            j.Commit(ItemBatch(id, items.ToList().IndexOf(id)));
    }

    /// <summary>The records of the latest run's view of a folder.</summary>
    public static List<ResultRecord> Records(string runDir)
    {
        using var j = ResultJournal.Open(ResultJournal.PathIn(runDir), create: false);
        var run = j.LatestRun!;
        return j.ReadView(run.View, run.Shard);
    }
}
