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
        using var image = ImagePreprocessor.Decode(e.ImagePath, id, Spec.MaxPixels ?? ImagePreprocessor.DefaultMaxPixels);
        int w = image.Width, h = image.Height;
        var objects = CheckedObjects(id, e, w, h);
        var (input, geometry) = ImagePreprocessor.Apply(image, preprocessing);
        var completed = CompleteObjects(id, objects, w, h);
        for (int k = 0; k < completed.Count; k++)
            if (completed[k].Mask is { } mask && !mask.Contains(true))
                throw new ItemLoadException(id, $"object #{k + 1} ({ClassNames[completed[k].ClassIndex]}): its segmentation covers no pixel of the {w}x{h} image; skipped rather than scored as a miss");
        return new DatasetItem
        {
            Id = id,
            Input = input,
            Geometry = geometry,
            Objects = completed,
        };
    }

    /// <summary>
    /// The annotations checked against the decoded image, so a wrong annotation is a counted, logged
    /// skip and never a silent miss: the size the annotation file declares (VOC <c>&lt;size&gt;</c>, COCO
    /// <c>width/height</c>) must be the decoded size, and every box must keep some area once clipped to
    /// the image. Boxes that only reach past the border are clipped (the shared mini ImageNet images
    /// were cropped after annotation), as metrics assume boxes inside the image.
    /// </summary>
    private List<ObjectAnnotation> CheckedObjects(string id, Entry e, int w, int h)
    {
        if (DeclaredSize(id) is { } declared && (declared.Width != w || declared.Height != h))
            throw new ItemLoadException(id, $"the annotation says the image is {declared.Width}x{declared.Height}, the decoded image {e.ImagePath} is {w}x{h}; boxes would not line up");
        var objects = new List<ObjectAnnotation>(e.Objects.Count);
        for (int k = 0; k < e.Objects.Count; k++)
        {
            var o = e.Objects[k];
            var clipped = Clip(o.Box, w, h);
            if (clipped.Area <= 0)
                throw new ItemLoadException(id, $"object #{k + 1} ({ClassNames[o.ClassIndex]}): box ({o.Box.X1:0.#}, {o.Box.Y1:0.#}, {o.Box.X2:0.#}, {o.Box.Y2:0.#}) " +
                    $"{(o.Box.Area <= 0 ? "is empty" : "lies outside")} the {w}x{h} image; skipped rather than scored as a miss");
            objects.Add(o with { Box = clipped });
        }
        return objects;
    }

    /// <summary>The image size the annotation file declares for an item, when it declares one (VOC, COCO); null otherwise.</summary>
    protected virtual (int Width, int Height)? DeclaredSize(string id) => null;

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
