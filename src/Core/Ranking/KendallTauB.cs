namespace GuidedCam.Core.Ranking;

/// <summary>Result of <see cref="KendallTauB"/>: τ-b, its two-sided p-value, n, and whether the p-value is exact.</summary>
public sealed record KendallResult(double Tau, double PValue, int Count, bool Exact);

/// <summary>
/// Kendall's τ-b rank correlation with ties (Kendall 1945) and its two-sided p-value, with the rules of
/// scipy.stats.kendalltau 1.10 (method 'auto'): τ-b = (C − D) / √((n₀ − n₁)(n₀ − n₂)), n₀ = n(n−1)/2, n₁ and
/// n₂ the pairs tied in x and in y. Without ties and with n ≤ 33 (or at most one pair out of order) the
/// p-value is exact — the number of permutations with at most min(C, n₀ − C) inversions (Mahonian numbers,
/// Kendall, Rank Correlation Methods 1970) over n! — otherwise the normal approximation with the
/// tie-corrected variance of C − D (Kendall 1970, eq. 4.4). All x tied or all y tied: NaN, as scipy.
/// Pairs are counted directly (O(n²)): the rankings compared here have a few dozen entries.
/// </summary>
public static class KendallTauB
{
    public static KendallResult Compute(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException($"samples differ in length ({x.Count} vs {y.Count})");
        int n = x.Count;
        if (n == 0) return new KendallResult(double.NaN, double.NaN, 0, false);
        long concordant = 0, discordant = 0, tiedX = 0, tiedY = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                int sx = x[i] == x[j] ? 0 : Math.Sign(x[i] - x[j]);
                int sy = y[i] == y[j] ? 0 : Math.Sign(y[i] - y[j]);
                if (sx == 0) tiedX++;
                if (sy == 0) tiedY++;
                if (sx != 0 && sy != 0)
                {
                    if (sx == sy) concordant++; else discordant++;
                }
            }
        long total = (long)n * (n - 1) / 2;
        if (tiedX == total || tiedY == total) return new KendallResult(double.NaN, double.NaN, n, false);
        double s = concordant - discordant;
        double tau = Math.Clamp(s / Math.Sqrt(total - tiedX) / Math.Sqrt(total - tiedY), -1, 1);

        // scipy's "dis" counts the pairs strictly out of order; without ties C + D = n₀.
        if (tiedX == 0 && tiedY == 0 && (n <= 33 || Math.Min(discordant, total - discordant) <= 1))
            return new KendallResult(tau, ExactPValue(n, total - discordant), n, true);

        var gx = AverageRanks.TieGroups(x.ToArray()).Select(t => (double)t).ToArray();
        var gy = AverageRanks.TieGroups(y.ToArray()).Select(t => (double)t).ToArray();
        double m = n * (n - 1.0);
        double v0x = gx.Sum(t => t * (t - 1) * (2 * t + 5)), v0y = gy.Sum(t => t * (t - 1) * (2 * t + 5));
        double v1x = gx.Sum(t => t * (t - 1) * (t - 2)), v1y = gy.Sum(t => t * (t - 1) * (t - 2));
        double variance = (m * (2 * n + 5) - v0x - v0y) / 18 + 2.0 * tiedX * tiedY / m + v1x * v1y / (9 * m * (n - 2));
        double z = s / Math.Sqrt(variance);
        return new KendallResult(tau, 2 * SpecialFunctions.NormalSf(Math.Abs(z)), n, false);
    }

    /// <summary>Two-sided exact p-value for n untied pairs with <paramref name="concordant"/> pairs in order.</summary>
    private static double ExactPValue(int n, long concordant)
    {
        long total = (long)n * (n - 1) / 2;
        long c = Math.Min(concordant, total - concordant);
        if (n <= 2) return 1.0;
        if (4 * c == n * (long)(n - 1)) return 1.0;
        // counts[i] = permutations of j elements with exactly i inversions, for i ≤ c, grown j = 1 … n;
        // divided by j at each step so the numbers stay finite (the sum is then the probability itself).
        var counts = new double[c + 1];
        counts[0] = 1;
        for (int j = 2; j <= n; j++)
        {
            var next = new double[c + 1];
            double window = 0;
            for (long i = 0; i <= c; i++)
            {
                window += counts[i];
                if (i - j >= 0) window -= counts[i - j];
                next[i] = window / j;
            }
            counts = next;
        }
        return Math.Clamp(2 * counts.Sum(), 0, 1);
    }
}
