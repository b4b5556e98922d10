using GuidedCam.Core;
using GuidedCam.Harness.Results;
using GuidedCam.Metrics;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Running;

/// <summary>An in-memory sink (tests, and runs that are not journalled). Names come from the run's view.</summary>
public sealed class MemoryResultSink : IResultSink
{
    private readonly Dictionary<(string, string), StageState> _stages = new();
    private readonly Dictionary<(string, string, string, string, long), StoredMap> _maps = new();
    private readonly HashSet<(string, string, string, string, string)> _qualitative = new();

    public List<JournalCell> Cells { get; } = new();
    public List<(string ModelKey, string DatasetKey, string ItemId, string Reason)> Skips { get; } = new();
    /// <summary>The values with the names the run gave its models and datasets (set by the runner).</summary>
    public RunView? View { get; set; }

    public List<ResultRecord> Records =>
        Cells.Select(c => c.ToRecord(View?.ModelName(c.ModelKey) ?? c.ModelKey, View?.DatasetName(c.DatasetKey) ?? c.DatasetKey)).ToList();

    public StageState ReadStage(string modelKey, string datasetKey) =>
        _stages.TryGetValue((modelKey, datasetKey), out var s) ? s : _stages[(modelKey, datasetKey)] = new StageState();

    public List<StoredMap> ReadMaps(string modelKey, string datasetKey, string methodKey, IEnumerable<string> itemIds)
    {
        var items = itemIds.ToHashSet(StringComparer.Ordinal);
        return _maps.Where(kv => kv.Key.Item1 == modelKey && kv.Key.Item2 == datasetKey && kv.Key.Item3 == methodKey && items.Contains(kv.Key.Item4))
            .Select(kv => kv.Value).ToList();
    }

    public void Commit(BatchCommit batch)
    {
        Cells.AddRange(batch.Cells);
        foreach (var m in batch.Maps) _maps[(batch.ModelKey, batch.DatasetKey, m.MethodKey, m.ItemId, m.Target)] = m;
        foreach (var (item, reason) in batch.Skips) Skips.Add((batch.ModelKey, batch.DatasetKey, item, reason));
        ReadStage(batch.ModelKey, batch.DatasetKey).Add(batch);
    }

    public bool HasQualitative(string model, string dataset, string itemId, string method, string methodOptions) =>
        _qualitative.Contains((model, dataset, itemId, method, methodOptions));

    public void SaveQualitative(string model, string dataset, DatasetItem item, string method, string methodOptions, Tensor map, Tensor input, Normalization norm) =>
        _qualitative.Add((model, dataset, item.Id, method, methodOptions));
}
