namespace GuidedCam.Core.Ranking;

/// <summary>
/// The Nemenyi post-hoc test after Friedman (Nemenyi 1963; Demšar, JMLR 2006, §3.2.2): two of k treatments
/// ranked over N blocks differ when their mean ranks differ by at least the critical difference
/// CD = q_α √(k(k+1)/(6N)), q_α = the studentized range quantile at 1 − α with k means and infinite
/// degrees of freedom divided by √2 (Demšar's Table 5: q_0.05 = 2.343 for k = 3, 3.164 for k = 10).
/// </summary>
public static class NemenyiTest
{
    /// <summary>q_α of Demšar's Table 5.</summary>
    public static double CriticalQ(int k, double alpha) => StudentizedRange.Quantile(1 - alpha, k) / Math.Sqrt(2);

    /// <summary>The critical difference of mean ranks for k treatments over N blocks at level α.</summary>
    public static double CriticalDifference(int k, int blocks, double alpha) =>
        CriticalQ(k, alpha) * Math.Sqrt(k * (k + 1.0) / (6.0 * blocks));
}
