using GuidedCam.Harness.Results;
using GuidedCam.Harness.Running;

namespace GuidedCam.Tests.Engine;

/// <summary>Temporary run folders and hand-made records for the engine tests.</summary>
public static class EngineFixtures
{
    public const string ConfigYaml = "models: [resnet18]\ndatasets: [toy]\nmethods: [gradcam, guidedcam]\n";

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

    public static string MethodSet => UnitKey.MethodSetOf(new[] { ("gradcam", ""), ("guidedcam", "weights=gradcam") });

    public static UnitKey Unit(string item, string model = "resnet18", string dataset = "toy") => new(model, dataset, item, MethodSet);

    /// <summary>The records of one unit: two methods × (an item-mean metric, a curve metric); values derived from the item index.</summary>
    public static IReadOnlyList<ResultRecord> UnitRecords(string item, int index, string model = "resnet18", string dataset = "toy")
    {
        var list = new List<ResultRecord>();
        foreach (var (method, options, offset) in new[] { ("gradcam", "", 0.0), ("guidedcam", "weights=gradcam", 0.1) })
        {
            list.Add(new ResultRecord(model, dataset, item, index % 5, index % 3, method, options, FakeMetrics.Mean, "step=1", 50 + index % 7 + offset * 100, index % 11 == 0, null));
            double[] curve = Enumerable.Range(0, 5).Select(t => Math.Max(0, 0.9 - t * (0.2 + offset) - index * 0.001)).ToArray();
            list.Add(new ResultRecord(model, dataset, item, index % 5, null, method, options, FakeMetrics.Curve, "", curve.Average(), false, curve));
        }
        return list;
    }

    public static IReadOnlyList<string> ItemIds(int n) => Enumerable.Range(0, n).Select(i => $"img_{i:D4}").ToList();

    /// <summary>Runs the "experiment" over the items a shard owns, as the runner would, into a run folder.</summary>
    public static void RunShard(string runDir, Shard? shard, IReadOnlyList<string> items, string config = ConfigYaml)
    {
        using var j = ResultJournal.Open(ResultJournal.PathIn(runDir));
        j.BeginResultSet(Metadata(shard, config));
        var mine = (shard ?? Shard.All).Select(items);
        foreach (string id in mine)
            j.Commit(UnitRecords(id, items.ToList().IndexOf(id)), Unit(id));
    }
}
