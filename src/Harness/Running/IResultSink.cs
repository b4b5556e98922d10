using GuidedCam.Harness.Results;

namespace GuidedCam.Harness.Running;

/// <summary>
/// Where the runner commits results. A batch's records and its "done" markers are committed
/// together (atomically in the journal), so a killed run resumes at a batch boundary and never
/// duplicates or loses a finished batch.
/// </summary>
public interface IResultSink
{
    /// <summary>Unit keys already finished (see <see cref="Runner.UnitKey"/>).</summary>
    IReadOnlySet<string> DoneUnits();
    void Commit(IReadOnlyList<ResultRecord> records, IReadOnlyList<string> unitKeys);
    void RecordSkip(string model, string dataset, string itemId, string reason);
}

/// <summary>An in-memory sink (tests, and runs that are not journalled).</summary>
public sealed class MemoryResultSink : IResultSink
{
    private readonly HashSet<string> _done = new();
    public List<ResultRecord> Records { get; } = new();
    public List<(string Model, string Dataset, string ItemId, string Reason)> Skips { get; } = new();
    public IReadOnlySet<string> DoneUnits() => _done;
    public void Commit(IReadOnlyList<ResultRecord> records, IReadOnlyList<string> unitKeys)
    {
        Records.AddRange(records);
        foreach (var k in unitKeys) _done.Add(k);
    }
    public void RecordSkip(string model, string dataset, string itemId, string reason) => Skips.Add((model, dataset, itemId, reason));
}
