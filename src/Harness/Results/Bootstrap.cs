using GuidedCam.Core;
using GuidedCam.Metrics;

namespace GuidedCam.Harness.Results;

/// <summary>
/// summary.csv's intervals through the one bootstrap of the project, <see cref="Statistics"/>
/// (seeded percentile bootstrap over units, 1,000 resamples, the metric's own accumulator recomputed
/// on each resample so the pointing game's per-class mean is what is bootstrapped). Each table cell
/// gets its own stream, seeded from <see cref="Seed"/> and the cell's name, so an interval depends only
/// on the seed, the cell and its units — not on the order cells are computed in.
/// </summary>
public sealed class Bootstrap(int resamples = Statistics.DefaultResamples, ulong seed = Bootstrap.DefaultSeed, double level = Statistics.DefaultLevel) : IIntervalEstimator
{
    /// <summary>Default seed of every interval in a report (any fixed number; fixed so reports reproduce).</summary>
    public const ulong DefaultSeed = 20221005;
    public int Resamples { get; } = resamples > 0 ? resamples : throw new ArgumentOutOfRangeException(nameof(resamples), "at least one resample");
    public ulong Seed { get; } = seed;
    public double Level { get; } = level is > 0 and < 1 ? level : throw new ArgumentOutOfRangeException(nameof(level), "confidence level in (0, 1)");

    public (double Low, double High) Interval(IReadOnlyList<MetricValue> units, Func<IMetricAccumulator> newAccumulator, string cell)
    {
        if (units.Count == 0) return (double.NaN, double.NaN);
        var r = Statistics.Bootstrap(units, MeanOf(newAccumulator()), Resamples, Level, StreamSeed(cell));
        return (r.Lower, r.Upper);
    }

    /// <summary>a[i] and b[i] are the same (item, target) under two methods; every resample draws the same units for both.</summary>
    public (double Low, double High) PairedDifferenceInterval(IReadOnlyList<MetricValue> a, IReadOnlyList<MetricValue> b, Func<IMetricAccumulator> newAccumulator, string cell)
    {
        if (a.Count != b.Count) throw new ArgumentException($"paired samples differ in length ({a.Count} vs {b.Count})");
        if (a.Count == 0) return (double.NaN, double.NaN);
        var r = Statistics.PairedDifference(a, b, MeanOf(newAccumulator()), Resamples, Level, StreamSeed(cell));
        return (r.Lower, r.Upper);
    }

    /// <summary>Quantile of sorted data (NumPy's default, type 7): <see cref="Statistics.Quantile"/>.</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double p) => sorted.Count == 0 ? double.NaN : Statistics.Quantile(sorted.ToArray(), p);

    private static Func<IReadOnlyList<MetricValue>, double> MeanOf(IMetricAccumulator acc) => values =>
    {
        acc.Reset();
        acc.Update(values);
        return acc.Summary().Mean;
    };

    private ulong StreamSeed(string stream) => Seed ^ (Fnv1a.Hash(stream) * SplitMix64.Gamma);
}
