namespace GuidedCam.Core.Ranking;

/// <summary>
/// Ranks with ties averaged ("fractional" or mid-ranks, scipy.stats.rankdata's default 'average'):
/// the smallest value gets rank 1, a group of equal values shares the mean of the ranks it spans.
/// </summary>
public static class AverageRanks
{
    /// <summary>Ranks of <paramref name="values"/>, 1 = the smallest; NaN is refused (a rank needs an order).</summary>
    public static double[] Of(IReadOnlyList<double> values)
    {
        var order = new int[values.Count];
        for (int i = 0; i < order.Length; i++)
        {
            if (double.IsNaN(values[i])) throw new ArgumentException($"value {i} is NaN and cannot be ranked", nameof(values));
            order[i] = i;
        }
        Array.Sort(order, (a, b) => values[a].CompareTo(values[b]) is var c && c != 0 ? c : a.CompareTo(b));
        var ranks = new double[values.Count];
        for (int start = 0; start < order.Length;)
        {
            int end = start + 1;
            while (end < order.Length && values[order[end]] == values[order[start]]) end++;
            double mid = (start + 1 + end) / 2.0; // mean of ranks start+1 … end
            for (int j = start; j < end; j++) ranks[order[j]] = mid;
            start = end;
        }
        return ranks;
    }

    /// <summary>Ranks where 1 = the best value: the smallest when lower is better, the largest when higher is better.</summary>
    public static double[] Best(IReadOnlyList<double> values, bool higherIsBetter) =>
        Of(higherIsBetter ? values.Select(v => -v).ToArray() : values);

    /// <summary>Sizes of the groups of equal values (only groups of two or more), for tie corrections.</summary>
    public static IEnumerable<int> TieGroups(IEnumerable<double> values) =>
        values.GroupBy(v => v).Select(g => g.Count()).Where(c => c > 1);
}
