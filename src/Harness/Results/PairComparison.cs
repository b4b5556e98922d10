namespace GuidedCam.Harness.Results;

/// <summary>
/// Two methods compared on paired data. In a block: the units both evaluated, <see cref="Difference"/> =
/// headline(A) − headline(B) in the metric's unit with its paired bootstrap interval, and the Wilcoxon
/// signed-rank test on the unit values. Across blocks: the blocks' ranks of A and B (Difference NaN), the
/// Wilcoxon test on them and Nemenyi's critical difference of mean ranks. <see cref="HolmP"/> is Holm's
/// adjustment over every pair of the same block or scope; <see cref="Significant"/> the decision of the
/// scope's post-hoc test at its α (Wilcoxon–Holm, or Nemenyi when chosen across blocks).
/// </summary>
public sealed record PairComparison(
    MethodVariant A, MethodVariant B, int Count, double Difference, double DiffLow, double DiffHigh, double MeanRankA, double MeanRankB,
    double WilcoxonStatistic, double WilcoxonP, double HolmP, bool HolmReject, bool NemenyiReject, bool Significant);
