using System.CommandLine;
using GuidedCam.Core;
using GuidedCam.Harness.Bench;
using GuidedCam.Harness.Datasets;
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
        var methods = new Option<string>("--methods") { Description = "comma-separated method ids", DefaultValueFactory = _ => string.Join(",", MethodRegistry.Ids) };
        var batches = new Option<string>("--batch-sizes") { Description = "comma-separated batch sizes", DefaultValueFactory = _ => "1,16" };
        var images = new Option<int>("--images") { Description = "images per timed pass", DefaultValueFactory = _ => 16 };
        var repeats = new Option<int>("--repeats") { Description = "timed passes per method and batch size", DefaultValueFactory = _ => 3 };
        var threads = new Option<int>("--threads") { Description = "libtorch threads", DefaultValueFactory = _ => 1 };
        var layer = new Option<string?>("--layer") { Description = "target layer (module path or ONNX tensor name); default: the model's" };
        var reshape = new Option<string?>("--reshape") { Description = "token layer as feature maps: vit or swin (transformers)" };
        var csv = new Option<string?>("--csv") { Description = "also write the rows to this CSV file" };
        var cmd = new Command("bench", "Benchmark saliency methods: ms per image and forward/backward passes per image at each batch size.")
        {
            model, weights, layer, reshape, methods, batches, images, repeats, threads, csv,
        };
        cmd.SetAction(r => CliErrors.Guard(() => Run(r.GetValue(model)!, r.GetValue(weights), r.GetValue(methods)!, r.GetValue(batches)!,
            r.GetValue(images), r.GetValue(repeats), r.GetValue(threads), r.GetValue(csv), r.GetValue(layer), r.GetValue(reshape))));
        return cmd;
    }

    public static int Run(string modelArg, string? weights, string methodList, string batchList, int images, int repeats, int threads, string? csvPath, string? layer = null, string? reshape = null)
    {
        TorchRuntime.Initialize(threads);
        var ids = methodList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var id in ids) MethodRegistry.Create(id);
        var sizes = batchList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, out int b) && b > 0 ? b : throw new ArgumentException($"--batch-sizes: '{s}' is not a positive whole number")).ToArray();
        if (images < sizes.Max()) throw new ArgumentException($"--images ({images}) must be at least the largest batch size ({sizes.Max()})");
        using var m = RunComponents.CreateModel(RunComponents.ModelEntryFromCli(modelArg, weights, layer, reshape), torch.CPU);
        using var scope = torch.NewDisposeScope();
        var inputs = BenchInputs(m, images);
        var bench = new MethodBenchmark(m.Classifier, inputs) { Repeats = repeats, Images = images };
        var rows = bench.Run(ids, sizes);

        var table = new Table().Title($"{Markup.Escape(m.Name)}: {images} images, {threads} thread(s), median of {repeats}")
            .AddColumns("method", "batch", "ms/image (wall)", "ms/image (CPU)", "forward/image", "backward/image");
        foreach (var row in rows)
            table.AddRow(row.Method, row.BatchSize.ToString(), $"{row.MsPerImage:F2}", $"{row.CpuMsPerImage:F2}", $"{row.ForwardPassesPerImage:0.##}", $"{row.BackwardPassesPerImage:0.##}");
        AnsiConsole.Write(table);
        if (ids.Contains("gradcam") && ids.Contains("guidedcam"))
            foreach (int b in sizes)
                Console.WriteLine($"guidedcam / gradcam at batch {b}: {MethodBenchmark.Ratio(rows, "guidedcam", "gradcam", b):F3} (wall), {MethodBenchmark.Ratio(rows, "guidedcam", "gradcam", b, cpuTime: true):F3} (CPU)");
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

    /// <summary>Real images where we have them: synthetic items for the built-in model, else seeded noise at the model's input size.</summary>
    private static TorchSharp.torch.Tensor BenchInputs(RunModel m, int n)
    {
        if (m.LabelSpace == "synthetic6")
        {
            var ds = new SyntheticDataset("bench", n, 0, "test");
            var data = ds.ItemIds.SelectMany(id => ds.Load(id, m.Preprocessing).Input).ToArray();
            return torch.tensor(data, new long[] { n, 3, ds.ImageSize, ds.ImageSize });
        }
        int size = m.Preprocessing.Crop ?? m.Preprocessing.ResizeHeight ?? 224;
        var g = new torch.Generator(0);
        return torch.randn(new long[] { n, 3, size, size }, generator: g);
    }
}
