using GuidedCam.Core;

namespace GuidedCam.Harness.Datasets;

/// <summary>
/// What the ImageNet, COCO and VOC loaders share once their constructor has read and validated the
/// layout: an id → (image file, annotations) table, the item selection of <see cref="DatasetSpec"/>, and
/// loading one item through <see cref="ImagePreprocessor"/>.
/// </summary>
public abstract class AnnotatedImageDataset : IDataset
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private IReadOnlyList<string> _itemIds = Array.Empty<string>();

    protected AnnotatedImageDataset(DatasetSpec spec, string labelSpace, bool singleLabel)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ItemSelection.ValidateOptions(spec);
        Spec = spec;
        Name = spec.Name;
        LabelSpace = labelSpace;
        SingleLabel = singleLabel;
    }

    public DatasetSpec Spec { get; }
    public string Name { get; }
    public string LabelSpace { get; }
    public bool SingleLabel { get; }
    /// <summary>All three annotation formats (ILSVRC, COCO, VOC) carry a box for every object.</summary>
    public bool HasBoxes => true;
    public abstract IReadOnlyList<string> ClassNames { get; }
    public IReadOnlyList<string> ItemIds => _itemIds;

    /// <summary>Number of items of the split before class filter, sample and limit.</summary>
    public int SplitItemCount { get; private set; }

    /// <summary>The original image file of an item (for overlays and reports).</summary>
    public string ImagePath(string id) => Find(id).ImagePath;

    /// <summary>The annotations of an item in original pixel coordinates, without decoding the image (boxes not yet clipped to the decoded size, no masks).</summary>
    public IReadOnlyList<ObjectAnnotation> Annotations(string id) => Find(id).Objects;

    public DatasetItem Load(string id, Preprocessing preprocessing)
    {
        ArgumentNullException.ThrowIfNull(preprocessing);
        Entry e = Find(id);
        using var image = ImagePreprocessor.Decode(e.ImagePath, id);
        var (input, geometry) = ImagePreprocessor.Apply(image, preprocessing);
        int w = image.Width, h = image.Height;
        // Boxes are clipped to the decoded image: annotation files can reach past it (the shared mini
        // ImageNet images were cropped after annotation) and metrics assume boxes inside the image.
        var objects = e.Objects.Select(o => o with { Box = Clip(o.Box, w, h) }).ToList();
        return new DatasetItem
        {
            Id = id,
            Input = input,
            Geometry = geometry,
            Objects = CompleteObjects(id, objects, w, h),
        };
    }

    /// <summary>Hook for per-item data decoded only on load (COCO masks); the default returns the objects as they are.</summary>
    protected virtual IReadOnlyList<ObjectAnnotation> CompleteObjects(string id, IReadOnlyList<ObjectAnnotation> objects, int width, int height) => objects;

    /// <summary>Records the split (in the loader's fixed order) and applies class filter, sample and limit.</summary>
    protected void SetItems(IReadOnlyList<(string Id, string ImagePath, IReadOnlyList<ObjectAnnotation> Objects)> split, HashSet<int>? classFilter)
    {
        _entries.Clear();
        foreach (var (id, path, objects) in split) _entries[id] = new Entry(path, objects);
        SplitItemCount = split.Count;
        _itemIds = ItemSelection.Select(Spec, split.Select(s => s.Id).ToArray(), id => _entries[id].Objects.Select(o => o.ClassIndex), classFilter);
    }

    /// <summary>Class filter by name (case-insensitive) against <see cref="ClassNames"/>, plus loader-specific aliases.</summary>
    protected HashSet<int>? ResolveClassFilter(List<string> problems, Func<string, int, bool>? alsoMatches = null) =>
        ItemSelection.ResolveClassFilter(Spec, ClassNames.Count,
            (name, c) => string.Equals(ClassNames[c], name, StringComparison.OrdinalIgnoreCase) || (alsoMatches?.Invoke(name, c) ?? false),
            problems, ClassNames.Count <= 80 ? "allowed: " + string.Join(", ", ClassNames) : "give a class name or wnid as in the class list file");

    protected void ThrowIfProblems(List<string> problems)
    {
        if (problems.Count > 0) throw new DatasetLayoutException(Name, problems);
    }

    protected static Box Clip(Box b, int width, int height) =>
        new(Math.Clamp(b.X1, 0, width), Math.Clamp(b.Y1, 0, height), Math.Clamp(b.X2, 0, width), Math.Clamp(b.Y2, 0, height));

    private Entry Find(string id) =>
        _entries.TryGetValue(id, out var e) ? e : throw new ArgumentException($"dataset '{Name}': unknown item id '{id}'");

    private sealed record Entry(string ImagePath, IReadOnlyList<ObjectAnnotation> Objects);
}
