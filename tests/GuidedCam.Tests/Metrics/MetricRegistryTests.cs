using GuidedCam.Metrics;
using static GuidedCam.Tests.TestSupport.MetricFixtures;

namespace GuidedCam.Tests.Metrics;

/// <summary>Every metric is registered, declares itself, and resolves its options with docs/spec/metrics.md defaults.</summary>
public class MetricRegistryTests
{
    [Fact]
    public void Every_metric_is_registered_with_its_declared_defaults()
    {
        // Defaults from docs/spec/metrics.md (target per "Which class"; masking, step, substrate, tolerance, threshold).
        var expected = new Dictionary<string, string>
        {
            ["average-drop"] = "masking=normalized;target=predicted",
            ["increase-in-confidence"] = "masking=normalized;target=predicted",
            ["deletion"] = "batch-size=64;step=input-width;substrate=zeros;target=predicted",
            ["insertion"] = "batch-size=64;step=input-width;target=predicted",
            ["pointing-game"] = "target=ground-truth;tolerance=15",
            ["energy-pointing-game"] = "target=ground-truth",
            ["loc-gt-known"] = "target=ground-truth;threshold=0.15",
            ["loc-top1"] = "target=ground-truth;threshold=0.15",
            ["sparsity"] = "target=predicted",
            // ROAD: pytorch-grad-cam 1.5.5 ROADCombined defaults (percentiles 10..90, NoisyLinearImputer noise 0.01).
            ["road"] = "batch-size=32;noise=0.01;output=combined;percentiles=10,20,30,40,50,60,70,80,90;seed=0;target=predicted",
            ["model-randomisation"] = "layers=all;mode=cascading;similarity=spearman;target=predicted",
        };
        Assert.Equal(expected.Keys.OrderBy(k => k), MetricRegistry.BuiltIn.Ids.OrderBy(k => k));
        foreach (var (id, options) in expected)
        {
            var m = MetricRegistry.BuiltIn.Create(id);
            Assert.Equal(id, m.Id);
            Assert.Equal(options, string.Join(';', m.Options.Select(kv => $"{kv.Key}={kv.Value}")));
            Assert.Equal(m.Options["target"] == "predicted" ? TargetSelection.Predicted : TargetSelection.GroundTruth, m.Target);
            Assert.False(string.IsNullOrWhiteSpace(m.Citation));
            Assert.Equal(m.Options.Keys.OrderBy(k => k), m.DeclaredOptions.Select(o => o.Name).OrderBy(k => k));
        }
        Assert.Equal(ScoreDirection.LowerIsBetter, MetricRegistry.BuiltIn.Create("average-drop").Direction);
        Assert.Equal(ScoreDirection.LowerIsBetter, MetricRegistry.BuiltIn.Create("deletion").Direction);
        Assert.Equal(ScoreDirection.HigherIsBetter, MetricRegistry.BuiltIn.Create("insertion").Direction);
    }

    [Theory]
    [InlineData("deletion", "substrate", "noise", "allowed: zeros, mean, blur")]
    [InlineData("deletion", "step", "0", "whole number ≥ 1 or 'input-width'")]
    [InlineData("insertion", "substrate", "zeros", "allowed: target, step, batch-size")]
    [InlineData("average-drop", "masking", "black", "allowed: normalized, pixel")]
    [InlineData("pointing-game", "tolerance", "-1", "≥ 0")]
    [InlineData("loc-top1", "threshold", "1.5", "[0, 1)")]
    [InlineData("energy-pointing-game", "target", "top5", "allowed: predicted, ground-truth")]
    public void Bad_options_are_clear_errors(string id, string key, string value, string hint)
    {
        var e = Assert.Throws<ArgumentException>(() => MetricRegistry.BuiltIn.Create(id, new Dictionary<string, string> { [key] = value }));
        Assert.Contains(hint, e.Message);
    }

    [Fact]
    public void Unknown_metric_lists_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => MetricRegistry.BuiltIn.Create("ssim"));
        Assert.Contains("pointing-game", e.Message);
    }

    [Fact]
    public void Sparsity_is_max_over_mean_and_all_zero_is_flagged()
    {
        TestSetup.Torch();
        // S = [1, 0.5, 0.5, 0]: max 1, mean 0.5 → 2. All-zero map: no mean → 0, flagged.
        var model = NullModel(2, 2);
        var units = new[] { Unit(Item("s", 2, 2, new float[4])), Unit(Item("z", 2, 2, new float[4])) };
        var values = MetricRegistry.BuiltIn.Create("sparsity").Evaluate(Batch(model, units, new[] { new float[] { 1, 0.5f, 0.5f, 0 }, new float[4] }));
        Assert.Equal(2.0, values[0].Value, 6);
        Assert.False(values[0].Flagged);
        Assert.Equal(0.0, values[1].Value);
        Assert.True(values[1].Flagged);
    }
}
