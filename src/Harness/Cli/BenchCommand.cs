using System.CommandLine;
using GuidedCam.Core;
using GuidedCam.Harness.Bench;
using GuidedCam.Harness.Config;
using GuidedCam.Harness.Datasets;
using GuidedCam.Harness.Models;
using GuidedCam.Harness.Running;
using GuidedCam.Methods;
using Spectre.Console;
using TorchSharp;

namespace GuidedCam.Harness.Cli;

/// <summary>
/// `guidedcam bench`: time per image and forward/backward passes per image of each method at batch 1
/// and 16, side by side in one run (methods interleaved, so machine load falls on all alike), with the
/// guidedcam/gradcam cost ratio the paper's claim rests on.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "builtin, a TorchVision arch, or an .onnx file", DefaultValueFactory = _ => "builtin" };
        var weights = new Option<string?>("--weights") { Description = "weights file for a TorchVision arch" };
        var methods = new Option<string>("--methods") { Description = "comma-separated method ids", DefaultValueFactory = _ => string.Join(",", MethodRegistry.BuiltIn.Ids) };
        var batches = new Option<string?>("--batch-sizes") { Description = "comma-separated batch sizes (default 1,16; with --forward --config, the batch sizes the config's run uses; with --run, those the run used)" };
        var images = new Option<int>("--images") { Description = "images per timed pass", DefaultValueFactory = _ => 16 };
        var repeats = new Option<int>("--repeats") { Description = "timed passes per method and batch size", DefaultValueFactory = _ => 3 };
        var threads = new Option<int?>("--threads") { Description = "libtorch threads (default 1, or the config's `threads` with --config/--run)" };
        var forward = new Option<bool>("--forward") { Description = "the model's raw inference throughput instead: no_grad forward only, ms/image at each batch size" };
        var config = new Option<string?>("--config") { Description = "with --forward: the config's models, threads and batch sizes" };
        var run = new Option<string?>("--run") { Description = "with --forward: a finished run folder; also prints its harness overhead ratio (stage wall time ÷ forwards spent × raw time per image, from run.log)" };
        var layer = new Option<string?>("--layer") { Description = "target layer (module path or ONNX tensor name); default: the model's" };
        var reshape = new Option<string?>("--reshape") { Description = "token layer as feature maps: vit or swin (transformers)" };
        var csv = new Option<string?>("--csv") { Description = "also write the rows to this CSV file" };
        var cmd = new Command("bench", "Benchmark saliency methods: ms per image and forward/backward passes per image at each batch size.")
        {
            model, weights, layer, reshape, methods, batches, images, repeats, threads, csv, forward, config, run,
        };
        cmd.SetAction(r => CliErrors.Guard(() => r.GetValue(forward) || r.GetValue(config) != null || r.GetValue(run) != null
            ? RunForward(r.GetValue(model)!, r.GetValue(weights), r.GetValue(config), r.GetValue(run), r.GetValue(batches), r.GetValue(repeats), r.GetValue(threads),
                r.GetValue(layer), r.GetValue(reshape))
            : Run(r.GetValue(model)!, r.GetValue(weights), r.GetValue(methods)!, r.GetValue(batches) ?? "1,16",
                r.GetValue(images), r.GetValue(repeats), r.GetValue(threads) ?? 1, r.GetValue(csv), r.GetValue(layer), r.GetValue(reshape))));
        return cmd;
    }

    public static int Run(string modelArg, string? weights, string methodList, string batchList, int images, int repeats, int threads, string? csvPath, string? layer = null, string? reshape = null)
    {
        TorchRuntime.Initialize(threads);
        var ids = methodList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var id in ids) MethodRegistry.BuiltIn.Create(id);
        var sizes = ParseBatchSizes(batchList);
        if (images < sizes.Max()) throw new ArgumentException($"--images ({images}) must be at least the largest batch size ({sizes.Max()})");
        using var m = ModelEntry.Open(ModelEntry.FromCommandLine(modelArg, weights, layer, reshape), torch.CPU);
        using var scope = torch.NewDisposeScope();
        var inputs = BenchInputs(m, images);
        var bench = new MethodBenchmark(m.Classifier, inputs) { Repeats = repeats, Images = images };
        var rows = bench.Run(ids, sizes);

        var table = new Table().Title($"{Markup.Escape(m.Name)}: {images} images, {threads} thread(s), median of {repeats}")
            .AddColumns("method", "batch", "ms/image (wall)", "ms/image (CPU)", "forward/image", "backward/image");
        foreach (var row in rows)
            table.AddRow(row.Method, row.BatchSize.ToString(), $"{row.MsPerImage:F2}", $"{row.CpuMsPerImage:F2}", $"{row.ForwardPassesPerImage:0.##}", $"{row.BackwardPassesPerImage:0.##}");
        AnsiConsole.Write(table);
        foreach (var t in rows.Where(r => r.Method.StartsWith("together(", StringComparison.Ordinal)))
        {
            var members = t.Method["together(".Length..^1].Split('+');
            var alone = rows.Where(r => r.BatchSize == t.BatchSize && members.Contains(r.Method)).ToArray();
            Console.WriteLine($"gradient methods together at batch {t.BatchSize}: {t.ForwardPassesPerImage:0.###} forward + {t.BackwardPassesPerImage:0.###} backward per image " +
                $"(each on its own: {alone.Sum(r => r.ForwardPassesPerImage):0.###} + {alone.Sum(r => r.BackwardPassesPerImage):0.###}); {t.MsPerImage:F2} ms/image vs {alone.Sum(r => r.MsPerImage):F2}");
        }
        const string proposed = MethodRegistry.Proposed, reference = MethodRegistry.Reference;
        if (ids.Contains(reference) && ids.Contains(proposed))
            foreach (int b in sizes)
                Console.WriteLine($"{proposed} / {reference} at batch {b}: {MethodBenchmark.Ratio(rows, proposed, reference, b):F3} (wall), {MethodBenchmark.Ratio(rows, proposed, reference, b, cpuTime: true):F3} (CPU)");
        if (csvPath != null)
        {
            using var w = new StreamWriter(csvPath);
            w.WriteLine("model,method,batch,images,repeats,threads,ms_per_image,cpu_ms_per_image,forward_per_image,backward_per_image");
            foreach (var row in rows)
                w.WriteLine(string.Join(',', m.Name, row.Method, row.BatchSize, row.Images, row.Repeats, row.Threads,
                    row.MsPerImage.ToString("R", System.Globalization.CultureInfo.InvariantCulture), row.CpuMsPerImage.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                    row.ForwardPassesPerImage.ToString(System.Globalization.CultureInfo.InvariantCulture), row.BackwardPassesPerImage.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        return 0;
    }

    private static int[] ParseBatchSizes(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(s => int.TryParse(s, out int b) && b > 0 ? b : throw new ArgumentException($"--batch-sizes: '{s}' is not a positive whole number")).ToArray();

    /// <summary>
    /// `bench --forward`: raw no_grad forward throughput of each model at each batch size; with --run,
    /// the run's harness overhead ratio per stage from its run.log `passes` lines, measured now on this
    /// machine (run it right after the run, or side by side, for a fair ratio).
    /// </summary>
    /// <param name="layer">With --model: the target layer (an ONNX graph with no known default layer needs one to open); with --config/--run the config's models name theirs.</param>
    public static int RunForward(string modelArg, string? weights, string? configPath, string? runDir, string? batchList, int repeats, int? threads,
        string? layer = null, string? reshape = null)
    {
        ExperimentConfig? cfg = null;
        IReadOnlyList<StageSpend>? stages = null;
        if (runDir != null)
        {
            cfg = ConfigLoader.Load(Path.Combine(runDir, "config.yaml"));
            stages = HarnessOverhead.FromRunLog(Path.Combine(runDir, "run.log"));
        }
        else if (configPath != null) cfg = ConfigLoader.Load(configPath);
        if (cfg != null && (layer != null || reshape != null))
            throw new ArgumentException("--layer and --reshape go with --model; with --config or --run each model's `layer` and `reshape` come from the config");
        TorchRuntime.Initialize(threads ?? cfg?.Threads ?? 1);
        var entries = cfg?.Models ?? new[] { ModelEntry.FromCommandLine(modelArg, weights, layer, reshape) };
        foreach (var entry in entries)
        {
            using var m = ModelEntry.Open(entry, torch.CPU);
            var mine = stages?.Where(st => st.Stage.StartsWith(m.Name + " × ", StringComparison.Ordinal)).ToArray();
            var sizes = batchList != null ? ParseBatchSizes(batchList)
                : mine is { Length: > 0 } ? mine.SelectMany(st => st.ForwardCallsByBatchSize.Keys).Distinct().Order().ToArray()
                : cfg != null ? ConfigBatchSizes(cfg)
                : new[] { 1, 16 };
            int size = InputSize(m);
            var rows = new ForwardBenchmark(m.Classifier, 3, size, size) { Repeats = repeats }.Run(sizes);
            var table = new Table().Title($"{Markup.Escape(m.Name)}: raw forward (no_grad) at {size}×{size}, {torch.get_num_threads()} thread(s), median of {repeats}")
                .AddColumns("batch", "calls per pass", "ms/image (wall)", "fastest", "ms/image (CPU)");
            foreach (var row in rows)
                table.AddRow(row.BatchSize.ToString(), row.Calls.ToString(), $"{row.MsPerImage:F2}", $"{row.MsPerImageMin:F2}", $"{row.CpuMsPerImage:F2}");
            AnsiConsole.Write(table);
            foreach (var stage in mine ?? Array.Empty<StageSpend>())
            {
                var wall = rows.ToDictionary(r => r.BatchSize, r => r.MsPerImage);
                var cpu = rows.ToDictionary(r => r.BatchSize, r => r.CpuMsPerImage);
                double rawWall = HarnessOverhead.RawForwardSeconds(stage, wall), rawCpu = HarnessOverhead.RawForwardSeconds(stage, cpu);
                Console.WriteLine($"{stage.Stage}: {stage.ForwardImages} images forwarded ({string.Join(", ", stage.ForwardCallsByBatchSize.Select(kv => $"{kv.Value}×{kv.Key}"))}); " +
                    $"at raw speed {rawWall:F1} s wall / {rawCpu:F1} s CPU");
                Console.WriteLine($"  run: wall {stage.WallSeconds:F1} s (model forward {stage.ForwardSeconds:F1} s, backward {stage.BackwardSeconds:F1} s, elsewhere {stage.WallSeconds - stage.ForwardSeconds - stage.BackwardSeconds:F1} s), CPU {stage.CpuSeconds:F1} s");
                Console.WriteLine($"  harness overhead ratio: {stage.WallSeconds / rawWall:F3} (wall), {stage.CpuSeconds / rawCpu:F3} (CPU); time in model forwards ÷ raw: {stage.ForwardSeconds / rawWall:F3}");
            }
        }
        return 0;
    }

    /// <summary>The forward batch sizes a run of <paramref name="cfg"/> uses: the run's batch size and every method's and metric's `batch-size` (defaults included).</summary>
    private static int[] ConfigBatchSizes(ExperimentConfig cfg)
    {
        var sizes = new SortedSet<int> { cfg.BatchSize };
        foreach (var e in cfg.Methods)
            if (MethodRegistry.BuiltIn.Create(e.Id, e.Options).Options.TryGetValue("batch-size", out var b)) sizes.Add(int.Parse(b, System.Globalization.CultureInfo.InvariantCulture));
        foreach (var e in cfg.Metrics)
            if (GuidedCam.Metrics.MetricRegistry.BuiltIn.Create(e.Id, e.Options).Options.TryGetValue("batch-size", out var b)) sizes.Add(int.Parse(b, System.Globalization.CultureInfo.InvariantCulture));
        return sizes.ToArray();
    }

    private static int InputSize(RunModel m) =>
        m.LabelSpace == "synthetic6" ? new SyntheticDataset("bench", 1, 0, "test").ImageSize : m.Preprocessing.Crop ?? m.Preprocessing.ResizeHeight ?? 224;

    /// <summary>Real images where we have them: synthetic items for the built-in model, else seeded noise at the model's input size.</summary>
    private static TorchSharp.torch.Tensor BenchInputs(RunModel m, int n)
    {
        if (m.LabelSpace == "synthetic6")
        {
            var ds = new SyntheticDataset("bench", n, 0, "test");
            var data = ds.ItemIds.SelectMany(id => ds.Load(id, m.Preprocessing).Input).ToArray();
            return torch.tensor(data, new long[] { n, 3, ds.ImageSize, ds.ImageSize }, device: torch.CPU);
        }
        int size = m.Preprocessing.Crop ?? m.Preprocessing.ResizeHeight ?? 224;
        var g = new torch.Generator(0);
        return torch.randn(new long[] { n, 3, size, size }, device: torch.CPU, generator: g);
    }
}
