using GuidedCam.Harness.Results;
using GuidedCam.Metrics;

namespace GuidedCam.Harness.Running;

/// <summary>
/// What one item still needs under a plan: its clean forward (no stored units), the (method, metric)
/// pairs without a completion mark, and the methods whose qualitative map file is missing.
/// </summary>
public sealed record ItemNeeds(string ItemId, bool NeedsUnits, IReadOnlyList<(int Method, int Metric)> Pairs, IReadOnlyList<int> QualitativeMethods)
{
    public bool Any => Pairs.Count > 0 || QualitativeMethods.Count > 0;

    /// <summary>The needs of <paramref name="itemId"/> given the stage's stored state (skipped items need nothing).</summary>
    public static ItemNeeds Of(string itemId, StageState state, IReadOnlyList<string> methodKeys, IReadOnlyList<string> metricKeys, Func<int, bool>? qualitativeMissing)
    {
        if (state.Skipped.ContainsKey(itemId)) return new ItemNeeds(itemId, false, Array.Empty<(int, int)>(), Array.Empty<int>());
        var pairs = new List<(int, int)>();
        for (int m = 0; m < methodKeys.Count; m++)
            for (int x = 0; x < metricKeys.Count; x++)
                if (!state.Marks.Contains((itemId, methodKeys[m], metricKeys[x]))) pairs.Add((m, x));
        var qualitative = qualitativeMissing is null ? Array.Empty<int>() : Enumerable.Range(0, methodKeys.Count).Where(qualitativeMissing).ToArray();
        bool needsUnits = !state.Units.ContainsKey(itemId) && (pairs.Count > 0 || qualitative.Length > 0);
        return new ItemNeeds(itemId, needsUnits, pairs, qualitative);
    }

    /// <summary>
    /// The map targets a method needs for this item: the top-1 whenever the method has work here (the
    /// predicted maps of a batch are computed together, and ground-truth units whose class is the top-1
    /// reuse them), and each ground-truth target when a ground-truth metric needs the method.
    /// </summary>
    public IEnumerable<long> MapTargets(int method, ItemUnits units, IReadOnlyList<IMetric> metrics)
    {
        bool pred = QualitativeMethods.Contains(method) || Pairs.Any(p => p.Method == method);
        bool gt = Pairs.Any(p => p.Method == method && metrics[p.Metric].Target == TargetSelection.GroundTruth);
        var targets = new List<long>();
        if (pred) targets.Add(units.Top1);
        if (gt) targets.AddRange(units.GroundTruth.Select(u => u.Target));
        return targets.Distinct();
    }
}
