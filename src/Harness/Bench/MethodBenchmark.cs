using System.Diagnostics;
using GuidedCam.Core;
using GuidedCam.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Bench;

/// <summary>One method at one batch size: wall time per image and network invocations per image.</summary>
/// <param name="Method">Method id.</param>
/// <param name="BatchSize">Images per Explain call.</param>
/// <param name="Images">Images per timed pass.</param>
/// <param name="Repeats">Timed passes.</param>
/// <param name="Threads">libtorch intra-op threads during the run.</param>
/// <param name="MsPerImage">Median over repeats of (time for all images) / images.</param>
/// <param name="MsPerImageMin">Fastest repeat, the figure least disturbed by other load on the machine.</param>
/// <param name="ForwardPassesPerImage">Forward network invocations per image, as the method reports them.</param>
/// <param name="BackwardPassesPerImage">Backward passes per image, as the method reports them.</param>
/// <param name="RepeatMsPerImage">Wall time per image of each repeat, in run order (for paired ratios between methods).</param>
/// <param name="CpuMsPerImage">Median over repeats of the process's CPU time per image (all threads): the work done,
/// much less sensitive than wall time to other processes competing for the cores.</param>
/// <param name="RepeatCpuMsPerImage">CPU time per image of each repeat.</param>
public sealed record MethodBenchmarkRow(
    string Method,
    int BatchSize,
    int Images,
    int Repeats,
    int Threads,
    double MsPerImage,
    double MsPerImageMin,
    double ForwardPassesPerImage,
    double BackwardPassesPerImage,
    IReadOnlyList<double> RepeatMsPerImage,
    double CpuMsPerImage,
    IReadOnlyList<double> RepeatCpuMsPerImage);

/// <summary>
/// Times saliency methods on one classifier and a fixed input batch (N×3×H×W). For each batch size,
/// every method first runs <see cref="Warmup"/> times on the first batch (allocator and kernel
/// warm-up), then <see cref="Repeats"/> timed passes over the first <see cref="Images"/> images.
/// Methods are interleaved batch by batch, in an order rotated at every batch, so a change in the
/// machine's load (other processes, thermal) falls on all methods alike and ratios between methods
/// stay fair. Passes per image are what the methods report (<see cref="SaliencyResult"/>), which the
/// method tests check against the network invocations really made.
/// </summary>
public sealed class MethodBenchmark
{
    private readonly IClassifier _model;
    private readonly Tensor _inputs;

    /// <param name="model">The classifier under test.</param>
    /// <param name="inputs">Normalised inputs N×3×H×W; N must cover the largest batch size.</param>
    /// <param name="targets">One class per image; null = each image's top-1 class (one untimed forward).</param>
    /// <param name="layer">Target layer; null = the model's default.</param>
    public MethodBenchmark(IClassifier model, Tensor inputs, long[]? targets = null, string? layer = null)
    {
        if (inputs.dim() != 4) throw new ArgumentException($"benchmark inputs must be N×3×H×W, got {inputs.dim()} dimensions");
        if (targets != null && targets.Length != inputs.shape[0])
            throw new ArgumentException($"{targets.Length} targets for {inputs.shape[0]} images");
        _model = model;
        _inputs = inputs;
        Targets = targets;
        Layer = layer;
    }

    public long[]? Targets { get; private set; }
    public string? Layer { get; }
    public int Warmup { get; init; } = 1;
    public int Repeats { get; init; } = 3;
    /// <summary>Images per timed pass; null = all N. Score-CAM costs ⌈K/batch-size⌉ forwards per image, so keep it small there.</summary>
    public int? Images { get; init; }
    /// <summary>Options per method id (e.g. scorecam batch-size); methods not listed use their defaults.</summary>
    /// <summary>Also time the gradient methods among those asked computed together from one capture (<see cref="MethodGroup"/>), as one more row.</summary>
    public bool Together { get; init; } = true;
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> MethodOptions { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();

    public IReadOnlyList<MethodBenchmarkRow> Run(IReadOnlyList<string> methodIds, IReadOnlyList<int> batchSizes)
    {
        if (methodIds.Count == 0) throw new ArgumentException("no methods to benchmark");
        long n = _inputs.shape[0];
        int images = Images ?? (int)n;
        if (images < 1 || images > n) throw new ArgumentException($"Images = {images} but the input holds {n} images");
        foreach (int b in batchSizes)
            if (b < 1 || b > images) throw new ArgumentException($"batch size {b} must be between 1 and the {images} images benchmarked");
        if (Warmup < 0 || Repeats < 1) throw new ArgumentException($"Warmup ≥ 0 and Repeats ≥ 1 are required (got {Warmup}, {Repeats})");
        var created = methodIds.Select(id => MethodRegistry.BuiltIn.Create(id, MethodOptions.GetValueOrDefault(id))).ToArray();
        var methods = created.Select(m => new Entry(m.Id, r => { var res = m.Explain(r); return (res.ForwardPasses, res.BackwardPasses); })).ToList();
        var gradient = created.Where(m => m is CamMethod { UsesGradients: true }).ToArray();
        if (Together && gradient.Length > 1)
        {
            // The gradient methods through one shared capture; passes as the network saw them (counting view), not as reported.
            methods.Add(new Entry(TogetherName(gradient.Select(m => m.Id)), r =>
            {
                var counter = new PassCounter();
                MethodGroup.ExplainAll(gradient, new SaliencyRequest { Model = new CountingClassifier(r.Model, counter), Input = r.Input, Targets = r.Targets, Layer = r.Layer });
                return ((int)counter.ForwardCalls, (int)counter.BackwardCalls);
            }));
        }
        var targets = Targets ??= TopOne();

        var rows = new List<MethodBenchmarkRow>();
        foreach (int batchSize in batchSizes)
        {
            var batches = Enumerable.Range(0, (images + batchSize - 1) / batchSize)
                .Select(i => (Start: i * batchSize, Count: Math.Min(batchSize, images - i * batchSize))).ToArray();
            for (int w = 0; w < Warmup; w++)
                foreach (var m in methods) Time(m, _model, _inputs, Layer, batches[0].Start, batches[0].Count, targets);

            var elapsed = new double[methods.Count, Repeats];
            var cpu = new double[methods.Count, Repeats];
            var forward = new long[methods.Count];
            var backward = new long[methods.Count];
            int turn = 0;
            for (int r = 0; r < Repeats; r++)
            {
                foreach (var (start, count) in batches)
                {
                    for (int j = 0; j < methods.Count; j++)
                    {
                        int mi = (j + turn) % methods.Count;
                        var (ms, cpuMs, f, bw) = Time(methods[mi], _model, _inputs, Layer, start, count, targets);
                        elapsed[mi, r] += ms;
                        cpu[mi, r] += cpuMs;
                        if (r == 0) { forward[mi] += f; backward[mi] += bw; }
                    }
                    turn++;
                }
            }
            for (int mi = 0; mi < methods.Count; mi++)
            {
                var perRepeat = Enumerable.Range(0, Repeats).Select(r => elapsed[mi, r] / images).ToArray();
                var cpuPerRepeat = Enumerable.Range(0, Repeats).Select(r => cpu[mi, r] / images).ToArray();
                rows.Add(new MethodBenchmarkRow(methods[mi].Name, batchSize, images, Repeats, torch.get_num_threads(),
                    Median(perRepeat), perRepeat.Min(), (double)forward[mi] / images, (double)backward[mi] / images, perRepeat,
                    Median(cpuPerRepeat), cpuPerRepeat));
            }
        }
        return rows;
    }

    /// <summary>
    /// Time per image of <paramref name="method"/> over that of <paramref name="baseline"/> at one batch
    /// size: the median over repeats of the per-repeat ratio. Both ran interleaved within each repeat,
    /// so pairing by repeat cancels most of the drift in machine load.
    /// </summary>
    public static double Ratio(IEnumerable<MethodBenchmarkRow> rows, string method, string baseline, int batchSize, bool cpuTime = false)
    {
        var list = rows.ToList();
        MethodBenchmarkRow Find(string id) => list.FirstOrDefault(r => r.Method == id && r.BatchSize == batchSize)
            ?? throw new ArgumentException($"no benchmark row for method '{id}' at batch size {batchSize}");
        var (a, b) = (Find(method), Find(baseline));
        return cpuTime
            ? Median(a.RepeatCpuMsPerImage.Zip(b.RepeatCpuMsPerImage, (x, y) => x / y).ToArray())
            : Median(a.RepeatMsPerImage.Zip(b.RepeatMsPerImage, (x, y) => x / y).ToArray());
    }

    internal static double Median(IReadOnlyList<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    /// <summary>Row name of the gradient methods computed together, e.g. "together(gradcam+guidedcam)".</summary>
    public static string TogetherName(IEnumerable<string> ids) => $"together({string.Join('+', ids)})";

    private sealed record Entry(string Name, Func<SaliencyRequest, (int Forward, int Backward)> Explain);

    private static (double Ms, double CpuMs, int Forward, int Backward) Time(Entry method, IClassifier model, Tensor inputs, string? layer, int start, int count, long[] targets)
    {
        using var scope = torch.NewDisposeScope();
        var request = new SaliencyRequest
        {
            Model = model,
            Input = inputs.narrow(0, start, count),
            Targets = targets.Skip(start).Take(count).ToArray(),
            Layer = layer,
        };
        var process = Process.GetCurrentProcess();
        var cpuStart = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var (forward, backward) = method.Explain(request);
        sw.Stop();
        process.Refresh();
        var cpuMs = (process.TotalProcessorTime - cpuStart).TotalMilliseconds;
        return (sw.Elapsed.TotalMilliseconds, cpuMs, forward, backward);
    }

    private long[] TopOne()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var logits = _model.Forward(_inputs);
        return ClassifierExtensions.Top1(logits);
    }
}
