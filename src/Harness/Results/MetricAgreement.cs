namespace GuidedCam.Harness.Results;

/// <summary>
/// Kendall's τ-b between the method rankings (mean ranks) of two metrics on one model and dataset, over the
/// <see cref="Methods"/> both ranked, with scipy.stats.kendalltau's two-sided p-value.
/// </summary>
public sealed record MetricAgreement(string Model, string Dataset, string MetricA, string MetricAOptions, string MetricB, string MetricBOptions, int Methods, double Tau, double P);
