using GuidedCam.Harness.Config;
using GuidedCam.Harness.Results;
using GuidedCam.Harness.Running;

namespace GuidedCam.Tests.Spine;

/// <summary>The runner computes all methods' maps of a batch from one capture and logs what it spent.</summary>
public class RunnerPassCountTests
{
    [Fact]
    public void Every_gradient_method_of_a_batch_shares_one_forward_and_one_backward()
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
        var log = new List<string>();
        var runner = new Runner(cfg, log.Add);
        runner.Run(Path.Combine(Path.GetTempPath(), "gc-passes-" + Guid.NewGuid().ToString("N")), new MemoryResultSink());
        var (stage, passes) = Assert.Single(runner.StagePasses);
        Assert.Equal("builtin × synthetic", stage);
        // Two batches of 5; each: the clean forward for the predictions, then one capture (1 F + 1 B)
        // for all 11 methods (sparsity needs only the predicted maps and runs no network).
        Assert.Equal((4L, 20L), (passes.ForwardCalls, passes.ForwardImages));
        Assert.Equal((2L, 10L), (passes.BackwardCalls, passes.BackwardImages));
        Assert.Equal(4L, passes.ForwardByBatchSize[5].Calls);
        Assert.True(passes.ForwardTime > TimeSpan.Zero && passes.BackwardTime > TimeSpan.Zero);
        var line = Assert.Single(log, l => l.StartsWith("passes builtin × synthetic: ", StringComparison.Ordinal));
        Assert.Contains("forward 4 calls / 20 images [5×4 in ", line);
        Assert.Contains("backward 2 calls / 10 images", line);
        Assert.Contains("elsewhere", line);
    }
}
