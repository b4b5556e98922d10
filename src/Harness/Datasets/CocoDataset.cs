using System.Text.Json;
using GuidedCam.Core;

namespace GuidedCam.Harness.Datasets;

/// <summary>
/// MS-COCO 2014 (Lin et al., ECCV 2014): <c>{split}2014/*.jpg</c> and <c>annotations/instances_{split}2014.json</c>.
/// The 80 category ids (1..90 with gaps) map to contiguous indices 0..79 in ascending id order (the
/// coco80 label space). Boxes <c>[x, y, w, h]</c> become <see cref="Box"/>(x, y, x + w, y + h).
/// Polygon and RLE segmentations (uncompressed counts for <c>iscrowd = 1</c>, compressed strings as in
/// result files) are decoded on load into <see cref="ObjectAnnotation.Mask"/> at the original size;
/// <c>iscrowd</c> is kept as <see cref="ObjectAnnotation.Crowd"/>. Items are the images with at least one
/// annotation, ordered by image id; images without annotations have no ground truth and are left out
/// (counted in <see cref="ImagesWithoutAnnotations"/>). Item id = file name without extension.
/// </summary>
public sealed class CocoDataset : AnnotatedImageDataset
{
    private static readonly string[] Splits = { "val", "train" };
    private static readonly string[] ImageExtensions = { ".jpg", ".jpeg", ".png" };

    private readonly string[] _names;
    private readonly int[] _categoryIds;
    private readonly Dictionary<string, (int Width, int Height, CocoSegmentation?[] Segmentations)> _segmentation = new(StringComparer.Ordinal);

    public CocoDataset(DatasetSpec spec) : base(spec, "coco80", singleLabel: false)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(spec.Root)) throw new DatasetLayoutException(spec.Name, new[] { "`root` is missing: give the folder that holds val2014/ and annotations/" });
        string root = Path.GetFullPath(spec.Root);
        if (!Directory.Exists(root)) throw new DatasetLayoutException(spec.Name, new[] { $"{root}: root folder does not exist" });
        if (!Splits.Contains(spec.Split)) throw new DatasetLayoutException(spec.Name, new[] { $"split '{spec.Split}' is not a COCO 2014 split; allowed: {string.Join(", ", Splits)}" });

        string imageDir = Path.Combine(root, spec.Split + "2014");
        string jsonPath = Path.Combine(root, "annotations", $"instances_{spec.Split}2014.json");
        if (!Directory.Exists(imageDir)) problems.Add($"{imageDir}: missing folder");
        CocoJson? coco = null;
        if (!File.Exists(jsonPath)) problems.Add($"{jsonPath}: missing annotation file");
        else coco = ReadJson(jsonPath, problems);
        ThrowIfProblems(problems);

        var categories = coco!.Categories.OrderBy(c => c.Id).ToList();
        _categoryIds = categories.Select(c => c.Id).ToArray();
        _names = categories.Select(c => c.Name).ToArray();
        var categoryIndex = new Dictionary<int, int>();
        for (int i = 0; i < categories.Count; i++)
            if (!categoryIndex.TryAdd(categories[i].Id, i)) problems.Add($"{jsonPath}: category id {categories[i].Id} listed twice");
        if (categories.Count != 80) problems.Add($"{jsonPath}: {categories.Count} categories; the COCO detection task has 80");
        var filter = ResolveClassFilter(problems);

        var onDisk = Directory.EnumerateFiles(imageDir)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .ToDictionary(f => Path.GetFileName(f), f => f, StringComparer.Ordinal);
        var images = new Dictionary<long, CocoImage>();
        foreach (var im in coco.Images)
        {
            if (!images.TryAdd(im.Id, im)) { problems.Add($"{jsonPath}: image id {im.Id} listed twice"); continue; }
            if (im.Width <= 0 || im.Height <= 0) problems.Add($"{jsonPath}: image {im.Id} ({im.FileName}) has size {im.Width}x{im.Height}");
            if (!onDisk.ContainsKey(im.FileName)) problems.Add($"{Path.Combine(imageDir, im.FileName)}: image listed in {jsonPath} (id {im.Id}) is missing");
        }
        var listed = coco.Images.Select(i => i.FileName).ToHashSet(StringComparer.Ordinal);
        foreach (var (file, path) in onDisk)
            if (!listed.Contains(file)) problems.Add($"{path}: image not listed in {jsonPath}");

        var byImage = new Dictionary<long, List<CocoAnnotation>>();
        foreach (var a in coco.Annotations)
        {
            string where = $"{jsonPath}: annotation {a.Id}";
            if (!images.TryGetValue(a.ImageId, out var im)) { problems.Add($"{where}: image_id {a.ImageId} is not in `images`"); continue; }
            if (!categoryIndex.ContainsKey(a.CategoryId)) { problems.Add($"{where}: category_id {a.CategoryId} is not in `categories`"); continue; }
            if (a.Bbox.Length != 4 || a.Bbox.Any(v => !double.IsFinite(v)) || a.Bbox[2] < 0 || a.Bbox[3] < 0)
            { problems.Add($"{where}: bbox must be [x, y, w, h] with w, h ≥ 0, got [{string.Join(", ", a.Bbox)}]"); continue; }
            if (a.Iscrowd is not (0 or 1)) { problems.Add($"{where}: iscrowd must be 0 or 1, got {a.Iscrowd}"); continue; }
            if (a.Segmentation?.Size is { } size && (size[0] != im.Height || size[1] != im.Width))
            { problems.Add($"{where}: RLE size [{size[0]}, {size[1]}] differs from the image's [height, width] [{im.Height}, {im.Width}]"); continue; }
            if (a.Segmentation?.Polygons?.FirstOrDefault(p => p.Length < 6 || p.Length % 2 != 0) is { } bad)
            { problems.Add($"{where}: a polygon has {bad.Length} coordinates; it needs an even number ≥ 6"); continue; }
            if (!byImage.TryGetValue(a.ImageId, out var list)) byImage[a.ImageId] = list = new List<CocoAnnotation>();
            list.Add(a);
        }
        ThrowIfProblems(problems);

        var split = new List<(string, string, IReadOnlyList<ObjectAnnotation>)>();
        foreach (var im in coco.Images.OrderBy(i => i.Id))
        {
            if (!byImage.TryGetValue(im.Id, out var anns)) { ImagesWithoutAnnotations++; continue; }
            anns.Sort((a, b) => a.Id.CompareTo(b.Id));
            string id = Path.GetFileNameWithoutExtension(im.FileName);
            var objects = anns.Select(a => new ObjectAnnotation(categoryIndex[a.CategoryId],
                new Box(a.Bbox[0], a.Bbox[1], a.Bbox[0] + a.Bbox[2], a.Bbox[1] + a.Bbox[3])) { Crowd = a.Iscrowd == 1 }).ToList();
            _segmentation[id] = (im.Width, im.Height, anns.Select(a => a.Segmentation is { IsEmpty: false } s ? s : null).ToArray());
            split.Add((id, onDisk[im.FileName], objects));
        }
        SetItems(split, filter);
    }

    public override IReadOnlyList<string> ClassNames => _names;

    /// <summary>The official category id of each class index (ascending).</summary>
    public IReadOnlyList<int> CategoryIds => _categoryIds;

    /// <summary>Images listed in the annotation file with no annotation (left out of the items).</summary>
    public int ImagesWithoutAnnotations { get; }

    /// <summary>The image's <c>width</c>/<c>height</c> in the annotation file (checked against the decoded image before masks are drawn).</summary>
    protected override (int Width, int Height)? DeclaredSize(string id) => _segmentation.TryGetValue(id, out var s) ? (s.Width, s.Height) : null;

    protected override IReadOnlyList<ObjectAnnotation> CompleteObjects(string id, IReadOnlyList<ObjectAnnotation> objects, int width, int height)
    {
        var (_, _, segs) = _segmentation[id];
        if (segs.All(s => s is null)) return objects;
        var result = new List<ObjectAnnotation>(objects.Count);
        for (int i = 0; i < objects.Count; i++)
        {
            CocoSegmentation? s = segs[i];
            try
            {
                result.Add(s is null ? objects[i] : objects[i] with { Mask = Decode(s, width, height) });
            }
            catch (FormatException e)
            {
                throw new ItemLoadException(id, $"segmentation of object #{i + 1} cannot be decoded: {e.Message}", e);
            }
        }
        return result;
    }

    private static bool[] Decode(CocoSegmentation s, int width, int height) =>
        s.Polygons is not null ? CocoMask.RasterizePolygons(s.Polygons, width, height)
        : CocoMask.DecodeRle(s.Counts ?? CocoMask.DecodeCompressedCounts(s.CompressedCounts!), width, height);

    private static CocoJson? ReadJson(string path, List<string> problems)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var coco = JsonSerializer.Deserialize<CocoJson>(stream, CocoJson.Options);
            if (coco is null) problems.Add($"{path}: the file holds JSON null, expected an object with images, annotations, categories");
            return coco;
        }
        catch (JsonException e)
        {
            // System.Text.Json names the JSON path and line of the bad or missing field.
            string at = e.Path is null ? "" : $" at {e.Path}" + (e.LineNumber is long l ? $" (line {l + 1})" : "");
            problems.Add($"{path}: invalid COCO annotation file{at}: {e.Message}");
        }
        catch (IOException e)
        {
            problems.Add($"{path}: unreadable: {e.Message}");
        }
        return null;
    }
}
