using GuidedCam.Core;

namespace GuidedCam.Harness.Datasets;

/// <summary>
/// The item selection every loader applies, in this order: the split's ids in the loader's fixed order →
/// class filter → deterministic sample → limit. The sample keeps the dataset order of the drawn items, so
/// a sample of N with a given seed is the same list on every machine and .NET version. Public so other
/// loaders (the synthetic set) select items the same way.
/// </summary>
public static class ItemSelection
{
    public static void ValidateOptions(DatasetSpec spec)
    {
        if (spec.Limit is int l && l <= 0) throw new ArgumentException($"dataset '{spec.Name}': `limit` must be > 0 (got {l})");
        if (spec.Sample is int s && s <= 0) throw new ArgumentException($"dataset '{spec.Name}': `sample` must be > 0 (got {s})");
        if (spec.Classes is { } c && c.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException($"dataset '{spec.Name}': `classes` has an empty entry");
    }

    /// <summary>
    /// Class indices named by <paramref name="spec"/>.Classes (null = no filter). A name matches when
    /// <paramref name="matches"/>(name, classIndex) is true; a name matching no class is a problem.
    /// </summary>
    public static HashSet<int>? ResolveClassFilter(DatasetSpec spec, int classCount, Func<string, int, bool> matches, List<string> problems, string allowedHint)
    {
        if (spec.Classes is not { Count: > 0 } names) return null;
        var set = new HashSet<int>();
        foreach (string name in names)
        {
            bool any = false;
            for (int c = 0; c < classCount; c++)
                if (matches(name.Trim(), c)) { set.Add(c); any = true; }
            if (!any) problems.Add($"`classes`: '{name}' is not a class of this dataset ({allowedHint})");
        }
        return set;
    }

    public static IReadOnlyList<string> Select(DatasetSpec spec, IReadOnlyList<string> orderedIds, Func<string, IEnumerable<int>> classesOf, HashSet<int>? classFilter)
    {
        ValidateOptions(spec);
        IReadOnlyList<string> ids = classFilter is null ? orderedIds : orderedIds.Where(id => classesOf(id).Any(classFilter.Contains)).ToArray();
        if (spec.Sample is int n && n < ids.Count) ids = Sample(ids, n, spec.Seed);
        if (spec.Limit is int limit && limit < ids.Count) ids = ids.Take(limit).ToArray();
        return ids;
    }

    /// <summary>
    /// n items uniformly without replacement: the first n steps of a Fisher–Yates shuffle (Knuth, TAOCP
    /// vol. 2, Algorithm P) driven by SplitMix64 (Steele et al., OOPSLA 2014) — our own generator rather
    /// than System.Random, whose seeded sequence is not a documented contract.
    /// </summary>
    public static IReadOnlyList<string> Sample(IReadOnlyList<string> ids, int n, int seed)
    {
        int[] index = Enumerable.Range(0, ids.Count).ToArray();
        var rng = new SplitMix64(unchecked((ulong)seed * SplitMix64.Gamma + 0xD1B54A32D192ED03UL));
        for (int i = 0; i < n; i++)
        {
            int j = i + (int)(rng.NextUInt64() % (ulong)(index.Length - i));
            (index[i], index[j]) = (index[j], index[i]);
        }
        return index.Take(n).Order().Select(i => ids[i]).ToArray();
    }
}
