using GuidedCam.Core;

namespace GuidedCam.Harness.Datasets;

/// <summary>
/// PASCAL VOC 2012 (Everingham et al., IJCV 2010): <c>VOCdevkit/VOC2012/{JPEGImages,Annotations,ImageSets/Main}</c>.
/// Items are the ids of <c>ImageSets/Main/{split}.txt</c> in file order; objects come from
/// <c>Annotations/{id}.xml</c> with 1-based inclusive pixel boxes, converted to <see cref="Box"/> as
/// X1 = xmin − 1, X2 = xmax (likewise y). Difficult and truncated objects are kept with their flags.
/// </summary>
public sealed class VocDataset : AnnotatedImageDataset
{
    private readonly Dictionary<string, (int Width, int Height)> _declaredSize = new(StringComparer.Ordinal);

    /// <summary>The 20 VOC classes in the devkit's order (VOCdevkit VOCinit.m), which is the voc20 label space.</summary>
    public static IReadOnlyList<string> VocClassNames { get; } = new[]
    {
        "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
        "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
    };

    private static readonly string[] Splits = { "train", "val", "trainval" };

    public VocDataset(DatasetSpec spec) : base(spec, "voc20", singleLabel: false)
    {
        var problems = new List<string>();
        string year = FindYearFolder(spec, problems);
        if (year.Length == 0) ThrowIfProblems(problems);

        string images = Path.Combine(year, "JPEGImages"), annotations = Path.Combine(year, "Annotations"), main = Path.Combine(year, "ImageSets", "Main");
        foreach (string dir in new[] { images, annotations, main })
            if (!Directory.Exists(dir)) problems.Add($"{dir}: missing folder");
        if (!Splits.Contains(spec.Split))
            problems.Add($"split '{spec.Split}' is not a VOC2012 detection split; allowed: {string.Join(", ", Splits)}");
        var filter = ResolveClassFilter(problems);
        ThrowIfProblems(problems);

        string splitFile = Path.Combine(main, spec.Split + ".txt");
        var ids = ReadSplit(splitFile, problems);
        var split = new List<(string, string, IReadOnlyList<ObjectAnnotation>)>();
        foreach (string id in ids)
        {
            string jpg = Path.Combine(images, id + ".jpg"), xml = Path.Combine(annotations, id + ".xml");
            bool hasImage = File.Exists(jpg), hasXml = File.Exists(xml);
            if (!hasImage && !hasXml) { problems.Add($"{splitFile}: id '{id}' has neither image {jpg} nor annotation {xml}"); continue; }
            if (!hasImage) { problems.Add($"{xml}: annotation without image (missing {jpg})"); continue; }
            if (!hasXml) { problems.Add($"{jpg}: image without annotation (missing {xml})"); continue; }
            var ann = PascalVocXml.Read(xml, problems);
            if (ann is null) continue;
            var objects = new List<ObjectAnnotation>();
            int k = 0;
            foreach (var o in ann.Objects)
            {
                k++;
                int c = IndexOf(o.Name);
                if (c < 0) { problems.Add($"{xml}: <object> #{k} has class '{o.Name}', not one of the 20 VOC classes"); continue; }
                objects.Add(new ObjectAnnotation(c, new Box(o.XMin - 1, o.YMin - 1, o.XMax, o.YMax), o.Difficult, o.Truncated));
            }
            if (ann.ObjectElements == 0) problems.Add($"{xml}: no <object> in the annotation");
            if (ann.Width is int aw && ann.Height is int ah) _declaredSize[id] = (aw, ah);
            split.Add((id, jpg, objects));
        }
        ThrowIfProblems(problems);
        SetItems(split, filter);
    }

    public override IReadOnlyList<string> ClassNames => VocClassNames;

    /// <summary>The <c>&lt;size&gt;</c> of the annotation, checked against the decoded image.</summary>
    protected override (int Width, int Height)? DeclaredSize(string id) => _declaredSize.TryGetValue(id, out var s) ? s : null;

    private static int IndexOf(string name)
    {
        for (int i = 0; i < VocClassNames.Count; i++)
            if (VocClassNames[i] == name) return i;
        return -1;
    }

    /// <summary>Accepts a root that is the VOC2012 folder itself, its VOCdevkit parent, or the folder holding VOCdevkit.</summary>
    private static string FindYearFolder(DatasetSpec spec, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(spec.Root)) { problems.Add("`root` is missing: give the folder that holds VOCdevkit/VOC2012"); return ""; }
        string root = Path.GetFullPath(spec.Root);
        if (!Directory.Exists(root)) { problems.Add($"{root}: root folder does not exist"); return ""; }
        string[] candidates = { Path.Combine(root, "VOCdevkit", "VOC2012"), Path.Combine(root, "VOC2012"), root };
        foreach (string c in candidates)
            if (Directory.Exists(Path.Combine(c, "JPEGImages")) || Directory.Exists(Path.Combine(c, "Annotations"))) return c;
        problems.Add($"{candidates[0]}: missing folder (no JPEGImages/ or Annotations/ found under {root}, {candidates[1]} or {candidates[0]})");
        return "";
    }

    private static List<string> ReadSplit(string splitFile, List<string> problems)
    {
        var ids = new List<string>();
        if (!File.Exists(splitFile)) { problems.Add($"{splitFile}: missing split file"); return ids; }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int lineNo = 0;
        foreach (string raw in File.ReadLines(splitFile))
        {
            lineNo++;
            string line = raw.Trim();
            if (line.Length == 0) continue;
            // Main/{split}.txt has one id per line; a per-class file ({class}_{split}.txt) has "id ±1" and is not a split list.
            if (line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length != 1)
            { problems.Add($"{splitFile}:{lineNo}: expected one image id per line, got '{line}'"); continue; }
            if (!seen.Add(line)) { problems.Add($"{splitFile}:{lineNo}: id '{line}' listed twice"); continue; }
            ids.Add(line);
        }
        if (ids.Count == 0) problems.Add($"{splitFile}: split file lists no image ids");
        return ids;
    }
}
