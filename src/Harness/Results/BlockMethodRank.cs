namespace GuidedCam.Harness.Results;

/// <summary>
/// A method in one block: its mean rank over the block's units (1 = best, ties averaged) with a seeded
/// percentile bootstrap interval over units, its headline value (summary.csv's mean) and its rank among
/// the block's methods by that value (<see cref="BlockRank"/>: what the rankings across blocks average).
/// </summary>
public sealed record BlockMethodRank(MethodVariant Method, double MeanRank, double CiLow, double CiHigh, double Mean, double BlockRank);
