namespace GuidedCam.Metrics;

/// <summary>What a metric needs of the dataset and models besides maps and images; checked by `validate` before any work.</summary>
[Flags]
public enum MetricRequirements
{
    None = 0,
    /// <summary>One label per image (the ILSVRC localization protocol); multi-label datasets are refused.</summary>
    SingleLabelDataset = 1,
    /// <summary>Ground-truth boxes (or masks) of the objects of each class.</summary>
    GroundTruthBoxes = 2,
}
