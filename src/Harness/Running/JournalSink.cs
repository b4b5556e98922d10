using GuidedCam.Core;
using GuidedCam.Harness.Results;
using GuidedCam.Metrics;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Running;

/// <summary>The run folder as a sink (the CLI's `run`): the journal, and the qualitative map files beside it.</summary>
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

    public void Commit(BatchCommit batch) => journal.Commit(batch);

    public bool HasQualitative(string model, string dataset, string itemId, string method, string methodOptions) =>
        File.Exists(RunLayout.MapFile(runDir, model, dataset, itemId, method, methodOptions));

    public void SaveQualitative(string model, string dataset, DatasetItem item, string method, string methodOptions, Tensor map, Tensor input, Normalization norm) =>
        QualitativeMaps.Save(runDir, model, dataset, item, method, methodOptions, map, input, norm);
}
