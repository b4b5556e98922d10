using GuidedCam.Core;
using GuidedCam.Harness.Bench;
using TorchSharp;

namespace GuidedCam.Tests.Harness.Bench;

public sealed class HarnessOverheadTests
{
    [Fact]
    public void The_passes_line_of_run_log_reads_back_and_gives_the_ratio()
    {
        var counter = new PassCounter();
        counter.AddForward(12, TimeSpan.FromSeconds(1.0));
        counter.AddForward(12, TimeSpan.FromSeconds(1.0));
        counter.AddForward(128, TimeSpan.FromSeconds(10.0));
        counter.AddBackward(12, TimeSpan.FromSeconds(0.5));
        Assert.Equal((3L, 152L, 1L, 12L), (counter.ForwardCalls, counter.ForwardImages, counter.BackwardCalls, counter.BackwardImages));
        Assert.Equal(new PassTally(2, 24, TimeSpan.FromSeconds(2)), counter.ForwardByBatchSize[12]);

        string dir = EngineFixtures.TempDir("overhead");
        string log = Path.Combine(dir, "run.log");
        File.WriteAllLines(log, new[]
        {
            "2026-01-01 00:00:00Z stage m × d: 12 items",
            "2026-01-01 00:00:00Z passes m × d: " + counter.Describe(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30)),
        });
        var stage = Assert.Single(HarnessOverhead.FromRunLog(log));
        Assert.Equal("m × d", stage.Stage);
        Assert.Equal(new Dictionary<int, long> { [12] = 2, [128] = 1 }, stage.ForwardCallsByBatchSize);
        Assert.Equal((20.0, 12.0, 0.5, 30.0), (stage.WallSeconds, stage.ForwardSeconds, stage.BackwardSeconds, stage.CpuSeconds));
        Assert.Equal(152, stage.ForwardImages);
        // Raw 50 ms/image at batch 12 and 40 ms/image at 128: 24·0.05 + 128·0.04 = 1.2 + 5.12 = 6.32 s; 20 / 6.32 = 3.1646…
        var raw = new Dictionary<int, double> { [12] = 50, [128] = 40 };
        Assert.Equal(6.32, HarnessOverhead.RawForwardSeconds(stage, raw), 9);
        Assert.Equal(20 / 6.32, HarnessOverhead.Ratio(stage, raw), 9);
        Assert.Throws<ArgumentException>(() => HarnessOverhead.Ratio(stage, new Dictionary<int, double> { [12] = 50 }));
        EngineFixtures.CleanUp();
    }

    [Fact]
    public void A_run_log_without_passes_lines_is_a_clear_error()
    {
        string dir = EngineFixtures.TempDir("overhead");
        string log = Path.Combine(dir, "run.log");
        File.WriteAllText(log, "2026-01-01 00:00:00Z stage m × d: 12 items\n");
        var e = Assert.Throws<ArgumentException>(() => HarnessOverhead.FromRunLog(log));
        Assert.Contains("no 'passes' line", e.Message);
        Assert.Contains(log, e.Message);
        EngineFixtures.CleanUp();
    }

    [Fact]
    public void Forward_benchmark_times_each_batch_size_with_enough_images()
    {
        TestSetup.Torch();
        using var model = new TinyLinearClassifier(new float[,] { { 1, 1, 1, 1, -2, 0, 0, -2 }, { 0, 0, 0, 1, 1, 1, 1, 1 } });
        var counter = new PassCounter();
        var rows = new ForwardBenchmark(new CountingClassifier(model, counter), 2, 4, 4) { Warmup = 1, Repeats = 2, MinImagesPerPass = 16 }.Run(new[] { 1, 16, 5 });
        Assert.Equal(new[] { 1, 16, 5 }, rows.Select(r => r.BatchSize));
        // ⌈16/b⌉ calls per timed pass: 16 at batch 1, 1 at 16, 4 at 5.
        Assert.Equal(new[] { 16, 1, 4 }, rows.Select(r => r.Calls));
        // Warm-up 1 call per size + 2 repeats × (16 + 1 + 4) calls.
        Assert.Equal(3 + 2 * 21, counter.ForwardCalls);
        Assert.All(rows, r => Assert.True(r.MsPerImage > 0 && r.MsPerImageMin <= r.MsPerImage));
    }
}
