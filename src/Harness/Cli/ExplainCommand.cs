using System.CommandLine;
using GuidedCam.Core;
using GuidedCam.Harness.Results;
using GuidedCam.Harness.Config;
using GuidedCam.Harness.Models;
using GuidedCam.Harness.Running;
using GuidedCam.Methods;
using GuidedCam.Metrics;
using SixLabors.ImageSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Cli;

/// <summary>
/// `guidedcam explain`: maps for one image or a stored tensor. Writes `DIR/&lt;method&gt;.npy` (final H×W
/// float32 map of the first sample), `DIR/&lt;method&gt;.png` (overlay) and `DIR/logits.npy`.
/// </summary>
public static class ExplainCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "builtin, a TorchVision arch (resnet18…152, vgg11…19[_bn], alexnet, googlenet, inception_v3, mobilenet_v2, mobilenet_v3_small/large) or an .onnx file", DefaultValueFactory = _ => "builtin" };
        var weights = new Option<string?>("--weights") { Description = "weights file (.pth, .safetensors, or the built-in model's .dat)" };
        var layer = new Option<string?>("--layer") { Description = "target layer (module path or ONNX tensor name); default: the model's" };
        var input = new Option<string>("--input") { Description = "an image file (preprocessed as the model expects) or a .npy tensor N×3×H×W / 3×H×W used as is", Required = true };
        var target = new Option<string>("--target") { Description = "class index, or top1", DefaultValueFactory = _ => "top1" };
        var methods = new Option<string>("--methods") { Description = "comma-separated method ids", DefaultValueFactory = _ => $"{MethodRegistry.Reference},{MethodRegistry.Proposed}" };
        var outDir = new Option<string>("--out") { Description = "output folder", Required = true };
        var reshape = new Option<string?>("--reshape") { Description = "token layer as feature maps: vit (drop the class token, square patch grid) or swin (N×H×W×C)" };
        var seed = new Option<int>("--seed") { Description = "seed for randomised baselines", DefaultValueFactory = _ => 0 };
        var threads = new Option<int?>("--threads") { Description = "libtorch intra-op threads (default: libtorch's, one per core); the maps do not depend on it" };
        var cmd = new Command("explain", "Compute saliency maps for one image or stored tensor and write them as .npy and .png overlays.")
        {
            model, weights, layer, reshape, input, target, methods, outDir, seed, threads,
        };
        cmd.SetAction(r => CliErrors.Guard(() => Run(
            r.GetValue(model)!, r.GetValue(weights), r.GetValue(layer), r.GetValue(input)!, r.GetValue(target)!,
            r.GetValue(methods)!, r.GetValue(outDir)!, r.GetValue(seed), r.GetValue(reshape), r.GetValue(threads))));
        return cmd;
    }

    public static int Run(string modelArg, string? weights, string? layer, string inputPath, string targetArg, string methodList, string outDir, int seed, string? reshape = null, int? threads = null)
    {
        if (threads is < 1) throw new ArgumentException($"--threads must be a whole number ≥ 1, not {threads}");
        TorchRuntime.Initialize(threads);
        var methodIds = methodList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var methods = methodIds.Select(id => MethodRegistry.BuiltIn.Create(id)).ToArray();
        using var m = ModelEntry.Open(ModelEntry.FromCommandLine(modelArg, weights, layer, reshape), torch.CPU);
        string useLayer = layer ?? m.Classifier.DefaultTargetLayer;
        m.Classifier.RequireLayer(useLayer);
        using var scope = torch.NewDisposeScope();
        var x = InputImage.LoadTensorOrImage(inputPath, m.Preprocessing).Input;
        Tensor logits;
        using (torch.no_grad()) logits = m.Classifier.Forward(x);
        long[] targets;
        if (targetArg == "top1") targets = ClassifierExtensions.Top1(logits);
        else if (long.TryParse(targetArg, out long t) && t >= 0 && t < m.Classifier.NumClasses) targets = Enumerable.Repeat(t, (int)x.shape[0]).ToArray();
        else throw new ArgumentException($"--target must be top1 or a class index in 0..{m.Classifier.NumClasses - 1}, not '{targetArg}'");

        Directory.CreateDirectory(outDir);
        Npy.WriteFloat32(Path.Combine(outDir, "logits.npy"), logits[0].contiguous().data<float>().ToArray(), m.Classifier.NumClasses);
        var norm = new Normalization(m.Preprocessing.Mean, m.Preprocessing.Std);
        using var image = QualitativeMaps.ToImage(x[0], norm);
        // One capture at the layer serves every CAM method (MethodGroup.ExplainAll); the maps are those of each method's own Explain.
        var group = MethodGroup.ExplainAll(methods, new SaliencyRequest { Model = m.Classifier, Input = x, Targets = targets, Layer = useLayer, Seed = seed });
        for (int i = 0; i < methods.Length; i++)
        {
            var (method, result) = (methods[i], group.Results[i]);
            var map = result.Maps[0].contiguous();
            var data = map.data<float>().ToArray();
            Npy.WriteFloat32(Path.Combine(outDir, method.Id + ".npy"), data, map.shape);
            using var overlay = GuidedCam.Harness.Results.Exporters.SaliencyOverlay.Blend(image, data, (int)map.shape[0], (int)map.shape[1]);
            overlay.SaveAsPng(Path.Combine(outDir, method.Id + ".png"));
            Console.WriteLine($"{method.Id}: target {targets[0]}, {result.ForwardPasses} forward / {result.BackwardPasses} backward passes of its own{(result.ConstantMaps > 0 ? ", constant map (all zeros)" : "")}");
        }
        Console.WriteLine($"{group.ForwardPasses} forward / {group.BackwardPasses} backward passes in all (the CAM methods share one capture at {useLayer})");
        Console.WriteLine($"wrote {methods.Length} maps, overlays and logits.npy to {outDir} (top-1 {logits[0].argmax().item<long>()})");
        return 0;
    }
}
