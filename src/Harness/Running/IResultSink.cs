using GuidedCam.Core;
using GuidedCam.Harness.Results;
using GuidedCam.Metrics;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Running;

/// <summary>
/// Where the runner reads what is already computed and commits what it computes. A batch's units,
/// maps, values and marks are committed together (atomically in the journal), so a killed run resumes
/// at a batch boundary and never duplicates or loses a finished batch. Qualitative maps (files for the
/// grid) also go through the sink.
/// </summary>
public interface IResultSink
{
    StageState ReadStage(string modelKey, string datasetKey);
    List<StoredMap> ReadMaps(string modelKey, string datasetKey, string methodKey, IEnumerable<string> itemIds);
    void Commit(BatchCommit batch);
    /// <summary>Whether the qualitative map file of an item and method is already there.</summary>
    bool HasQualitative(string model, string dataset, string itemId, string method, string methodOptions);
    void SaveQualitative(string model, string dataset, DatasetItem item, string method, string methodOptions, Tensor map, Tensor input, Normalization norm);
}
