using System.Globalization;

namespace GuidedCam.Harness.Datasets;

/// <summary>
/// A mapping from the classes of a dataset's label space to sets of a model's classes (e.g. VOC `dog` →
/// the 118 ImageNet dog breeds). The ground-truth target of an image for the model is then the highest
/// scoring model class in the set (<see cref="Target"/>). Classes mapped to the empty set have no
/// counterpart in the model: metrics skip them and report <see cref="UnmappedCount"/>.
/// The shipped tables (datasets/labelmaps/*.tsv) and how they were derived are described in
/// datasets/labelmaps/README.md.
/// </summary>
public sealed class LabelMap
{
    private readonly int[][] _targets;

    public LabelMap(string sourceSpace, string targetSpace, IReadOnlyList<string> sourceClasses, IReadOnlyList<IReadOnlyList<int>> targets)
    {
        if (sourceClasses.Count != targets.Count)
            throw new ArgumentException($"label map {sourceSpace}→{targetSpace}: {sourceClasses.Count} classes but {targets.Count} target sets");
        SourceSpace = sourceSpace;
        TargetSpace = targetSpace;
        SourceClasses = sourceClasses;
        _targets = targets.Select(t => t.Distinct().Order().ToArray()).ToArray();
    }

    public string SourceSpace { get; }
    public string TargetSpace { get; }
    /// <summary>Dataset class names, by dataset class index.</summary>
    public IReadOnlyList<string> SourceClasses { get; }
    public bool IsIdentity { get; private init; }

    /// <summary>Model classes under dataset class <paramref name="sourceClass"/> (ascending; empty = unmapped).</summary>
    public IReadOnlyList<int> Targets(int sourceClass) => _targets[CheckClass(sourceClass)];

    public bool IsMapped(int sourceClass) => _targets[CheckClass(sourceClass)].Length > 0;

    /// <summary>Dataset classes with no model class.</summary>
    public IReadOnlyList<int> UnmappedClasses => Enumerable.Range(0, _targets.Length).Where(c => _targets[c].Length == 0).ToArray();

    public int UnmappedCount => _targets.Count(t => t.Length == 0);
    public int MappedCount => _targets.Length - UnmappedCount;

    /// <summary>
    /// The model class to explain for dataset class <paramref name="sourceClass"/>: the member of its set
    /// with the highest score in <paramref name="scores"/> (one logits or probabilities row; both give the
    /// same argmax). Ties go to the lower index. Null when the class is unmapped.
    /// </summary>
    public int? Target(int sourceClass, ReadOnlySpan<float> scores)
    {
        int[] set = _targets[CheckClass(sourceClass)];
        if (set.Length == 0) return null;
        int best = -1;
        float bestScore = float.NegativeInfinity;
        foreach (int c in set)
        {
            if (c >= scores.Length)
                throw new ArgumentException($"label map {SourceSpace}→{TargetSpace}: model class {c} is outside a score row of length {scores.Length}");
            if (best < 0 || scores[c] > bestScore) (best, bestScore) = (c, scores[c]);
        }
        return best;
    }

    /// <summary>True when model class <paramref name="modelClass"/> belongs to dataset class <paramref name="sourceClass"/> (e.g. a top-1 prediction counts as correct).</summary>
    public bool Contains(int sourceClass, int modelClass) => Array.BinarySearch(_targets[CheckClass(sourceClass)], modelClass) >= 0;

    /// <summary>The identity map of a label space onto itself.</summary>
    public static LabelMap Identity(string space, IReadOnlyList<string> classes) =>
        new(space, space, classes, Enumerable.Range(0, classes.Count).Select(c => (IReadOnlyList<int>)new[] { c }).ToArray()) { IsIdentity = true };

    /// <summary>
    /// Reads a table: a first line <c># source=S target=T</c>, further <c>#</c> comment lines, a header
    /// <c>index class synsets TARGET</c>, then one tab-separated row per dataset class in index order with
    /// the model class indices comma-separated in the last column (empty = unmapped).
    /// </summary>
    public static LabelMap Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"label map not found: {path}", path);
        string? source = null, target = null;
        var names = new List<string>();
        var sets = new List<IReadOnlyList<int>>();
        bool header = false;
        int lineNo = 0;
        foreach (string raw in File.ReadLines(path))
        {
            lineNo++;
            string line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            if (line.StartsWith('#'))
            {
                foreach (string token in line.TrimStart('#').Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (token.StartsWith("source=", StringComparison.Ordinal)) source = token["source=".Length..];
                    if (token.StartsWith("target=", StringComparison.Ordinal)) target = token["target=".Length..];
                }
                continue;
            }
            string[] cols = line.Split('\t');
            if (!header)
            {
                if (cols.Length != 4 || cols[0] != "index") throw new FormatException($"{path}:{lineNo}: expected the header 'index<TAB>class<TAB>synsets<TAB>target'");
                header = true;
                continue;
            }
            if (cols.Length != 4) throw new FormatException($"{path}:{lineNo}: expected 4 tab-separated columns, got {cols.Length}");
            if (!int.TryParse(cols[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index) || index != names.Count)
                throw new FormatException($"{path}:{lineNo}: class index '{cols[0]}' is not the next index {names.Count}");
            var set = new List<int>();
            foreach (string t in cols[3].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!int.TryParse(t.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int c))
                    throw new FormatException($"{path}:{lineNo}: model class '{t}' is not a non-negative integer");
                set.Add(c);
            }
            names.Add(cols[1]);
            sets.Add(set);
        }
        if (source is null || target is null) throw new FormatException($"{path}: missing the first line '# source=<space> target=<space>'");
        if (names.Count == 0) throw new FormatException($"{path}: no class rows");
        return new LabelMap(source, target, names, sets);
    }

    private int CheckClass(int c) =>
        c >= 0 && c < _targets.Length ? c : throw new ArgumentOutOfRangeException(nameof(c), $"dataset class {c} is outside {SourceSpace} (0..{_targets.Length - 1})");
}
