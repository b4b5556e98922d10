using GuidedCam.Metrics;

namespace GuidedCam.Tests.Metrics;

/// <summary>Streaming accumulator and the seeded bootstrap.</summary>
public class StatisticsTests
{
    private static MetricValue[] Values(params double[] v) => v.Select((x, i) => new MetricValue($"i{i}", 0, i % 3, x)).ToArray();

    [Fact]
    public void StreamingAccumulator_gives_mean_sample_std_count_and_flagged()
    {
        // {2, 4, 4, 4, 5, 5, 7, 9}: mean 5, Σ(x − 5)² = 32, sample variance 32/7.
        var acc = new StreamingAccumulator();
        var v = Values(2, 4, 4, 4, 5, 5, 7, 9);
        v[3] = v[3] with { Flagged = true };
        acc.Update(v.Take(3));
        acc.Update(v.Skip(3));
        var s = acc.Summary();
        Assert.Equal(5.0, s.Mean, 12);
        Assert.Equal(Math.Sqrt(32.0 / 7), s.Std, 12);
        Assert.Equal(8, s.Count);
        Assert.Equal(1, s.Flagged);
        acc.Reset();
        Assert.Equal(0, acc.Summary().Count);
        Assert.Throws<ArgumentException>(() => acc.Update(Values(double.NaN)));
    }

    [Fact]
    public void Bootstrap_is_seeded_deterministic_and_contains_the_mean()
    {
        var rng = new Random(1);
        var v = Values(Enumerable.Range(0, 200).Select(_ => rng.NextDouble() * 100).ToArray());
        var a = Statistics.Bootstrap(v, Statistics.Mean, seed: 7);
        var b = Statistics.Bootstrap(v, Statistics.Mean, seed: 7);
        var c = Statistics.Bootstrap(v, Statistics.Mean, seed: 8);
        Assert.Equal(a, b);
        Assert.NotEqual(a.Lower, c.Lower);
        Assert.Equal(v.Average(x => x.Value), a.Estimate, 12);
        Assert.InRange(a.Estimate, a.Lower, a.Upper);
        // Uniform(0, 100): sd ≈ 28.9, standard error ≈ 2.04 over 200 units, so the 95 % interval is about
        // ±4 wide; anything between 2 and 6 on each side is consistent, a broken resampler is not.
        Assert.InRange(a.Estimate - a.Lower, 2, 6);
        Assert.InRange(a.Upper - a.Estimate, 2, 6);
        Assert.Equal(1000, a.Resamples);
    }

    [Fact]
    public void Bootstrap_of_a_constant_is_that_constant()
    {
        var s = Statistics.Bootstrap(Values(3, 3, 3, 3), Statistics.Mean);
        Assert.Equal((3.0, 3.0, 3.0), (s.Estimate, s.Lower, s.Upper));
    }

    [Fact]
    public void Bootstrap_of_the_pointing_game_statistic_reruns_its_accumulator()
    {
        // Unbalanced classes: class 0 has 10 hits, class 1 has 2 misses. Per-class mean (TorchRay) = (100 + 0)/2
        // = 50 %, item mean = 10/12 = 83.3 %: the bootstrap must resample the per-class statistic.
        var v = Enumerable.Range(0, 12).Select(i => new MetricValue($"i{i}", 0, i < 10 ? 0 : 1, i < 10 ? 100 : 0)).ToArray();
        var ci = Statistics.Bootstrap(v, Statistics.SummaryOf(new PointingGameMetric()));
        var items = Statistics.Bootstrap(v, Statistics.Mean);
        Assert.Equal(50.0, ci.Estimate, 9);
        Assert.Equal(250.0 / 3, items.Estimate, 9);
        // Per-class resamples are 50 whenever both classes are drawn and 100 when class 1 is missed
        // (probability (10/12)^12 ≈ 11 % > 2.5 %): the interval is exactly [50, 100]. The item mean's lower
        // end is a binomial quantile (≈ 7/12), above 50.
        Assert.Equal(50.0, ci.Lower, 9);
        Assert.Equal(100.0, ci.Upper, 9);
        Assert.True(items.Lower > 50, $"item-mean lower bound {items.Lower}");
    }

    [Fact]
    public void PairedDifference_matches_units_by_item_and_target()
    {
        var rng = new Random(3);
        var baseline = Enumerable.Range(0, 50).Select(i => new MetricValue($"i{i}", i % 2, null, rng.NextDouble())).ToList();
        // Method = baseline + 5 on every shared unit, listed in another order, plus one unit the baseline lacks.
        var method = baseline.Select(b => b with { Value = b.Value + 5 }).Reverse().ToList();
        method.Add(new MetricValue("extra", 0, null, 1000));
        var d = Statistics.PairedDifference(method, baseline, Statistics.Mean, seed: 1);
        // Every resample of pairs has difference exactly 5, so the interval collapses onto it.
        Assert.Equal(5.0, d.Difference, 9);
        Assert.Equal(5.0, d.Lower, 9);
        Assert.Equal(5.0, d.Upper, 9);
        Assert.Equal(50, d.Pairs);
        Assert.Equal(1, d.UnmatchedMethod);
        Assert.Equal(0, d.UnmatchedBaseline);
    }

    [Fact]
    public void PairedDifference_interval_covers_the_mean_difference_and_is_narrower_than_unpaired()
    {
        // Large item-to-item spread shared by both methods, small noisy gain: pairing removes the spread.
        var rng = new Random(5);
        var baseline = Enumerable.Range(0, 100).Select(i => new MetricValue($"i{i}", 0, null, rng.NextDouble() * 100)).ToList();
        var method = baseline.Select(b => b with { Value = b.Value + 1 + rng.NextDouble() }).ToList();
        var d = Statistics.PairedDifference(method, baseline, Statistics.Mean, seed: 2);
        Assert.InRange(d.Difference, d.Lower, d.Upper);
        Assert.True(d.Lower > 1 && d.Upper < 2, $"[{d.Lower}, {d.Upper}] should lie inside (1, 2): every pair gains 1 to 2");
        var alone = Statistics.Bootstrap(baseline, Statistics.Mean, seed: 2);
        Assert.True(d.Upper - d.Lower < (alone.Upper - alone.Lower) / 5);
    }

    [Fact]
    public void Quantile_interpolates_linearly_as_NumPy()
    {
        // numpy.quantile([1, 2, 3, 4], 0.25) = 1.75 (position 0.75).
        Assert.Equal(1.75, Statistics.Quantile(new double[] { 1, 2, 3, 4 }, 0.25), 12);
    }
}
