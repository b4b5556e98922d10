namespace GuidedCam.Harness.Results;

/// <summary>
/// How stable one metric's method ranking is across models and datasets (arXiv 2411.14946): the mean
/// Kendall τ-b between its mean-rank vectors of every pair of its blocks (NaN with a single block).
/// </summary>
public sealed record MetricConsistency(string Metric, string MetricOptions, int Blocks, int Pairs, double MeanTau, double MinTau, double MaxTau);
