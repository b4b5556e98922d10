using GuidedCam.Harness.Config;
using GuidedCam.Harness.Results;
using GuidedCam.Harness.Running;

namespace GuidedCam.Tests.Harness.Running;

/// <summary>The runner computes all methods' maps of a batch from one capture and logs what it spent.</summary>
public class RunnerTests
{
    [Fact]
    public void Every_gradient_method_of_an_image_shares_one_forward_and_one_backward()
    {
        TestSetup.Torch();
        var cfg = ConfigLoader.Parse("""
            name: passes
            seed: 0
            batch-size: 5
            qualitative: 0
            models: [{arch: builtin}]
            datasets: [{kind: synthetic, count: 10, split: test}]
            methods: [gradcam, gradcampp, xgradcam, layercam, eigengradcam, hirescam, gradcam-elementwise, guidedcam, {id: guidedcam, weights: xgradcam}, eigencam, random]
            metrics: [sparsity]
            """, "test.yaml");
        ConfigValidator.Validate(cfg);
        using (var plan = RunPlan.Build(cfg, new MemoryResultSink(), null))
        {
            // The plan's estimate counts the shared capture once per item and target: 10 clean + 10 capture forwards, 10 backwards.
            Assert.Equal((20L, 10L), (plan.Stages[0].Counts.Forwards, plan.Stages[0].Counts.Backwards));
        }
        var log = new List<string>();
        var stats = new Runner(cfg, log.Add).Run(Path.Combine(Path.GetTempPath(), "gc-passes-" + Guid.NewGuid().ToString("N")), new MemoryResultSink());
        // Two batches of 5; each: the clean forward for the predictions, then one capture (1 F + 1 B) per
        // image for all 11 methods (sparsity needs only the predicted maps and runs no network; captures are
        // taken one image at a time so a map does not depend on its batch, docs/spec/determinism.md):
        // 2 forwards of 5 images and 10 of 1, 10 backwards of 1. One method at a time would have made 11 times the captures.
        Assert.Equal((20L, 10L), (stats.ImagesForwarded, stats.ImagesBackward));
        Assert.True(stats.ForwardTime > TimeSpan.Zero);
        var line = Assert.Single(log, l => l.StartsWith("passes builtin × synthetic: ", StringComparison.Ordinal));
        Assert.Contains("forward 12 calls / 20 images [", line);
        Assert.Contains("5×2 in ", line);
        Assert.Contains("1×10 in ", line);
        Assert.Contains("backward 10 calls / 10 images", line);
        Assert.Contains("elsewhere", line);
    }

    [Fact]
    public void The_plan_estimate_of_model_randomisation_equals_the_passes_the_run_spends()
    {
        TestSetup.Torch();
        var cfg = ConfigLoader.Parse("""
            name: passes-mprt
            seed: 0
            batch-size: 4
            qualitative: 0
            models: [{arch: builtin}]
            datasets: [{kind: synthetic, count: 4, split: test}]
            methods: [gradcam, eigencam, layercam]
            metrics: [model-randomisation]
            """, "test.yaml");
        ConfigValidator.Validate(cfg);
        long forwards, backwards;
        using (var plan = RunPlan.Build(cfg, new MemoryResultSink(), null))
            (forwards, backwards) = (plan.Stages[0].Counts.Forwards, plan.Stages[0].Counts.Backwards);
        var log = new List<string>();
        var stats = new Runner(cfg, log.Add).Run(Path.Combine(Path.GetTempPath(), "gc-passes-" + Guid.NewGuid().ToString("N")), new MemoryResultSink());
        // By hand, with D randomised depths: 4 clean forwards + 4 capture forwards and 4 backwards for the
        // three trained maps, then per depth each method's own Explain on the randomised model: gradcam and
        // layercam 1 F + 1 B each, eigencam 1 F, for 4 images: 4 + 4 + D·4·3 forwards, 4 + D·4·2 backwards.
        Assert.Equal(0, (forwards - 8) % 12);
        long depths = (forwards - 8) / 12;
        Assert.True(depths >= 1);
        Assert.Equal(4 + depths * 8, backwards);
        Assert.Equal((forwards, backwards), (stats.ImagesForwarded, stats.ImagesBackward));
    }
}
