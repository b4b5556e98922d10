using GuidedCam.Core;
using GuidedCam.Harness.Results;
using GuidedCam.Metrics;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Running;

/// <summary>
/// The run folder as a sink (the CLI's `run`): the journal, and the qualitative map files beside it.
/// A failed commit (disk full, file size limit, read-only file) becomes an <see cref="IOException"/>
/// naming the journal: SQLite rolls the transaction back, so every batch committed before stays
/// committed and the next run resumes after it.
/// </summary>
public sealed class JournalSink(ResultJournal journal, string runDir) : IResultSink
{
    public StageState ReadStage(string modelKey, string datasetKey) => new()
    {
        Units = journal.ReadUnits(modelKey, datasetKey),
        Maps = journal.ReadMapIndex(modelKey, datasetKey),
        Marks = journal.ReadMarks(modelKey, datasetKey),
        Skipped = journal.ReadSkipped(modelKey, datasetKey),
    };

    public List<StoredMap> ReadMaps(string modelKey, string datasetKey, string methodKey, IEnumerable<string> itemIds) =>
        journal.ReadMaps(modelKey, datasetKey, methodKey, itemIds);

    public void Commit(BatchCommit batch)
    {
        try { journal.Commit(batch); }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            throw new IOException($"{journal.Path}: cannot write the result journal ({e.Message.TrimEnd('.')}); batches committed before are kept and the next run resumes after them", e);
        }
    }

    public bool HasQualitative(string model, string dataset, string itemId, string method, string methodOptions) =>
        File.Exists(RunLayout.MapFile(runDir, model, dataset, itemId, method, methodOptions));

    public void SaveQualitative(string model, string dataset, DatasetItem item, string method, string methodOptions, Tensor map, Tensor input, Normalization norm) =>
        QualitativeMaps.Save(runDir, model, dataset, item, method, methodOptions, map, input, norm);
}
