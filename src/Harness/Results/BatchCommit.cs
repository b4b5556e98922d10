namespace GuidedCam.Harness.Results;

/// <summary>
/// Everything one batch adds to the journal, written in one transaction: the items' units, the new
/// maps, the values, their completion marks and the skipped items. After a kill the journal holds all
/// of a batch or none of it.
/// </summary>
public sealed class BatchCommit
{
    public string ModelKey { get; init; } = "";
    public string DatasetKey { get; init; } = "";
    public List<ItemUnits> Units { get; } = new();
    public List<StoredMap> Maps { get; } = new();
    public List<JournalCell> Cells { get; } = new();
    public List<EvaluationMark> Marks { get; } = new();
    public List<(string ItemId, string Reason)> Skips { get; } = new();
    public bool IsEmpty => Units.Count == 0 && Maps.Count == 0 && Cells.Count == 0 && Marks.Count == 0 && Skips.Count == 0;
}
