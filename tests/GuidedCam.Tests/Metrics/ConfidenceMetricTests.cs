using GuidedCam.Metrics;
using static GuidedCam.Tests.TestSupport.MetricFixtures;
using static GuidedCam.Tests.TestSupport.ToyClassifier;

namespace GuidedCam.Tests.Metrics;

/// <summary>
/// Average Drop and Increase in Confidence on a 2×2 toy model (logit₀ = Σ channel 0, logit₁ = 0, so
/// p₀ = σ(logit₀)); every expected value is derived by hand in the comments. Normalisation is
/// mean 0.5 / std 0.25, so `pixel` masking is x_pix = 0.25·x + 0.5, E = (x_pix·S − 0.5)/0.25.
/// </summary>
public class ConfidenceMetricTests
{
    // Item A: x₀ = [1, 2, −1, 0.5], S = [1, 0.5, 0, 0]; clean logit 2.5.
    //   normalized: E₀ = [1, 1, 0, 0] → logit 2.
    //   pixel: x_pix = [0.75, 1, 0.25, 0.625] → ·S = [0.75, 0.5, 0, 0] → E₀ = [1, 0, −2, −2] → logit −3.
    // Item B: x₀ = [−1, −1, −1, 2], S = [0, 0, 0, 1]; clean logit −1.
    //   normalized: E₀ = [0, 0, 0, 2] → logit 2 (confidence rises).
    //   pixel: x_pix = [0.25, 0.25, 0.25, 1] → ·S = [0, 0, 0, 1] → E₀ = [−2, −2, −2, 2] → logit −4.
    private static (ToyClassifier Model, MetricBatch Batch) Setup()
    {
        TestSetup.Torch();
        var model = new ToyClassifier(new float[] { 1, 1, 1, 1 }, 2, 2);
        var a = Item("a", 2, 2, new float[] { 1, 2, -1, 0.5f });
        var b = Item("b", 2, 2, new float[] { -1, -1, -1, 2 });
        var batch = Batch(model, new[] { Unit(a), Unit(b) }, new[] { new float[] { 1, 0.5f, 0, 0 }, new float[] { 0, 0, 0, 1 } });
        return (model, batch);
    }

    [Fact]
    public void Average_drop_and_increase_in_confidence_with_normalized_masking_match_hand_values()
    {
        var (_, batch) = Setup();
        var ad = new AverageDropMetric().Evaluate(batch);
        var ic = new IncreaseInConfidenceMetric().Evaluate(batch);
        // A: 100·(σ(2.5) − σ(2))/σ(2.5) ≈ 4.690 %; B: O = σ(2) > Y = σ(−1) → drop 0, increase.
        Assert.Equal(100 * (Sigmoid(2.5) - Sigmoid(2)) / Sigmoid(2.5), ad[0].Value, 4);
        Assert.Equal(0.0, ad[1].Value, 6);
        Assert.Equal(0.0, ic[0].Value);
        Assert.Equal(100.0, ic[1].Value);
    }

    [Fact]
    public void Average_drop_and_increase_in_confidence_with_pixel_masking_match_hand_values()
    {
        var (_, batch) = Setup();
        var options = new Dictionary<string, string> { ["masking"] = "pixel" };
        var ad = new AverageDropMetric(options).Evaluate(batch);
        var ic = new IncreaseInConfidenceMetric(options).Evaluate(batch);
        // A: 100·(σ(2.5) − σ(−3))/σ(2.5) ≈ 94.85 %; B: 100·(σ(−1) − σ(−4))/σ(−1) ≈ 93.39 %; neither rises.
        Assert.Equal(100 * (Sigmoid(2.5) - Sigmoid(-3)) / Sigmoid(2.5), ad[0].Value, 4);
        Assert.Equal(100 * (Sigmoid(-1) - Sigmoid(-4)) / Sigmoid(-1), ad[1].Value, 4);
        Assert.All(ic, v => Assert.Equal(0.0, v.Value));
    }

    [Fact]
    public void Average_drop_and_increase_in_confidence_share_one_masked_forward_per_masking()
    {
        var (model, batch) = Setup();
        Assert.Equal(1, model.ForwardCalls); // the clean logits
        new AverageDropMetric().Evaluate(batch);
        new IncreaseInConfidenceMetric().Evaluate(batch);
        Assert.Equal(2, model.ForwardCalls); // one masked pass served both
        new IncreaseInConfidenceMetric(new Dictionary<string, string> { ["masking"] = "pixel" }).Evaluate(batch);
        new AverageDropMetric(new Dictionary<string, string> { ["masking"] = "pixel" }).Evaluate(batch);
        Assert.Equal(3, model.ForwardCalls); // the other convention is a different pass, also shared
    }

    [Fact]
    public void Average_drop_of_an_all_zero_map_is_counted_flagged_and_finite()
    {
        TestSetup.Torch();
        var model = new ToyClassifier(new float[] { 1, 1, 1, 1 }, 2, 2);
        var a = Item("a", 2, 2, new float[] { 1, 2, -1, 0.5f });
        var batch = Batch(model, new[] { Unit(a) }, new[] { Zeros(4) });
        var ad = new AverageDropMetric().Evaluate(batch);
        // Everything removed: E = 0 → logit 0 → O = 0.5; AD = 100·(σ(2.5) − 0.5)/σ(2.5) ≈ 45.9 %.
        Assert.Equal(100 * (Sigmoid(2.5) - 0.5) / Sigmoid(2.5), ad[0].Value, 4);
        Assert.True(ad[0].Flagged);
    }
}
