using GuidedCam.Core;

namespace GuidedCam.Harness.Datasets;

/// <summary>
/// A dataset as the runner sees it: a fixed, deterministic list of item ids (after split, limit,
/// sample and class filter) and a way to load one item preprocessed for a model. Loaders validate the
/// layout up front (constructor) and report every problem with its path.
/// </summary>
public interface IDataset
{
    string Name { get; }
    /// <summary>Label space id of the annotations: imagenet1k, coco80, voc20, synthetic6.</summary>
    string LabelSpace { get; }
    IReadOnlyList<string> ClassNames { get; }
    /// <summary>True when every image has exactly one label (ImageNet, the synthetic set); COCO and VOC are multi-label.</summary>
    bool SingleLabel { get; }
    /// <summary>True when items carry ground-truth boxes (or masks) of their objects.</summary>
    bool HasBoxes { get; }
    /// <summary>Item ids in the run's deterministic order; sharding splits this list.</summary>
    IReadOnlyList<string> ItemIds { get; }
    /// <summary>Loads one item. Throws <see cref="ItemLoadException"/> for an unreadable image: the runner logs it with the id and goes on.</summary>
    DatasetItem Load(string id, Preprocessing preprocessing);
}

/// <summary>An item that cannot be read (truncated, not an image, zero-sized). The run skips it and records the id.</summary>
public sealed class ItemLoadException(string itemId, string message, Exception? inner = null)
    : Exception($"{itemId}: {message}", inner)
{
    public string ItemId { get; } = itemId;
}
