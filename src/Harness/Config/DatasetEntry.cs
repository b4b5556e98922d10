using GuidedCam.Core;
using GuidedCam.Harness.Datasets;

namespace GuidedCam.Harness.Config;

/// <summary>
/// A `datasets:` entry of a config: the keys it takes (declared once, like a method's options, so
/// unknown keys and bad values are errors naming the key and its line), and turning it into a
/// <see cref="DatasetSpec"/> and an opened <see cref="IDataset"/>. Adding a key = one line in
/// <see cref="Keys"/> and one where <see cref="ToSpec"/> reads it.
/// </summary>
public static class DatasetEntry
{
    public static IReadOnlyList<OptionSpec> Keys { get; } = new[]
    {
        new OptionSpec("root", null, "folder holding the dataset in its official layout (not used by synthetic)"),
        new OptionSpec("split", "val", "imagenet: val; coco: val or train; voc: val, train or trainval"),
        new OptionSpec("limit", null, "keep only the first N items after sampling, N ≥ 1"),
        new OptionSpec("sample", null, "draw N items uniformly without replacement, N ≥ 1"),
        new OptionSpec("seed", null, "seed of the sample draw; absent: the run's seed"),
        new OptionSpec("classes", null, "keep only items with an object of one of these classes (names, or wnids for ImageNet)"),
        new OptionSpec("label-file", null, "imagenet: loc-csv, val-txt, devkit or a path; absent: the first that exists"),
        new OptionSpec("count", null, "synthetic: how many images (default 200)"),
        new OptionSpec("image-size", null, "synthetic: side of the square images in pixels, ≥ 32 (default 64)"),
        new OptionSpec("max-pixels", null, "largest image (width × height) a loader decodes, ≥ 1; absent: the loaders' limit"),
    };

    /// <summary>The entry's keys with defaults filled in; unknown keys are errors.</summary>
    public static IReadOnlyDictionary<string, string> Resolve(ComponentEntry e) => OptionResolver.Resolve(e.Name, Keys, e.Options);

    public static DatasetSpec ToSpec(ComponentEntry e, int runSeed)
    {
        var o = Resolve(e);
        return new DatasetSpec
        {
            Name = e.Name,
            Kind = e.Id,
            Root = o.GetOrNull("root"),
            Split = o["split"],
            Limit = o.GetIntOrNull(e.Name, "limit", min: 1),
            Sample = o.GetIntOrNull(e.Name, "sample", min: 1),
            Seed = o.GetIntOrNull(e.Name, "seed", min: 0) ?? runSeed,
            Classes = o.GetOrNull("classes")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            LabelFile = o.GetOrNull("label-file"),
            Count = o.GetIntOrNull(e.Name, "count", min: 1),
            ImageSize = o.GetIntOrNull(e.Name, "image-size", min: 32),
            MaxPixels = o.GetIntOrNull(e.Name, "max-pixels", min: 1),
        };
    }

    public static IDataset Open(ComponentEntry e, int runSeed) => DatasetLoader.Open(ToSpec(e, runSeed));
}
