namespace GuidedCam.Harness.Datasets;

/// <summary>
/// One dataset entry of a run config (`datasets:` list): which loader, where the files are and which
/// items to take. Selection order: split → class filter → deterministic sample → limit.
/// </summary>
public sealed record DatasetSpec
{
    /// <summary>Name used in results and logs (config key `name`).</summary>
    public required string Name { get; init; }
    /// <summary>Loader kind (config key `kind`): synthetic, imagenet, coco or voc (see <see cref="DatasetLoader.Builtins"/>).</summary>
    public required string Kind { get; init; }
    /// <summary>Folder holding the dataset in its official layout (config key `root`); unused by synthetic.</summary>
    public string? Root { get; init; }
    /// <summary>Split (config key `split`): imagenet val; coco val or train (the 2014 files); voc val, train or trainval.</summary>
    public string Split { get; init; } = "val";
    /// <summary>Keep only the first N items after sampling (config key `limit`).</summary>
    public int? Limit { get; init; }
    /// <summary>Draw N items uniformly without replacement, seeded by <see cref="Seed"/> (config key `sample`).</summary>
    public int? Sample { get; init; }
    /// <summary>Seed of the sample draw (config key `seed`; the run's seed when absent).</summary>
    public int Seed { get; init; }
    /// <summary>Keep only items with at least one object of one of these classes (config key `classes`): class names, or wnids for ImageNet.</summary>
    public IReadOnlyList<string>? Classes { get; init; }
    /// <summary>
    /// ImageNet only (config key `label-file`): which label file to read — `loc-csv` (LOC_val_solution.csv),
    /// `val-txt` (val.txt), `devkit` (ILSVRC2012_validation_ground_truth*.txt + ilsvrc2012_id_to_wnid.txt),
    /// or a path to one of them (relative to the root). Absent: the first of the three that exists.
    /// </summary>
    public string? LabelFile { get; init; }
    /// <summary>Synthetic only (config key `count`): how many images the generator draws (default 200).</summary>
    public int? Count { get; init; }
    /// <summary>Synthetic only (config key `image-size`): side of the square images in pixels (default 64).</summary>
    public int? ImageSize { get; init; }

    /// <summary>`max-pixels`: images with more pixels (width × height, read from the header before decoding) are skipped with a reason; default <see cref="ImagePreprocessor.DefaultMaxPixels"/>.</summary>
    public long? MaxPixels { get; init; }
}
