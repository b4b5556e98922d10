using GuidedCam.Metrics;

namespace GuidedCam.Harness.Results;

/// <summary>
/// How summary.csv gets its confidence intervals. <see cref="Bootstrap"/> is the implementation; the
/// seam exists so a shared statistics module (src/Metrics/Statistics.cs) can replace it without
/// touching the summary or the exporters. <paramref name="cell"/> names the table cell, for
/// implementations that give each cell its own random stream.
/// </summary>
public interface IIntervalEstimator
{
    /// <summary>Interval of the metric's headline statistic (its accumulator's mean) over the units; (NaN, NaN) for none.</summary>
    (double Low, double High) Interval(IReadOnlyList<MetricValue> units, Func<IMetricAccumulator> newAccumulator, string cell);

    /// <summary>Interval of statistic(a) − statistic(b) where a[i] and b[i] are the same unit under two methods.</summary>
    (double Low, double High) PairedDifferenceInterval(IReadOnlyList<MetricValue> a, IReadOnlyList<MetricValue> b, Func<IMetricAccumulator> newAccumulator, string cell);
}
