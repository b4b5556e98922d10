using GuidedCam.Core.Ranking;
using GuidedCam.Metrics;

namespace GuidedCam.Harness.Results;

/// <summary>
/// The ranking of one block: the methods (best mean rank first), the units every method evaluated (N), the
/// Friedman test over those units (null with fewer than three methods) and every pair of methods.
/// </summary>
public sealed record RankBlock(RankBlockKey Key, ScoreDirection Direction, int Units, IReadOnlyList<BlockMethodRank> Methods, FriedmanResult? Friedman,
    IReadOnlyList<PairComparison> Pairs)
{
    public BlockMethodRank? Of(MethodVariant m) => Methods.FirstOrDefault(r => r.Method == m);
}
