namespace GuidedCam.Core.Ranking;

/// <summary>
/// Holm's step-down correction for m p-values (Holm 1979), as statsmodels'
/// multipletests(method='holm') computes it: sort ascending, p̃_(i) = max_{j ≤ i} min(1, (m − j + 1) p_(j))
/// (1-based), back in the input order; hypothesis i is rejected at level α when p̃_i ≤ α
/// (statsmodels' reject: p_(j) ≤ α/(m − j + 1) for all j ≤ i, the same decisions).
/// </summary>
public static class HolmCorrection
{
    /// <summary>Adjusted p-values in the order of <paramref name="pValues"/>; NaN entries stay NaN and do not count in m.</summary>
    public static double[] Adjust(IReadOnlyList<double> pValues)
    {
        var present = Enumerable.Range(0, pValues.Count).Where(i => !double.IsNaN(pValues[i])).ToArray();
        var order = present.OrderBy(i => pValues[i]).ThenBy(i => i).ToArray();
        var adjusted = Enumerable.Repeat(double.NaN, pValues.Count).ToArray();
        int m = order.Length;
        double running = 0;
        for (int j = 0; j < m; j++)
        {
            running = Math.Max(running, (m - j) * pValues[order[j]]);
            adjusted[order[j]] = Math.Min(1, running);
        }
        return adjusted;
    }

    /// <summary>Reject decisions at <paramref name="alpha"/> from the adjusted p-values.</summary>
    public static bool[] Reject(IReadOnlyList<double> pValues, double alpha)
    {
        // statsmodels compares p_(j) with α/(m − j + 1) step by step (not the adjusted value with α), so
        // a p-value on the boundary gets the same decision here as there.
        var order = Enumerable.Range(0, pValues.Count).Where(i => !double.IsNaN(pValues[i])).OrderBy(i => pValues[i]).ThenBy(i => i).ToArray();
        var reject = new bool[pValues.Count];
        for (int j = 0; j < order.Length; j++)
        {
            if (pValues[order[j]] > alpha / (order.Length - j)) break;
            reject[order[j]] = true;
        }
        return reject;
    }
}
