using GuidedCam.Harness.Results;

namespace GuidedCam.Harness.Running;

/// <summary>What the store already holds for one model × dataset: item units, the map index, completion marks and skipped items.</summary>
public sealed class StageState
{
    public Dictionary<string, ItemUnits> Units { get; init; } = new(StringComparer.Ordinal);
    public HashSet<(string Item, long Target, string MethodKey)> Maps { get; init; } = new();
    public HashSet<(string Item, string MethodKey, string MetricKey)> Marks { get; init; } = new();
    public Dictionary<string, string> Skipped { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Folds a committed batch in, so the state stays current during a run.</summary>
    public void Add(BatchCommit batch)
    {
        foreach (var u in batch.Units) Units[u.ItemId] = u;
        foreach (var m in batch.Maps) Maps.Add((m.ItemId, m.Target, m.MethodKey));
        foreach (var m in batch.Marks) Marks.Add((m.ItemId, m.MethodKey, m.MetricKey));
        foreach (var (item, reason) in batch.Skips) Skipped.TryAdd(item, reason);
    }
}
