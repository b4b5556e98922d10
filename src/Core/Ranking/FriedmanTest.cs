namespace GuidedCam.Core.Ranking;

/// <summary>Result of <see cref="FriedmanTest"/>: the tie-corrected chi-square statistic, its p-value, blocks N and treatments k.</summary>
public sealed record FriedmanResult(double Statistic, double PValue, int Blocks, int Treatments);

/// <summary>
/// Friedman's rank test of k treatments over N blocks (Friedman 1937; Demšar, JMLR 2006, §3.2.2), as
/// scipy.stats.friedmanchisquare computes it: ranks within each block with ties averaged,
/// χ² = [12/(N k (k+1)) Σ_j R_j² − 3 N (k+1)] / C with R_j the rank sum of treatment j and the tie
/// correction C = 1 − Σ (t³ − t) / (N k (k² − 1)) over the groups of tied values in every block;
/// p = P(χ²_{k−1} ≥ χ²).
/// </summary>
public static class FriedmanTest
{
    /// <param name="blocks">blocks[i][j]: the value of treatment j in block i (every block has all k treatments).</param>
    public static FriedmanResult Compute(IReadOnlyList<IReadOnlyList<double>> blocks)
    {
        int n = blocks.Count;
        if (n == 0) throw new ArgumentException("the Friedman test needs at least one block", nameof(blocks));
        int k = blocks[0].Count;
        if (k < 3) throw new ArgumentException($"the Friedman test needs at least 3 treatments, got {k}", nameof(blocks));
        var rankSums = new double[k];
        double ties = 0;
        for (int i = 0; i < n; i++)
        {
            if (blocks[i].Count != k) throw new ArgumentException($"block {i} has {blocks[i].Count} treatments, block 0 has {k}", nameof(blocks));
            var r = AverageRanks.Of(blocks[i]);
            for (int j = 0; j < k; j++) rankSums[j] += r[j];
            foreach (int t in AverageRanks.TieGroups(r)) ties += (double)t * ((double)t * t - 1);
        }
        double c = 1 - ties / ((double)k * ((double)k * k - 1) * n);
        double ss = rankSums.Sum(s => s * s);
        double chi = (12.0 / ((double)k * n * (k + 1)) * ss - 3.0 * n * (k + 1)) / c;
        // Every block all tied: C = 0 and the statistic is 0/0; no evidence of a difference.
        if (double.IsNaN(chi)) return new FriedmanResult(double.NaN, double.NaN, n, k);
        return new FriedmanResult(chi, SpecialFunctions.ChiSquareSf(chi, k - 1), n, k);
    }
}
