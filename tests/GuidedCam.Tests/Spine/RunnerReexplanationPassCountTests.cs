using GuidedCam.Harness.Config;
using GuidedCam.Harness.Results;
using GuidedCam.Harness.Running;

namespace GuidedCam.Tests.Spine;

/// <summary>The plan's estimate for metrics that run a method again counts those re-runs as they are made.</summary>
public class RunnerReexplanationPassCountTests
{
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
