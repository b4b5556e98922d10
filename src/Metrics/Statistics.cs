using GuidedCam.Core;

namespace GuidedCam.Metrics;

/// <summary>A bootstrap estimate: the statistic on the data and its percentile interval.</summary>
public sealed record BootstrapInterval(double Estimate, double Lower, double Upper, int Resamples, double Level, ulong Seed);

/// <summary>A method against a baseline on the same units: statistic(method) − statistic(baseline) and its interval.</summary>
public sealed record PairedComparison(double Difference, double Lower, double Upper, int Pairs, int UnmatchedMethod, int UnmatchedBaseline, int Resamples, double Level, ulong Seed);

/// <summary>
/// Aggregate statistics of docs/spec/metrics.md: seeded percentile bootstrap confidence intervals (Efron &amp;
/// Tibshirani 1993, ch. 13) of any summary statistic, resampling units with replacement, and the
/// paired bootstrap of a method's difference to a baseline (the same resampled units for both, so the
/// interval says whether a difference is more than item-to-item noise). The statistic is a function of
/// a list of values so that e.g. the pointing game's per-class mean is bootstrapped by re-running its
/// accumulator on each resample (<see cref="SummaryOf"/>). The random stream is SplitMix64 (Steele et
/// al. 2014), fixed here, so a seed gives the same interval on every platform and .NET version.
/// Quantiles interpolate linearly between order statistics (NumPy's default, Hyndman–Fan type 7).
/// </summary>
public static class Statistics
{
    public const int DefaultResamples = 1000;
    public const double DefaultLevel = 0.95;
    public const ulong DefaultSeed = 0;

    /// <summary>The metric's headline number on a list of values: a fresh accumulator of that metric, updated and summarised.</summary>
    public static Func<IReadOnlyList<MetricValue>, double> SummaryOf(IMetric metric) => values =>
    {
        var acc = metric.CreateAccumulator();
        acc.Update(values);
        return acc.Summary().Mean;
    };

    /// <summary>Plain mean of the values (the headline of every metric but the pointing game).</summary>
    public static double Mean(IReadOnlyList<MetricValue> values) => values.Average(v => v.Value);

    /// <summary>Percentile bootstrap interval of <paramref name="statistic"/> over units.</summary>
    public static BootstrapInterval Bootstrap(
        IReadOnlyList<MetricValue> values, Func<IReadOnlyList<MetricValue>, double> statistic,
        int resamples = DefaultResamples, double level = DefaultLevel, ulong seed = DefaultSeed)
    {
        if (values.Count == 0) throw new ArgumentException("bootstrap needs at least one value");
        Validate(resamples, level);
        double estimate = statistic(values);
        var rng = new SplitMix64(seed);
        var stats = new double[resamples];
        var sample = new MetricValue[values.Count];
        for (int b = 0; b < resamples; b++)
        {
            for (int i = 0; i < sample.Length; i++) sample[i] = values[rng.NextIndex(values.Count)];
            stats[b] = statistic(sample);
        }
        var (lower, upper) = PercentileInterval(stats, level);
        return new BootstrapInterval(estimate, lower, upper, resamples, level, seed);
    }

    /// <summary>
    /// Paired bootstrap of statistic(method) − statistic(baseline) on the units both have, matched by
    /// (ItemId, Target); each resample draws unit indices once and uses them for both lists.
    /// </summary>
    public static PairedComparison PairedDifference(
        IReadOnlyList<MetricValue> method, IReadOnlyList<MetricValue> baseline, Func<IReadOnlyList<MetricValue>, double> statistic,
        int resamples = DefaultResamples, double level = DefaultLevel, ulong seed = DefaultSeed)
    {
        Validate(resamples, level);
        var baseByKey = new Dictionary<(string, long), MetricValue>();
        foreach (var v in baseline)
            if (!baseByKey.TryAdd((v.ItemId, v.Target), v))
                throw new ArgumentException($"baseline has two values for item '{v.ItemId}', target {v.Target}");
        var m = new List<MetricValue>();
        var b = new List<MetricValue>();
        var seen = new HashSet<(string, long)>();
        foreach (var v in method)
        {
            if (!seen.Add((v.ItemId, v.Target)))
                throw new ArgumentException($"method has two values for item '{v.ItemId}', target {v.Target}");
            if (baseByKey.TryGetValue((v.ItemId, v.Target), out var w))
            {
                m.Add(v);
                b.Add(w);
            }
        }
        if (m.Count == 0) throw new ArgumentException("the method and the baseline share no unit (item id + target); nothing to compare");
        double difference = statistic(m) - statistic(b);
        var rng = new SplitMix64(seed);
        var stats = new double[resamples];
        var ms = new MetricValue[m.Count];
        var bs = new MetricValue[m.Count];
        for (int r = 0; r < resamples; r++)
        {
            for (int i = 0; i < ms.Length; i++)
            {
                int k = rng.NextIndex(m.Count);
                ms[i] = m[k];
                bs[i] = b[k];
            }
            stats[r] = statistic(ms) - statistic(bs);
        }
        var (lower, upper) = PercentileInterval(stats, level);
        return new PairedComparison(difference, lower, upper, m.Count, method.Count - m.Count, baseline.Count - m.Count, resamples, level, seed);
    }

    /// <summary>
    /// The (1 − level)/2 and (1 + level)/2 quantiles, linear interpolation (type 7). Resamples whose
    /// statistic is undefined (NaN) are left out; none defined gives (NaN, NaN).
    /// </summary>
    public static (double Lower, double Upper) PercentileInterval(double[] stats, double level)
    {
        var sorted = stats.Where(v => !double.IsNaN(v)).ToArray();
        if (sorted.Length == 0) return (double.NaN, double.NaN);
        Array.Sort(sorted);
        return (Quantile(sorted, (1 - level) / 2), Quantile(sorted, (1 + level) / 2));
    }

    /// <summary>Quantile q of sorted data, position q·(n − 1) interpolated linearly (NumPy 'linear').</summary>
    public static double Quantile(double[] sorted, double q)
    {
        double pos = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    private static void Validate(int resamples, double level)
    {
        if (resamples < 1) throw new ArgumentException($"bootstrap resamples must be ≥ 1, not {resamples}");
        if (!(level > 0 && level < 1)) throw new ArgumentException($"confidence level must be in (0, 1), not {level}");
    }
}
