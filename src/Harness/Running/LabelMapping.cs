using GuidedCam.Harness.Datasets;
using GuidedCam.Harness.Models;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Running;

/// <summary>
/// How a dataset's ground-truth classes become model targets during a run (docs/spec/datasets.md "Label
/// spaces"): through the <see cref="LabelMap"/> between the two label spaces (identity when equal);
/// the target is the highest-scoring model class of the mapped set. Unmapped classes are skipped and
/// counted for the run log.
/// </summary>
public sealed class LabelMapping
{
    private readonly LabelMap _map;
    private readonly HashSet<string> _unmapped = new();

    private LabelMapping(LabelMap map) => _map = map;

    public IReadOnlyCollection<string> UnmappedClasses => _unmapped;
    public int SkippedUnits { get; private set; }

    public static LabelMapping Between(IDataset dataset, RunModel model) =>
        new(LabelSpaces.Resolve(dataset.LabelSpace, dataset.ClassNames, model.LabelSpace));

    /// <summary>The model class for dataset class <paramref name="datasetClass"/>, or null when unmapped.</summary>
    public long? Target(int datasetClass, Tensor logitsRow)
    {
        if (!_map.IsMapped(datasetClass))
        {
            _unmapped.Add(_map.SourceClasses[datasetClass]);
            SkippedUnits++;
            return null;
        }
        if (_map.IsIdentity) return datasetClass;
        var scores = logitsRow.data<float>().ToArray();
        return _map.Target(datasetClass, scores);
    }
}
