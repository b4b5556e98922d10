using GuidedCam.Core.Ranking;

namespace GuidedCam.Harness.Results;

/// <summary>
/// Rankings across blocks (Demšar 2006): <see cref="Scope"/> "experiment" = the metrics of one model and
/// dataset, "config" = every block of the report. Methods present in every block of the scope, best mean
/// rank first; the Friedman test over the blocks, Nemenyi's critical difference at <see cref="Alpha"/> and
/// every pair with the post-hoc decision (<see cref="PostHoc"/>).
/// </summary>
public sealed record AcrossBlocks(string Scope, string Model, string Dataset, IReadOnlyList<RankBlockKey> Blocks, IReadOnlyList<AcrossMethodRank> Methods,
    FriedmanResult? Friedman, double CriticalDifference, string PostHoc, double Alpha, IReadOnlyList<PairComparison> Pairs)
{
    public const string ExperimentScope = "experiment";
    public const string ConfigScope = "config";
}
