using System.Diagnostics;
using GuidedCam.Core;
using GuidedCam.Harness.Datasets;
using GuidedCam.Harness.Models;
using GuidedCam.Methods;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace GuidedCam.Tests.Harness.Models;

/// <summary>
/// TorchVision architectures and their weight files, against the golden case
/// ../shared/golden/resnet18-seed0-eagle (PyTorch 1.13 resnet18, torch.manual_seed(0), eval mode).
/// </summary>
public sealed class TorchVisionModelTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly string _dir = Directory.CreateTempSubdirectory("guidedcam-tv-").FullName;

    public TorchVisionModelTests(ITestOutputHelper output)
    {
        _output = output;
        TestSetup.Torch();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string GoldenCase => SharedPaths.Require("golden", "resnet18-seed0-eagle");
    private static string Resnet18Pth => Path.Combine(GoldenCase, "resnet18_seed0.pth");

    private LoadedModel LoadResnet18(string? weights, List<string>? warnings = null)
    {
        var watch = Stopwatch.StartNew();
        var loaded = ModelLoader.Load(new ModelSpec { Name = "resnet18-seed0", Arch = "resnet18", Weights = weights }, torch.CPU);
        _output.WriteLine($"resnet18 load ({(weights is null ? "random init" : Path.GetExtension(weights))}): {watch.ElapsedMilliseconds} ms");
        warnings?.AddRange(loaded.Warnings);
        return loaded;
    }

    private double GoldenLogitsError(IClassifier model)
    {
        using var scope = torch.NewDisposeScope();
        var input = TensorAssert.Npy(Path.Combine(GoldenCase, "input.npy"));
        Tensor logits;
        using (torch.no_grad()) logits = model.Forward(input);
        Assert.Equal(238, logits.argmax(1).ToInt64()); // case.json top-1
        // Reference: logits.npy, PyTorch 1.13 with this .pth (golden README); bound 1e-4 absolute.
        return TensorAssert.CloseAbsolute(logits, TensorAssert.Npy(Path.Combine(GoldenCase, "logits.npy")), 1e-4, "resnet18 logits");
    }

    [Fact]
    public void Resnet18_pth_gives_the_golden_logits()
    {
        var loaded = LoadResnet18(Resnet18Pth);
        using var model = loaded.Model;
        Assert.Empty(loaded.Warnings);
        Assert.Equal("imagenet1k", loaded.LabelSpace);
        Assert.Equal(Preprocessing.ImageNet224, loaded.Preprocessing);
        Assert.Equal("layer4", model.DefaultTargetLayer);
        _output.WriteLine($"golden logits max|Δ| = {GoldenLogitsError(model):G3}");
    }

    [Fact]
    public void Safetensors_round_trip_gives_the_same_logits()
    {
        string path = Path.Combine(_dir, "resnet18.safetensors");
        using (var m = torchvision.models.resnet18())
        {
            m.load_py(Resnet18Pth);
            m.save_safetensors(path);
        }
        using var model = LoadResnet18(path).Model;
        _output.WriteLine($"safetensors golden logits max|Δ| = {GoldenLogitsError(model):G3}");
    }

    [Fact]
    public void Without_weights_seeded_random_init_and_a_warning()
    {
        var warnings = new List<string>();
        using var model = LoadResnet18(null, warnings).Model;
        Assert.Contains(warnings, w => w.Contains("random weights") && w.Contains("seed 0"));
        // golden README: TorchSharp's manual_seed(0); resnet18() reproduces PyTorch's init, which made the .pth.
        _output.WriteLine($"seed-0 random init vs golden logits max|Δ| = {GoldenLogitsError(model):G3}");
    }

    [Fact]
    public void Missing_or_corrupt_weights_name_the_path()
    {
        string missing = Path.Combine(_dir, "absent.pth");
        var e1 = Assert.Throws<FileNotFoundException>(() => LoadResnet18(missing));
        Assert.Contains(missing, e1.Message);
        string corrupt = Path.Combine(_dir, "corrupt.pth");
        File.WriteAllBytes(corrupt, Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray());
        var e2 = Assert.Throws<InvalidDataException>(() => LoadResnet18(corrupt));
        Assert.Contains(corrupt, e2.Message);
        string wrongKind = Path.Combine(_dir, "weights.h5");
        File.WriteAllBytes(wrongKind, [1, 2, 3]);
        Assert.Contains(".safetensors", Assert.Throws<ArgumentException>(() => LoadResnet18(wrongKind)).Message);
    }

    /// <summary>Method × target rows on the resnet18 golden case; more methods join by adding rows.</summary>
    public static TheoryData<string, int> GoldenMethodRows => new()
    {
        { "gradcam", 238 },
        { "gradcam", 22 },
    };

    [Theory]
    [MemberData(nameof(GoldenMethodRows))]
    public void Golden_maps_at_layer4(string methodId, int target)
    {
        using var model = LoadResnet18(Resnet18Pth).Model;
        using var scope = torch.NewDisposeScope();
        var input = TensorAssert.Npy(Path.Combine(GoldenCase, "input.npy"));
        var result = MethodRegistry.Create(methodId).Explain(new SaliencyRequest { Model = model, Input = input, Targets = [target] });
        string dir = Path.Combine(GoldenCase, $"target-{target}");
        // Tolerances from the golden README: low-res 1e-4 relative to max|golden|, final 1e-3 absolute.
        double low = TensorAssert.CloseRelative(result.LowRes!, TensorAssert.Npy(Path.Combine(dir, $"{methodId}.lowres.npy")), 1e-4, $"{methodId} low-res");
        double fin = TensorAssert.CloseAbsolute(result.Maps, TensorAssert.Npy(Path.Combine(dir, $"{methodId}.npy")), 1e-3, $"{methodId} final");
        _output.WriteLine($"{methodId} target {target}: low-res rel {low:G3}, final {fin:G3}");
    }

    [Theory]
    [InlineData("vgg16", "features.29", 41)]
    [InlineData("vgg19", "features.35", 47)]
    [InlineData("resnet50", "layer4", 0)]
    [InlineData("mobilenet_v2", "features.18", 0)]
    public void Architectures_have_their_default_target_layer(string arch, string layer, int vggLayers)
    {
        var watch = Stopwatch.StartNew();
        using var model = ModelLoader.Load(new ModelSpec { Name = arch, Arch = arch, NumClasses = 10 }, torch.CPU).Model;
        _output.WriteLine($"{arch} random init: {watch.ElapsedMilliseconds} ms");
        Assert.Equal(layer, model.DefaultTargetLayer);
        Assert.Contains(layer, model.LayerNames);
        // VGG: features holds 31 (vgg16) / 37 (vgg19) modules; plus features, avgpool, classifier and its 7 children: 41 / 47.
        if (vggLayers > 0) Assert.Equal(vggLayers, model.LayerNames.Count);
        using var scope = torch.NewDisposeScope();
        var cap = LayerCapture.Capture(model, torch.randn(1, 3, 64, 64), [3], layer, withGradients: true);
        Assert.Equal(4, cap.Activations.dim());
        Assert.Equal(new long[] { 1, 10 }, cap.Logits.shape);
    }
}
