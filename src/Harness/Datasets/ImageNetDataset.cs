using System.Globalization;
using GuidedCam.Core;

namespace GuidedCam.Harness.Datasets;

/// <summary>
/// ILSVRC2012 validation set (Russakovsky et al., IJCV 2015) as distributed:
/// <c>ILSVRC2012_img_val/ILSVRC2012_val_XXXXXXXX.JPEG</c>, boxes in <c>ILSVRC2012_bbox_val/val/*.xml</c>
/// (0-based inclusive pixel boxes: <see cref="Box"/> X1 = xmin, X2 = xmax + 1; every object counts), and
/// the labels from one of three files (see <see cref="DatasetSpec.LabelFile"/>). Class index = position of
/// the wnid in sorted order (index 0 = n01440764, tench), the order of torchvision/Caffe models; the
/// devkit's own 1-based ids (1 = n02119789, kit fox) are translated through its id→wnid table.
/// Items are ordered by id.
/// </summary>
public sealed class ImageNetDataset : AnnotatedImageDataset
{
    public const string ImageFolder = "ILSVRC2012_img_val";
    public const string BoxFolder = "ILSVRC2012_bbox_val/val";
    public const string LocCsv = "LOC_val_solution.csv";
    public const string ValTxt = "val.txt";
    public const string DevkitData = "ILSVRC2012_devkit_t12/data";
    public const string DevkitIdToWnid = "ilsvrc2012_id_to_wnid.txt";

    private readonly string[] _wnids;
    private readonly string[] _names;

    public ImageNetDataset(DatasetSpec spec) : base(spec, "imagenet1k", singleLabel: true)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(spec.Root)) throw new DatasetLayoutException(spec.Name, new[] { "`root` is missing: give the folder that holds ILSVRC2012_img_val/" });
        string root = Path.GetFullPath(spec.Root);
        if (spec.Split != "val") problems.Add($"split '{spec.Split}' is not supported: the ImageNet loader reads the ILSVRC2012 validation set (split: val)");
        if (!Directory.Exists(root)) throw new DatasetLayoutException(spec.Name, new[] { $"{root}: root folder does not exist" });

        (_wnids, _names) = ReadClassTable(root, problems);
        var wnidIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _wnids.Length; i++) wnidIndex[_wnids[i]] = i;

        string imageDir = Path.Combine(root, ImageFolder), boxDir = Path.Combine(root, BoxFolder);
        var images = ListFiles(imageDir, ".JPEG", problems);
        var labels = _wnids.Length == 1000 ? ReadLabels(root, spec.LabelFile, wnidIndex, problems) : null;
        var filter = _wnids.Length == 1000
            ? ResolveClassFilter(problems, (name, c) => name == _wnids[c] || string.Equals(_names[c].Split(',')[0].Trim(), name, StringComparison.OrdinalIgnoreCase))
            : null;
        if (labels is null || images is null) ThrowIfProblems(problems);
        bool boxesFromXml = Directory.Exists(boxDir);
        if (!boxesFromXml && labels!.Boxes is null)
            problems.Add($"{boxDir}: missing folder (the boxes are read from it; only {LocCsv} carries its own boxes)");
        var xmls = boxesFromXml ? ListFiles(boxDir, ".xml", problems) : null;
        ThrowIfProblems(problems);

        var split = new List<(string, string, IReadOnlyList<ObjectAnnotation>)>();
        foreach (string id in images!.Keys.Union(labels!.Index.Keys).Order(StringComparer.Ordinal))
        {
            bool hasImage = images.TryGetValue(id, out string? imagePath);
            if (!labels.Index.TryGetValue(id, out int label))
            { problems.Add($"{imagePath}: image without label in {labels.Source}"); continue; }
            if (!hasImage)
            { problems.Add($"{labels.Source}: label for {id} but no image {Path.Combine(imageDir, id + ".JPEG")}"); continue; }

            List<ObjectAnnotation> objects;
            if (xmls is not null)
            {
                if (!xmls.TryGetValue(id, out string? xml)) { problems.Add($"{imagePath}: image without box annotation (missing {Path.Combine(boxDir, id + ".xml")})"); continue; }
                var ann = PascalVocXml.Read(xml, problems);
                if (ann is null) continue;
                objects = new List<ObjectAnnotation>();
                foreach (var o in ann.Objects)
                {
                    if (!wnidIndex.TryGetValue(o.Name, out int c)) { problems.Add($"{xml}: object class '{o.Name}' is not one of the 1000 ILSVRC2012 wnids"); continue; }
                    if (c != label) { problems.Add($"{xml}: object class {o.Name} differs from the label {_wnids[label]} in {labels.Source}"); continue; }
                    // ILSVRC boxes are 0-based and inclusive (the devkit's evaluation adds 1 to xmax − xmin).
                    objects.Add(new ObjectAnnotation(c, new Box(o.XMin, o.YMin, o.XMax + 1, o.YMax + 1), o.Difficult, o.Truncated));
                }
                if (ann.ObjectElements == 0) problems.Add($"{xml}: no <object> in the box annotation");
            }
            else
            {
                objects = labels.Boxes![id].Select(b => new ObjectAnnotation(label, b)).ToList();
            }
            split.Add((id, imagePath!, objects));
        }
        if (xmls is not null)
            foreach (var (id, xml) in xmls)
                if (!images.ContainsKey(id)) problems.Add($"{xml}: box annotation without image {Path.Combine(imageDir, id + ".JPEG")}");
        ThrowIfProblems(problems);
        LabelSource = labels.Source;
        SetItems(split, filter);
    }

    /// <summary>Class descriptions in sorted-wnid order, as in LOC_synset_mapping.txt / synset_words.txt ("tench, Tinca tinca").</summary>
    public override IReadOnlyList<string> ClassNames => _names;

    /// <summary>The 1000 wnids in sorted order (the model class order).</summary>
    public IReadOnlyList<string> Wnids => _wnids;

    /// <summary>The label file the labels were read from.</summary>
    public string LabelSource { get; } = "";

    /// <summary>Labels of every image of the split, by id (before selection), in sorted-wnid indices.</summary>
    private sealed record LabelTable(string Source, Dictionary<string, int> Index, Dictionary<string, List<Box>>? Boxes);

    private static (string[] Wnids, string[] Names) ReadClassTable(string root, List<string> problems)
    {
        string[] candidates = { Path.Combine(root, "LOC_synset_mapping.txt"), Path.Combine(root, "synset_words.txt"), Path.Combine(root, DevkitData, "synset_words.txt") };
        string? file = candidates.FirstOrDefault(File.Exists);
        if (file is null)
        {
            problems.Add($"{candidates[0]}: missing class list (need LOC_synset_mapping.txt or synset_words.txt: 'wnid description' per line)");
            return (Array.Empty<string>(), Array.Empty<string>());
        }
        var rows = new List<(string Wnid, string Name)>();
        int lineNo = 0;
        foreach (string raw in File.ReadLines(file))
        {
            lineNo++;
            string line = raw.Trim();
            if (line.Length == 0) continue;
            int sp = line.IndexOf(' ');
            string wnid = sp < 0 ? line : line[..sp];
            if (!IsWnid(wnid)) { problems.Add($"{file}:{lineNo}: '{wnid}' is not a WordNet id (n + 8 digits)"); continue; }
            rows.Add((wnid, sp < 0 ? wnid : line[(sp + 1)..].Trim()));
        }
        int distinct = rows.Select(r => r.Wnid).Distinct().Count();
        if (rows.Count != 1000 || distinct != 1000)
        {
            problems.Add($"{file}: {rows.Count} lines with {distinct} distinct wnids; the ILSVRC2012 class list has exactly 1000");
            return (Array.Empty<string>(), Array.Empty<string>());
        }
        // Class index = rank in sorted (ordinal) wnid order, whatever order the file lists them in.
        rows.Sort((a, b) => string.CompareOrdinal(a.Wnid, b.Wnid));
        return (rows.Select(r => r.Wnid).ToArray(), rows.Select(r => r.Name).ToArray());
    }

    private static bool IsWnid(string s) => s.Length == 9 && s[0] == 'n' && s.Skip(1).All(char.IsAsciiDigit);

    private static Dictionary<string, string>? ListFiles(string dir, string extension, List<string> problems)
    {
        if (!Directory.Exists(dir)) { problems.Add($"{dir}: missing folder"); return null; }
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string f in Directory.EnumerateFiles(dir))
            if (f.EndsWith(extension, StringComparison.Ordinal)) map[Path.GetFileNameWithoutExtension(f)] = f;
        if (map.Count == 0) problems.Add($"{dir}: no *{extension} files");
        return map;
    }

    private static LabelTable? ReadLabels(string root, string? labelFile, Dictionary<string, int> wnidIndex, List<string> problems)
    {
        string loc = Path.Combine(root, LocCsv), val = Path.Combine(root, ValTxt);
        string? devkitGt = FindDevkitGroundTruth(root);
        string variant;
        string? path = null;
        switch (labelFile?.Trim().ToLowerInvariant())
        {
            case null or "" or "auto":
                if (File.Exists(loc)) (variant, path) = ("loc-csv", loc);
                else if (File.Exists(val)) (variant, path) = ("val-txt", val);
                else if (devkitGt is not null) (variant, path) = ("devkit", devkitGt);
                else
                {
                    problems.Add($"{root}: no label file; need one of {LocCsv}, {ValTxt}, or {DevkitData}/ILSVRC2012_validation_ground_truth.txt with {DevkitIdToWnid}");
                    return null;
                }
                break;
            case "loc-csv": (variant, path) = ("loc-csv", loc); break;
            case "val-txt": (variant, path) = ("val-txt", val); break;
            case "devkit":
                variant = "devkit";
                path = devkitGt ?? Path.Combine(root, DevkitData, "ILSVRC2012_validation_ground_truth.txt");
                break;
            default:
                path = Path.IsPathRooted(labelFile) ? labelFile! : Path.Combine(root, labelFile!);
                string fileName = Path.GetFileName(path);
                variant = fileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? "loc-csv"
                    : fileName.Contains("ground_truth", StringComparison.OrdinalIgnoreCase) ? "devkit" : "val-txt";
                break;
        }
        if (!File.Exists(path)) { problems.Add($"{path}: label file ({variant}) not found; `label-file` allows auto, loc-csv, val-txt, devkit or a path"); return null; }
        int before = problems.Count;
        LabelTable table = variant switch
        {
            "loc-csv" => ReadLocCsv(path, wnidIndex, problems),
            "val-txt" => ReadValTxt(path, problems),
            _ => ReadDevkit(path, root, wnidIndex, problems),
        };
        if (table.Index.Count == 0 && problems.Count == before) problems.Add($"{path}: label file lists no images");
        return problems.Count > before ? null : table;
    }

    private static string? FindDevkitGroundTruth(string root)
    {
        foreach (string dir in new[] { Path.Combine(root, DevkitData), root })
        {
            if (!Directory.Exists(dir)) continue;
            string exact = Path.Combine(dir, "ILSVRC2012_validation_ground_truth.txt");
            if (File.Exists(exact)) return exact;
            var others = Directory.GetFiles(dir, "ILSVRC2012_validation_ground_truth*.txt");
            if (others.Length == 1) return others[0];
        }
        return null;
    }

    /// <summary>Kaggle LOC_val_solution.csv: <c>ImageId,PredictionString</c> with repeated <c>wnid x1 y1 x2 y2</c> (0-based inclusive, as the XML).</summary>
    private static LabelTable ReadLocCsv(string path, Dictionary<string, int> wnidIndex, List<string> problems)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var boxes = new Dictionary<string, List<Box>>(StringComparer.Ordinal);
        int lineNo = 0;
        foreach (string raw in File.ReadLines(path))
        {
            lineNo++;
            string line = raw.Trim();
            if (line.Length == 0) continue;
            if (lineNo == 1)
            {
                if (!line.StartsWith("ImageId,PredictionString", StringComparison.Ordinal))
                    problems.Add($"{path}:1: header is '{line}', expected 'ImageId,PredictionString'");
                continue;
            }
            int comma = line.IndexOf(',');
            string[] parts = comma < 0 ? Array.Empty<string>() : line[(comma + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (comma <= 0 || parts.Length == 0 || parts.Length % 5 != 0)
            { problems.Add($"{path}:{lineNo}: expected 'ImageId,wnid x1 y1 x2 y2 [wnid x1 y1 x2 y2 …]'"); continue; }
            string id = line[..comma];
            var list = new List<Box>();
            int label = -1;
            for (int k = 0; k < parts.Length; k += 5)
            {
                if (!wnidIndex.TryGetValue(parts[k], out int c)) { problems.Add($"{path}:{lineNo}: '{parts[k]}' is not one of the 1000 wnids"); label = -2; break; }
                if (label >= 0 && c != label) { problems.Add($"{path}:{lineNo}: several classes in one image ({parts[0]}, {parts[k]})"); label = -2; break; }
                label = c;
                double[] v = new double[4];
                bool ok = true;
                for (int q = 0; q < 4; q++) ok &= double.TryParse(parts[k + 1 + q], NumberStyles.Float, CultureInfo.InvariantCulture, out v[q]);
                if (!ok) { problems.Add($"{path}:{lineNo}: box {k / 5 + 1} has a non-numeric coordinate"); label = -2; break; }
                list.Add(new Box(v[0], v[1], v[2] + 1, v[3] + 1));
            }
            if (label < 0) continue;
            if (!index.TryAdd(id, label)) { problems.Add($"{path}:{lineNo}: {id} listed twice"); continue; }
            boxes[id] = list;
        }
        return new LabelTable(path, index, boxes);
    }

    /// <summary>Caffe's val.txt: <c>ILSVRC2012_val_00000001.JPEG 65</c>, the index already in sorted-wnid order.</summary>
    private static LabelTable ReadValTxt(string path, List<string> problems)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        int lineNo = 0;
        foreach (string raw in File.ReadLines(path))
        {
            lineNo++;
            string[] parts = raw.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int c) || c >= 1000)
            { problems.Add($"{path}:{lineNo}: expected 'file index' with index 0..999, got '{raw.Trim()}'"); continue; }
            if (!index.TryAdd(Path.GetFileNameWithoutExtension(parts[0]), c)) problems.Add($"{path}:{lineNo}: {parts[0]} listed twice");
        }
        return new LabelTable(path, index, null);
    }

    /// <summary>
    /// Devkit ground truth: one devkit id (1-based, devkit order) per line, line n being ILSVRC2012_val_n;
    /// lines of the form "file id" are accepted too (subsets). The ids go through the id→wnid table
    /// (<c>ilsvrc2012_id_to_wnid.txt</c>: "id wnid [name]", exported from the devkit's meta.mat).
    /// </summary>
    private static LabelTable ReadDevkit(string path, string root, Dictionary<string, int> wnidIndex, List<string> problems)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        string[] tableCandidates = { Path.Combine(Path.GetDirectoryName(path)!, DevkitIdToWnid), Path.Combine(root, DevkitData, DevkitIdToWnid), Path.Combine(root, DevkitIdToWnid) };
        string? tablePath = tableCandidates.FirstOrDefault(File.Exists);
        if (tablePath is null) { problems.Add($"{tableCandidates[1]}: missing devkit id→wnid table (\"id wnid\" per line), needed to read {path}"); return new LabelTable(path, index, null); }
        var idToClass = new Dictionary<int, int>();
        int lineNo = 0;
        foreach (string raw in File.ReadLines(tablePath))
        {
            lineNo++;
            string[] parts = raw.Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            if (parts.Length < 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int devkitId) || !wnidIndex.TryGetValue(parts[1], out int c))
            { problems.Add($"{tablePath}:{lineNo}: expected 'devkit-id wnid' with a wnid of the class list, got '{raw.Trim()}'"); continue; }
            if (!idToClass.TryAdd(devkitId, c)) problems.Add($"{tablePath}:{lineNo}: devkit id {devkitId} listed twice");
        }
        lineNo = 0;
        foreach (string raw in File.ReadLines(path))
        {
            lineNo++;
            string[] parts = raw.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            string id = parts.Length == 2 ? Path.GetFileNameWithoutExtension(parts[0]) : $"ILSVRC2012_val_{lineNo:D8}";
            if (parts.Length > 2 || !int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int devkitId))
            { problems.Add($"{path}:{lineNo}: expected a devkit class id (or 'file id'), got '{raw.Trim()}'"); continue; }
            if (!idToClass.TryGetValue(devkitId, out int c)) { problems.Add($"{path}:{lineNo}: devkit id {devkitId} is not in {tablePath}"); continue; }
            if (!index.TryAdd(id, c)) problems.Add($"{path}:{lineNo}: {id} listed twice");
        }
        return new LabelTable(path, index, null);
    }
}
