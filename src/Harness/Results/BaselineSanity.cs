namespace GuidedCam.Harness.Results;

/// <summary>
/// Whether a metric puts a sanity baseline (a method of family Baseline: no class evidence) below the real
/// methods in one block: per unit, the share of units where the baseline is strictly worse than every real
/// method (<see cref="UnitsBelowAll"/>) and the share of (unit, real method) pairs where it is strictly worse
/// (<see cref="PairsBelow"/>); overall, its mean rank and whether that is worse than every real method's
/// (<see cref="BelowAll"/>; false is flagged in the report).
/// </summary>
public sealed record BaselineSanity(RankBlockKey Block, MethodVariant Baseline, int Units, int RealMethods, double UnitsBelowAll, double PairsBelow, double MeanRank,
    double BestRealMeanRank, double WorstRealMeanRank, bool BelowAll);
