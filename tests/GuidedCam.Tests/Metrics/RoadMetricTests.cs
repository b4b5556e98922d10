using GuidedCam.Harness.Config;
using GuidedCam.Metrics;
using static GuidedCam.Tests.TestSupport.MetricFixtures;

namespace GuidedCam.Tests.Metrics;

/// <summary>ROAD's options, outputs and noise seeding on a 6×6 toy model (logit₀ = Σ channel 0, so p₀ = σ(Σ x₀)).</summary>
public class RoadMetricTests
{
    private const int Side = 6;

    private static (ToyClassifier Model, MetricBatch Batch) Setup(params string[] ids)
    {
        TestSetup.Torch();
        var model = new ToyClassifier(Enumerable.Repeat(1f, Side * Side).ToArray(), Side, Side);
        var units = ids.Select(id => Unit(Item(id, Side, Side, Enumerable.Range(0, Side * Side).Select(i => (i % 7) / 7f - 0.4f).ToArray()))).ToArray();
        var map = Enumerable.Range(0, Side * Side).Select(i => (float)i / (Side * Side - 1)).ToArray();
        return (model, Batch(model, units, units.Select(_ => map).ToArray()));
    }

    private static Dictionary<string, string> Opt(params (string Key, string Value)[] kv) => kv.ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public void Combined_is_half_LeRF_minus_MoRF_and_each_output_has_its_direction()
    {
        var (_, batch) = Setup("a");
        var morf = new RoadMetric(Opt(("output", "morf"))).Evaluate(batch).Single();
        var lerf = new RoadMetric(Opt(("output", "lerf"))).Evaluate(batch).Single();
        var combined = new RoadMetric().Evaluate(batch).Single();
        // ROADCombined: (lerf average − morf average) / 2, and the value is the mean of its 9-point curve.
        Assert.Equal((lerf.Value - morf.Value) / 2, combined.Value, 12);
        Assert.Equal(9, combined.Curve!.Length);
        Assert.Equal(combined.Curve.Average(), combined.Value, 12);
        Assert.Equal(ScoreDirection.LowerIsBetter, new RoadMetric(Opt(("output", "morf"))).Direction);
        Assert.Equal(ScoreDirection.HigherIsBetter, new RoadMetric(Opt(("output", "lerf"))).Direction);
        Assert.Equal(ScoreDirection.HigherIsBetter, new RoadMetric().Direction);
        Assert.Equal(18, new RoadMetric().ForwardsPerUnit);
    }

    [Fact]
    public void Noise_is_seeded_per_unit_not_per_batch()
    {
        var alone = new RoadMetric().Evaluate(Setup("b").Batch).Single();
        var withOthers = new RoadMetric().Evaluate(Setup("a", "b", "c").Batch)[1];
        Assert.Equal(alone.Value, withOthers.Value, 12);
        // Another seed or no noise gives another value (the noise is there and comes from the seed).
        var otherSeed = new RoadMetric(Opt(("seed", "1"))).Evaluate(Setup("b").Batch).Single();
        var noNoise = new RoadMetric(Opt(("noise", "0"))).Evaluate(Setup("b").Batch).Single();
        Assert.NotEqual(alone.Value, otherSeed.Value);
        Assert.NotEqual(alone.Value, noNoise.Value);
        // Same seed, same item, same target: the same numbers again.
        Assert.Equal(alone.Value, new RoadMetric().Evaluate(Setup("b").Batch).Single().Value, 12);
    }

    [Fact]
    public void Bad_options_are_errors()
    {
        Assert.Throws<ArgumentException>(() => new RoadMetric(Opt(("percentiles", "50,20"))));
        Assert.Throws<ArgumentException>(() => new RoadMetric(Opt(("percentiles", "120"))));
        Assert.Throws<ArgumentException>(() => new RoadMetric(Opt(("noise", "-1"))));
        Assert.Throws<ArgumentException>(() => new RoadMetric(Opt(("output", "both"))));
    }

    [Fact]
    public void A_config_seeds_ROAD_with_the_run_seed_unless_the_entry_sets_one()
    {
        const string yaml = "seed: 7\nmodels: [builtin]\ndatasets: [{kind: synthetic}]\nmethods: [gradcam]\n" +
                            "metrics: [road, {id: road, seed: 3, percentiles: [20, 80]}, average-drop]\n";
        var cfg = ConfigLoader.Parse(yaml, "test.yaml");
        Assert.Equal("7", cfg.Metrics[0].Options["seed"]);
        Assert.Equal("3", cfg.Metrics[1].Options["seed"]);
        Assert.Equal("20,80", cfg.Metrics[1].Options["percentiles"]);
        Assert.False(cfg.Metrics[2].Options.ContainsKey("seed"));
    }
}
