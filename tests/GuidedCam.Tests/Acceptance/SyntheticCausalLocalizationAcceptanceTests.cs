using Xunit.Abstractions;

namespace GuidedCam.Tests.Acceptance;

/// <summary>Grad-CAM and `random` on 100 synthetic items with the causal and localization metrics, one run shared by the class.</summary>
public sealed class SyntheticCausalLocalizationRun
{
    // Protocol as configs/quickstart.yaml:
    // - deletion/insertion step 256 px: 64·64/256 = 16 steps, 17 points per curve;
    // - localization threshold 0.5 instead of Grad-CAM's 0.15 (chosen on ImageNet, where objects fill much of
    //   the image): the synthetic objects cover only 5–12 % of the 64-px image and the CAMs come from a 16×16
    //   layer (each cell spans 4×4 px, upsampled bilinearly), so 15 % of the maximum marks a region several
    //   times the object and its box would miss IoU 0.5 for any method;
    // - energy pointing game has no options (the share of map energy inside the box, Score-CAM paper).
    public AcceptanceRun Run { get; } = new("""
        name: synthetic-causal-localization
        seed: 0
        batch-size: 50
        qualitative: 0
        models: [{arch: builtin}]
        datasets: [{kind: synthetic, count: 100, split: test}]
        methods: [gradcam, random]
        metrics:
          - {id: deletion, step: 256}
          - {id: insertion, step: 256}
          - {id: loc-gt-known, threshold: 0.5}
          - {id: loc-top1, threshold: 0.5}
          - energy-pointing-game
        """);
}

/// <summary>
/// End to end on the built-in synthetic model: Grad-CAM's map is causally meaningful (inserting
/// its top pixels restores the class faster than deleting them destroys it) and localizes the object
/// better than a random map by every localization measure.
/// </summary>
public class SyntheticCausalLocalizationAcceptanceTests(SyntheticCausalLocalizationRun fixture, ITestOutputHelper output) : IClassFixture<SyntheticCausalLocalizationRun>
{
    private double Report(string method, string metric)
    {
        double v = fixture.Run.Mean(method, metric);
        output.WriteLine($"{method} {metric}: {v:F4} (n = {fixture.Run.Count(method, metric)}; shared run {fixture.Run.Elapsed.TotalSeconds:F1} s)");
        return v;
    }

    [Fact]
    public void GradCam_insertion_AUC_exceeds_deletion_AUC()
    {
        double insertion = Report("gradcam", "insertion");
        double deletion = Report("gradcam", "deletion");
        Assert.Equal(100, fixture.Run.Count("gradcam", "insertion"));
        Assert.Equal(100, fixture.Run.Count("gradcam", "deletion"));
        // Petsiuk et al. 2018 (RISE): a faithful map has a low deletion AUC and a high insertion AUC;
        // insertion > deletion is the weakest form of that.
        Assert.True(insertion > deletion, $"Grad-CAM insertion AUC {insertion:F4} ≤ deletion AUC {deletion:F4}");
    }

    [Theory]
    [InlineData("loc-gt-known")]
    [InlineData("loc-top1")]
    [InlineData("energy-pointing-game")]
    public void GradCam_localizes_better_than_random(string metric)
    {
        double gradcam = Report("gradcam", metric);
        double random = Report("random", metric);
        Assert.Equal(100, fixture.Run.Count("gradcam", metric));
        // Strictly better than a random map (which localizes by chance only).
        Assert.True(gradcam > random, $"Grad-CAM {metric} {gradcam:F2} is not above random {random:F2}");
    }
}
