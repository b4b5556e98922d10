namespace GuidedCam.Core.Ranking;

/// <summary>How zero differences enter the Wilcoxon signed-rank test (scipy's zero_method).</summary>
public enum WilcoxonZeros
{
    /// <summary>Wilcoxon's original: zero differences are dropped (scipy's default 'wilcox').</summary>
    Drop,
    /// <summary>Zeros are ranked and their rank sum split evenly between R+ and R− ('zsplit', what MetaQuantus uses).</summary>
    Split,
}

/// <summary>Result of <see cref="WilcoxonSignedRankTest"/>: T = min(R+, R−), the two-sided p-value, pairs n, and whether the p-value is exact.</summary>
public sealed record WilcoxonResult(double Statistic, double PValue, int Pairs, bool Exact);

/// <summary>
/// Two-sided Wilcoxon signed-rank test of paired samples (Wilcoxon 1945; Demšar 2006 §3.1.3) with the
/// rules of scipy.stats.wilcoxon 1.10 (Debian 12's scipy) at its defaults (method 'auto', no continuity
/// correction): d = x − y; with 50 or fewer pairs and no zero difference the p-value is exact, from the
/// null distribution of R+ over n untied ranks (2·min of the two tails, 1 at the centre; R+ is truncated
/// to a whole number as scipy does when tied differences give half ranks); otherwise the normal
/// approximation z = (T − n(n+1)/4) / σ, σ² = [n(n+1)(2n+1) − ½ Σ t(t² − 1)] / 24 over the groups of tied
/// ranks, p = 2·(1 − Φ(|z|)). Zeros are dropped before the approximation for <see cref="WilcoxonZeros.Drop"/>.
/// </summary>
public static class WilcoxonSignedRankTest
{
    public const int ExactLimit = 50;

    public static WilcoxonResult Compute(IReadOnlyList<double> x, IReadOnlyList<double> y, WilcoxonZeros zeros = WilcoxonZeros.Drop)
    {
        if (x.Count != y.Count) throw new ArgumentException($"paired samples differ in length ({x.Count} vs {y.Count})");
        var d = x.Zip(y, (a, b) => a - b).ToArray();
        if (d.Length == 0) return new WilcoxonResult(double.NaN, double.NaN, 0, false);
        bool exact = d.Length <= ExactLimit;
        int nZero = d.Count(v => v == 0);
        if (nZero > 0) exact = false;
        if (!exact && zeros == WilcoxonZeros.Drop)
        {
            // scipy raises here; no pair differs, so there is no evidence of a difference either way.
            if (nZero == d.Length) return new WilcoxonResult(0, 1, 0, false);
            d = d.Where(v => v != 0).ToArray();
        }
        int n = d.Length;
        var r = AverageRanks.Of(d.Select(Math.Abs).ToArray());
        double plus = 0, minus = 0, zero = 0;
        for (int i = 0; i < n; i++)
        {
            if (d[i] > 0) plus += r[i];
            else if (d[i] < 0) minus += r[i];
            else zero += r[i];
        }
        plus += zero / 2;
        minus += zero / 2;
        double t = Math.Min(plus, minus);
        if (exact) return new WilcoxonResult(t, ExactPValue(n, (int)Math.Truncate(plus)), n, true);

        double mean = n * (n + 1.0) * 0.25;
        double variance = n * (n + 1.0) * (2.0 * n + 1.0);
        foreach (int g in AverageRanks.TieGroups(r)) variance -= 0.5 * g * ((double)g * g - 1);
        double z = (t - mean) / Math.Sqrt(variance / 24);
        return new WilcoxonResult(t, 2 * SpecialFunctions.NormalSf(Math.Abs(z)), n, false);
    }

    /// <summary>Two-sided exact p-value of R+ = <paramref name="plus"/> with n untied ranks: every sign pattern equally likely.</summary>
    private static double ExactPValue(int n, int plus)
    {
        // pmf[s] = P(R+ = s): each rank 1…n joins R+ with probability ½ (built rank by rank, halving at each step).
        int max = n * (n + 1) / 2;
        var pmf = new double[max + 1];
        pmf[0] = 1;
        int top = 0;
        for (int rank = 1; rank <= n; rank++)
        {
            top += rank;
            for (int s = top; s >= 0; s--)
                pmf[s] = 0.5 * pmf[s] + (s >= rank ? 0.5 * pmf[s - rank] : 0);
        }
        if (plus == max / 2) return 1.0; // scipy: the centre (max/2 rounded down) has p = 1
        double less = 0, greater = 0;
        for (int s = 0; s <= plus; s++) less += pmf[s];
        for (int s = plus; s <= max; s++) greater += pmf[s];
        return Math.Clamp(2 * Math.Min(less, greater), 0, 1);
    }
}
