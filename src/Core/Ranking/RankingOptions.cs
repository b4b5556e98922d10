namespace GuidedCam.Core.Ranking;

/// <summary>
/// How the rankings compare methods (config keys `reference:` and `post-hoc:`): the method the tables
/// compare with, the post-hoc test across blocks (Wilcoxon signed-rank with Holm's correction, Demšar 2006
/// §3.2.4 and Benavoli et al. 2016, or Nemenyi's critical difference) and the level α of every decision.
/// </summary>
public sealed record RankingOptions(string PostHoc = RankingOptions.WilcoxonHolm, double Alpha = RankingOptions.DefaultAlpha)
{
    public const string WilcoxonHolm = "wilcoxon-holm";
    public const string Nemenyi = "nemenyi";
    public const double DefaultAlpha = 0.05;
    public static IReadOnlyList<string> PostHocTests { get; } = [WilcoxonHolm, Nemenyi];
}
