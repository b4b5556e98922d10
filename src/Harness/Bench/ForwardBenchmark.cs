using System.Diagnostics;
using GuidedCam.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Bench;

/// <summary>The model's raw inference speed at one batch size: no_grad forward, no taps.</summary>
/// <param name="BatchSize">Images per forward invocation.</param>
/// <param name="Calls">Forward invocations per timed pass.</param>
/// <param name="Repeats">Timed passes.</param>
/// <param name="MsPerImage">Median over repeats of wall time per image.</param>
/// <param name="MsPerImageMin">Fastest repeat (least disturbed by other load).</param>
/// <param name="CpuMsPerImage">Median over repeats of the process's CPU time per image (all threads).</param>
public sealed record ForwardBenchmarkRow(int BatchSize, int Calls, int Repeats, double MsPerImage, double MsPerImageMin, double CpuMsPerImage);

/// <summary>
/// Raw throughput of a classifier: plain forward passes under no_grad on seeded noise of the model's
/// input size, at each batch size, after a warm-up. Batch sizes are interleaved within every repeat
/// (order rotated), so a change in machine load falls on all alike. This is the denominator of the
/// harness overhead ratio: a run's wall time ÷ Σ over batch sizes of (images forwarded × raw time per image).
/// </summary>
public sealed class ForwardBenchmark(IClassifier model, long channels, long height, long width)
{
    public int Warmup { get; init; } = 1;
    public int Repeats { get; init; } = 3;
    /// <summary>Each timed pass forwards at least this many images (several calls at small batch sizes), so every figure averages enough work.</summary>
    public int MinImagesPerPass { get; init; } = 16;

    public IReadOnlyList<ForwardBenchmarkRow> Run(IReadOnlyList<int> batchSizes)
    {
        if (batchSizes.Count == 0 || batchSizes.Any(b => b < 1)) throw new ArgumentException("batch sizes must be positive whole numbers");
        if (Warmup < 0 || Repeats < 1 || MinImagesPerPass < 1) throw new ArgumentException($"Warmup ≥ 0, Repeats ≥ 1 and MinImagesPerPass ≥ 1 are required (got {Warmup}, {Repeats}, {MinImagesPerPass})");
        var sizes = batchSizes.Distinct().ToArray();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var inputs = sizes.ToDictionary(b => b, b => torch.randn(new long[] { b, channels, height, width }, device: torch.CPU, generator: new torch.Generator(0)).to(model.Device));
        var calls = sizes.ToDictionary(b => b, b => Math.Max(1, (MinImagesPerPass + b - 1) / b));
        foreach (int b in sizes)
            for (int w = 0; w < Warmup; w++) Forward(inputs[b], 1);
        var wall = sizes.ToDictionary(b => b, _ => new double[Repeats]);
        var cpu = sizes.ToDictionary(b => b, _ => new double[Repeats]);
        for (int r = 0; r < Repeats; r++)
            for (int j = 0; j < sizes.Length; j++)
            {
                int b = sizes[(j + r) % sizes.Length];
                var (ms, cpuMs) = Forward(inputs[b], calls[b]);
                wall[b][r] = ms / (calls[b] * b);
                cpu[b][r] = cpuMs / (calls[b] * b);
            }
        return sizes.Select(b => new ForwardBenchmarkRow(b, calls[b], Repeats, MethodBenchmark.Median(wall[b]), wall[b].Min(), MethodBenchmark.Median(cpu[b]))).ToArray();
    }

    private (double Ms, double CpuMs) Forward(Tensor x, int calls)
    {
        var process = Process.GetCurrentProcess();
        var cpuStart = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        for (int c = 0; c < calls; c++)
        {
            using var scope = torch.NewDisposeScope();
            model.Forward(x);
        }
        sw.Stop();
        process.Refresh();
        return (sw.Elapsed.TotalMilliseconds, (process.TotalProcessorTime - cpuStart).TotalMilliseconds);
    }
}
