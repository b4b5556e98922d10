using GuidedCam.Metrics;

namespace GuidedCam.Harness.Results;

/// <summary>
/// Seeded percentile bootstrap over evaluation units (Efron &amp; Tibshirani 1993, "An Introduction to
/// the Bootstrap", ch. 13), as METRICS.md "Aggregates and statistics" asks: 1,000 resamples of the
/// units with replacement, the statistic recomputed by the metric's own accumulator on each resample
/// (so the pointing game's per-class mean is bootstrapped, not a plain item mean), and the 2.5% and
/// 97.5% quantiles of the resampled statistics as the 95% interval.
/// <para>
/// Determinism: the random stream is SplitMix64 (Steele, Lea &amp; Flood 2014) seeded from
/// <see cref="Seed"/> and a stream name (the table cell), so an interval depends only on the seed,
/// the cell and its units — not on the order cells are computed in, nor on the .NET version
/// (System.Random's seeded sequence is not guaranteed across versions). This class is the one place
/// the resampling lives; a shared statistics module can replace it behind the same two methods.
/// </para>
/// </summary>
public sealed class Bootstrap(int resamples = 1000, ulong seed = Bootstrap.DefaultSeed, double level = 0.95) : IIntervalEstimator
{
    /// <summary>Default seed of every interval in a report (any fixed number; fixed so reports reproduce).</summary>
    public const ulong DefaultSeed = 20221005;

    public int Resamples { get; } = resamples > 0 ? resamples : throw new ArgumentOutOfRangeException(nameof(resamples), "at least one resample");
    public ulong Seed { get; } = seed;
    public double Level { get; } = level is > 0 and < 1 ? level : throw new ArgumentOutOfRangeException(nameof(level), "confidence level in (0, 1)");

    /// <summary>Interval of the accumulator's mean over <paramref name="units"/>; (NaN, NaN) for no units.</summary>
    public (double Low, double High) Interval(IReadOnlyList<MetricValue> units, Func<IMetricAccumulator> newAccumulator, string cell)
    {
        var accumulator = newAccumulator();
        if (units.Count == 0) return (double.NaN, double.NaN);
        var rng = new SplitMix64(StreamSeed(cell));
        var sample = new MetricValue[units.Count];
        var stats = new List<double>(Resamples);
        for (int b = 0; b < Resamples; b++)
        {
            for (int i = 0; i < sample.Length; i++) sample[i] = units[rng.NextIndex(units.Count)];
            double m = MeanOf(accumulator, sample);
            if (!double.IsNaN(m)) stats.Add(m);
        }
        return Percentiles(stats);
    }

    /// <summary>
    /// Interval of mean(a) − mean(b) for paired units: a[i] and b[i] are the same (item, target) under
    /// two methods, and every resample draws the same indices for both, so the interval reflects the
    /// difference on shared items rather than the spread of each method.
    /// </summary>
    public (double Low, double High) PairedDifferenceInterval(
        IReadOnlyList<MetricValue> a, IReadOnlyList<MetricValue> b, Func<IMetricAccumulator> newAccumulator, string cell)
    {
        var accumulatorA = newAccumulator();
        var accumulatorB = newAccumulator();
        if (a.Count != b.Count) throw new ArgumentException($"paired samples differ in length ({a.Count} vs {b.Count})");
        if (a.Count == 0) return (double.NaN, double.NaN);
        var rng = new SplitMix64(StreamSeed(cell));
        var sa = new MetricValue[a.Count];
        var sb = new MetricValue[b.Count];
        var stats = new List<double>(Resamples);
        for (int r = 0; r < Resamples; r++)
        {
            for (int i = 0; i < sa.Length; i++)
            {
                int k = rng.NextIndex(a.Count);
                sa[i] = a[k];
                sb[i] = b[k];
            }
            double d = MeanOf(accumulatorA, sa) - MeanOf(accumulatorB, sb);
            if (!double.IsNaN(d)) stats.Add(d);
        }
        return Percentiles(stats);
    }

    private static double MeanOf(IMetricAccumulator acc, IEnumerable<MetricValue> values)
    {
        acc.Reset();
        acc.Update(values);
        return acc.Summary().Mean;
    }

    private (double, double) Percentiles(List<double> stats)
    {
        if (stats.Count == 0) return (double.NaN, double.NaN);
        var sorted = stats.ToArray();
        Array.Sort(sorted);
        double alpha = (1 - Level) / 2;
        return (Quantile(sorted, alpha), Quantile(sorted, 1 - alpha));
    }

    /// <summary>Quantile of sorted data with linear interpolation between order statistics (Hyndman &amp; Fan 1996, type 7; NumPy's default).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) return double.NaN;
        double h = (sorted.Count - 1) * p;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    private ulong StreamSeed(string stream)
    {
        // Mix the stream name into the seed with FNV-1a so every cell has its own reproducible stream.
        ulong h = Running.Shard.StableHash(stream);
        return Seed ^ (h * 0x9E3779B97F4A7C15UL);
    }

    /// <summary>SplitMix64 (Steele, Lea &amp; Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014).</summary>
    private struct SplitMix64(ulong state)
    {
        private ulong _state = state;

        public ulong Next()
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>Uniform index in [0, n): high 64 bits of a 64×64-bit product (Lemire 2019, without the rejection step; bias ≤ n/2⁶⁴).</summary>
        public int NextIndex(int n) => (int)(((UInt128)Next() * (ulong)n) >> 64);
    }
}
