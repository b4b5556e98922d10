namespace GuidedCam.Tests.Acceptance;

/// <summary>
/// On the synthetic set with the shipped model, Grad-CAM points at the object (pointing game ≥ 80 %)
/// and a random map does far worse — methods and metrics agree end to end, through the real
/// config → runner → metrics path.
/// </summary>
public class SyntheticPointingGameAcceptanceTests
{
    [Fact]
    public void GradCam_points_at_the_object_and_random_does_not()
    {
        // Tolerance 4 px is the paper's 15 px at 224 scaled to the 64-px synthetic image (configs/quickstart.yaml).
        var run = new AcceptanceRun("""
            name: acceptance
            seed: 0
            batch-size: 50
            qualitative: 0
            models: [{arch: builtin}]
            datasets: [{kind: synthetic, count: 150, split: test}]
            methods: [gradcam, random]
            metrics: [{id: pointing-game, tolerance: 4}]
            """);
        double gradcam = run.Mean("gradcam", "pointing-game");
        double random = run.Mean("random", "pointing-game");
        Assert.Equal(300, run.Records.Count); // 150 items × 2 methods, one ground-truth class per synthetic image
        Assert.True(gradcam >= 80, $"Grad-CAM pointing game {gradcam:F1}%");
        Assert.True(random <= gradcam - 30, $"random {random:F1}% is not far below Grad-CAM {gradcam:F1}%");
    }
}
