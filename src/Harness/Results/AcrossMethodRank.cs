namespace GuidedCam.Harness.Results;

/// <summary>
/// A method across the blocks of a scope: its mean of block ranks, and its post-hoc comparison with the
/// scope's best-ranked method (Wilcoxon p, Holm-adjusted over all pairs of the scope, and the decision).
/// </summary>
public sealed record AcrossMethodRank(MethodVariant Method, double MeanRank, IReadOnlyList<double> BlockRanks, double WilcoxonPVsBest, double HolmPVsBest, bool WorseThanBest);
