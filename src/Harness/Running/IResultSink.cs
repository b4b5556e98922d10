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

/// <summary>
/// The run journal as a sink (the CLI's `run`). A failed write (disk full, file size limit, read-only
/// file) becomes an <see cref="IOException"/> naming the journal: SQLite rolls the transaction back,
/// so every batch committed before stays committed and the next run resumes after it.
/// </summary>
public sealed class JournalSink(ResultJournal journal) : IResultSink
{
    public IReadOnlySet<string> DoneUnits(string model, string dataset) => Guard(() => journal.DoneUnits(model, dataset));
    public void Commit(IReadOnlyList<ResultRecord> records, IReadOnlyList<UnitKey> units) => Guard(() => { journal.Commit(records, units); return 0; });
    public void RecordSkip(string model, string dataset, string itemId, string reason) => Guard(() => { journal.RecordSkip(model, dataset, itemId, reason); return 0; });

    private T Guard<T>(Func<T> body)
    {
        try { return body(); }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            throw new IOException($"{journal.Path}: cannot write the result journal ({e.Message.TrimEnd('.')}); batches committed before are kept and the next run resumes after them", e);
        }
    }
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
