using GuidedCam.Harness.Results;

namespace GuidedCam.Harness.Running;

/// <summary>
/// Where the runner commits results. A batch's records and its units' "done" markers are committed
/// together (atomically in the journal), so a killed run resumes at a batch boundary and never
/// duplicates or loses a finished batch.
/// </summary>
public interface IResultSink
{
    /// <summary><see cref="UnitKey.Text"/> of every finished unit of one model and dataset.</summary>
    IReadOnlySet<string> DoneUnits(string model, string dataset);
    void Commit(IReadOnlyList<ResultRecord> records, IReadOnlyList<UnitKey> units);
    void RecordSkip(string model, string dataset, string itemId, string reason);
}

/// <summary>The run journal as a sink (the CLI's `run`).</summary>
public sealed class JournalSink(ResultJournal journal) : IResultSink
{
    public IReadOnlySet<string> DoneUnits(string model, string dataset) => journal.DoneUnits(model, dataset);
    public void Commit(IReadOnlyList<ResultRecord> records, IReadOnlyList<UnitKey> units) => journal.Commit(records, units);
    public void RecordSkip(string model, string dataset, string itemId, string reason) => journal.RecordSkip(model, dataset, itemId, reason);
}

/// <summary>An in-memory sink (tests, and runs that are not journalled).</summary>
public sealed class MemoryResultSink : IResultSink
{
    private readonly HashSet<string> _done = new();
    public List<ResultRecord> Records { get; } = new();
    public List<(string Model, string Dataset, string ItemId, string Reason)> Skips { get; } = new();
    public IReadOnlySet<string> DoneUnits(string model, string dataset) => _done;
    public void Commit(IReadOnlyList<ResultRecord> records, IReadOnlyList<UnitKey> units)
    {
        Records.AddRange(records);
        foreach (var u in units) _done.Add(u.Text);
    }
    public void RecordSkip(string model, string dataset, string itemId, string reason) => Skips.Add((model, dataset, itemId, reason));
}
