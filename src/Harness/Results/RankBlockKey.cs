namespace GuidedCam.Harness.Results;

/// <summary>One block of the rankings (Demšar's "data set"): a metric with its options on one model and dataset.</summary>
public sealed record RankBlockKey(string Model, string Dataset, string Metric, string MetricOptions);
