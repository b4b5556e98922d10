using GuidedCam.Harness.Results;
using GuidedCam.Metrics;

namespace GuidedCam.Tests.Harness.Results;

public class SummaryTableTests : IDisposable
{
    public void Dispose() => EngineFixtures.CleanUp();

    private readonly MetricCatalog _metrics = FakeMetrics.Catalog();

    private static ResultRecord Rec(string method, string item, double value, int? cls = null, string metric = FakeMetrics.Mean) =>
        new("m", "d", item, 0, cls, method, "", metric, "", value, false, null);

    private IReadOnlyList<SummaryRow> Compute(IEnumerable<ResultRecord> records, Bootstrap? b = null) =>
        SummaryTable.Compute(records.ToList(), (id, options) => MetricInfo.Resolve(id, options, _metrics), b ?? new Bootstrap());

    [Fact]
    public void Mean_std_count_come_from_the_accumulator()
    {
        // Values 1, 2, 3, 4: mean 2.5, sample std sqrt(((1.5²+0.5²)·2)/3) = sqrt(5/3) = 1.2910 (hand calculation).
        var rows = Compute(new[] { 1.0, 2, 3, 4 }.Select((v, i) => Rec("gradcam", $"i{i}", v)));
        var r = Assert.Single(rows);
        Assert.Equal(2.5, r.Mean, 12);
        Assert.Equal(Math.Sqrt(5.0 / 3), r.Std, 12);
        Assert.Equal(4, r.Count);
        Assert.Equal(ScoreDirection.HigherIsBetter, r.Direction);
        Assert.InRange(r.CiLow, 1.0, 2.5);
        Assert.InRange(r.CiHigh, 2.5, 4.0);
        Assert.True(double.IsNaN(r.DiffVsReference)); // the reference has no difference with itself
    }

    [Fact]
    public void Headline_mean_is_the_metrics_own_aggregate()
    {
        // Class 0: three hits (1, 1, 1) → 1; class 1: one miss (0) → 0. Per-class mean 0.5, item mean 0.75.
        var recs = new[] { Rec("gradcam", "a", 1, 0, FakeMetrics.PerClass), Rec("gradcam", "b", 1, 0, FakeMetrics.PerClass), Rec("gradcam", "c", 1, 0, FakeMetrics.PerClass), Rec("gradcam", "d", 0, 1, FakeMetrics.PerClass) };
        var r = Assert.Single(Compute(recs));
        Assert.Equal(0.5, r.Mean, 12);
        Assert.Equal(0.75, r.Extra["item_mean"], 12);
        // Every resample's per-class mean lies in {0, 1/2, 1, …}; with class 1 drawn at all it is 0.5, without it 1.
        Assert.InRange(r.CiLow, 0.5, 0.5);
        Assert.Equal(1.0, r.CiHigh, 12); // P(no class-1 unit in a resample) = 0.75⁴ = 32% > 2.5%
    }

    [Fact]
    public void Constant_values_give_a_zero_width_interval()
    {
        var r = Assert.Single(Compute(Enumerable.Range(0, 20).Select(i => Rec("gradcam", $"i{i}", 3.0))));
        Assert.Equal((3.0, 3.0), (r.CiLow, r.CiHigh));
    }

    [Fact]
    public void Bootstrap_interval_of_a_proportion_matches_the_normal_approximation()
    {
        // 400 units, half 1 and half 0: the mean's standard error is sqrt(0.25/400) = 0.025, so the 95%
        // interval is about 0.5 ± 1.96·0.025 = [0.451, 0.549] (normal approximation; tolerance 0.01).
        var r = Assert.Single(Compute(Enumerable.Range(0, 400).Select(i => Rec("gradcam", $"i{i}", i % 2))));
        Assert.Equal(0.451, r.CiLow, 0.01);
        Assert.Equal(0.549, r.CiHigh, 0.01);
    }

    [Fact]
    public void Paired_difference_uses_the_same_units()
    {
        // guidedcam = gradcam + 1 on every unit, with a large spread across units: the paired difference
        // is exactly 1 in every resample, so its interval is [1, 1] although each method's own interval is wide.
        var values = Enumerable.Range(0, 50).Select(i => (double)(i * i % 37)).ToList();
        var recs = values.Select((v, i) => Rec("gradcam", $"i{i}", v))
            .Concat(values.Select((v, i) => Rec("guidedcam", $"i{i}", v + 1)))
            .Append(Rec("guidedcam", "only-here", 100)); // an unpaired unit is not part of the difference
        var rows = Compute(recs);
        var g = rows.Single(r => r.Method == "guidedcam");
        Assert.Equal(1.0, g.DiffVsReference, 12);
        Assert.Equal(1.0, g.DiffCiLow, 12);
        Assert.Equal(1.0, g.DiffCiHigh, 12);
        Assert.True(g.CiHigh - g.CiLow > 5);
        Assert.Equal(51, g.Count);
    }

    [Fact]
    public void Bootstrap_is_deterministic_for_a_seed()
    {
        var units = Enumerable.Range(0, 60).Select(i => new MetricValue($"i{i}", 0, null, Math.Sin(i) * 10)).ToList();
        var acc = _metrics.Create(FakeMetrics.Mean).CreateAccumulator;
        var a = new Bootstrap(1000, 7).Interval(units, acc, "cell");
        var b = new Bootstrap(1000, 7).Interval(units, acc, "cell");
        var c = new Bootstrap(1000, 8).Interval(units, acc, "cell");
        var d = new Bootstrap(1000, 7).Interval(units, acc, "other cell");
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(a, d);
    }

    [Fact]
    public void Quantile_is_numpy_linear()
    {
        // numpy.quantile([1, 2, 3, 4], [0, 0.25, 0.5, 1]) = [1, 1.75, 2.5, 4].
        double[] x = { 1, 2, 3, 4 };
        Assert.Equal(1, Bootstrap.Quantile(x, 0));
        Assert.Equal(1.75, Bootstrap.Quantile(x, 0.25), 12);
        Assert.Equal(2.5, Bootstrap.Quantile(x, 0.5), 12);
        Assert.Equal(4, Bootstrap.Quantile(x, 1));
    }
}
