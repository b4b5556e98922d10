using GuidedCam.Harness.Datasets;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Running;

/// <summary>
/// How a dataset's ground-truth classes become model targets (DATASETS.md "Label spaces"): the same
/// label space maps a class to itself; otherwise a mapping table gives a set of model classes and the
/// target is the highest-scoring one on the clean image. Unmapped classes are skipped and counted.
/// </summary>
public sealed class LabelMapping
{
    private readonly Func<int, IReadOnlyList<int>?> _map;
    private readonly HashSet<string> _unmapped = new();
    private readonly IReadOnlyList<string> _classNames;

    private LabelMapping(IReadOnlyList<string> classNames, Func<int, IReadOnlyList<int>?> map)
    {
        _classNames = classNames;
        _map = map;
    }

    public IReadOnlyCollection<string> UnmappedClasses => _unmapped;
    public int SkippedUnits { get; private set; }

    public static LabelMapping Between(IDataset dataset, RunModel model)
    {
        if (dataset.LabelSpace == model.LabelSpace)
            return new LabelMapping(dataset.ClassNames, c => new[] { c });
        throw new ArgumentException(
            $"dataset '{dataset.Name}' has label space '{dataset.LabelSpace}' and model '{model.Name}' has '{model.LabelSpace}': no mapping table between them");
    }

    /// <summary>The model class for dataset class <paramref name="datasetClass"/>, or null when unmapped.</summary>
    public long? Target(int datasetClass, Tensor logitsRow)
    {
        var set = _map(datasetClass);
        if (set is null || set.Count == 0)
        {
            _unmapped.Add(datasetClass < _classNames.Count ? _classNames[datasetClass] : datasetClass.ToString());
            SkippedUnits++;
            return null;
        }
        if (set.Count == 1) return set[0];
        var scores = logitsRow.data<float>().ToArray();
        return set.MaxBy(c => scores[c]);
    }
}
