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
/// TorchVision architectures and their weight files. ResNet-18 against the golden case
/// ../shared/golden/resnet18-seed0-eagle (PyTorch 1.13 resnet18, torch.manual_seed(0), eval mode).
/// Every classifier GuidedCam offers: its weights file loads (random weights written by the test, as
/// PyTorch `.pth` through PyBridge's save_py or as `.safetensors`), its default target layer exists and
/// gives N×K×h×w, and a map comes out. Small inputs and 10 classes keep the big models cheap; the
/// architectures are fully convolutional up to an adaptive pooling, so the input size is free
/// (Inception v3 needs at least 75×75).
/// </summary>
public sealed class TorchVisionModelsTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly string _dir = Directory.CreateTempSubdirectory("guidedcam-tv-").FullName;

    public TorchVisionModelsTests(ITestOutputHelper output)
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
        var result = MethodRegistry.BuiltIn.Create(methodId).Explain(new SaliencyRequest { Model = model, Input = input, Targets = [target] });
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

    /// <summary>10 output classes keep the heads small; MobileNet v3 is built with 1000 only (TorchVision 0.107.0).</summary>
    private static int Classes(string arch) => arch.StartsWith("mobilenet_v3") ? 1000 : 10;

    private static int InputSize(string arch) => arch == "inception_v3" ? 75 : 64;

    /// <summary>Writes seeded random weights of <paramref name="arch"/> as the given kind of file and returns its path.</summary>
    private string WriteWeights(string arch, string extension, int seed = 1)
    {
        string path = Path.Combine(_dir, arch + extension);
        torch.manual_seed(seed);
        using var module = (nn.Module)typeof(torchvision.models).GetMethod(arch)!.Invoke(null, BuildArguments(arch))!;
        if (extension == ".pth") module.save_py(path);
        else module.save_safetensors(path);
        return path;
    }

    private static object?[] BuildArguments(string arch)
    {
        var parameters = typeof(torchvision.models).GetMethod(arch)!.GetParameters();
        return parameters.Select(p => p.Name == "num_classes" ? Classes(arch) : p.HasDefaultValue ? p.DefaultValue : Type.Missing).ToArray();
    }

    /// <summary>
    /// Architecture, default layer, and the weights file the test writes ("" = none: seeded init). VGG's
    /// 100M-parameter classifier makes its files 0.4–0.6 GB, so two VGG rows (one `.pth`, one `.safetensors`)
    /// test loading and the other VGGs only their layer; AlexNet (61M) likewise without a file.
    /// </summary>
    public static TheoryData<string, string, string> Architectures => new()
    {
        { "resnet18", "layer4", ".pth" }, { "resnet34", "layer4", ".safetensors" }, { "resnet50", "layer4", ".pth" },
        { "resnet101", "layer4", ".safetensors" }, { "resnet152", "layer4", ".pth" },
        { "vgg11", "features.19", ".pth" }, { "vgg11_bn", "features.27", ".safetensors" }, { "vgg13", "features.23", "" },
        { "vgg13_bn", "features.33", "" }, { "vgg16", "features.29", "" }, { "vgg16_bn", "features.42", "" },
        { "vgg19", "features.35", "" }, { "vgg19_bn", "features.51", "" },
        { "alexnet", "features.11", "" }, { "googlenet", "inception5b", ".pth" }, { "inception_v3", "Mixed_7c", ".safetensors" },
        { "mobilenet_v2", "features.18", ".pth" }, { "mobilenet_v3_small", "features.12", ".safetensors" }, { "mobilenet_v3_large", "features.16", ".pth" },
    };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Weights_file_loads_and_the_default_layer_gives_a_gradcam_map(string arch, string layer, string extension)
    {
        var watch = Stopwatch.StartNew();
        string? weights = extension.Length == 0 ? null : WriteWeights(arch, extension);
        long written = watch.ElapsedMilliseconds;
        var loaded = ModelLoader.Load(new ModelSpec { Name = arch, Arch = arch, Weights = weights, NumClasses = Classes(arch), Seed = 1 }, torch.CPU);
        using var model = loaded.Model;
        Assert.Equal(weights is null ? 1 : 0, loaded.Warnings.Count); // the random-init warning only without a file
        Assert.Equal(layer, model.DefaultTargetLayer);
        Assert.Equal(arch == "inception_v3" ? 299 : 224, loaded.Preprocessing.Crop);

        using var scope = torch.NewDisposeScope();
        int size = InputSize(arch);
        var input = torch.randn(1, 3, size, size, generator: new Generator(7));
        // The file's weights (or the seeded init), not a fresh init: the same seed rebuilt in memory gives the same logits.
        torch.manual_seed(1);
        using var reference = (nn.Module<Tensor, Tensor>)typeof(torchvision.models).GetMethod(arch)!.Invoke(null, BuildArguments(arch))!;
        reference.eval();
        Tensor expected, actual;
        using (torch.no_grad())
        {
            expected = reference.call(input);
            actual = model.Forward(input);
        }
        Assert.True((expected - actual).abs().max().item<float>() <= 1e-5f * Math.Max(1f, expected.abs().max().item<float>()), $"{arch}: logits differ from the weights' model");

        var result = MethodRegistry.BuiltIn.Create("gradcam").Explain(new SaliencyRequest { Model = model, Input = input, Targets = [3] });
        Assert.Equal(new long[] { 1, size, size }, result.Maps.shape);
        Assert.False(result.Maps.isnan().any().ToBoolean());
        _output.WriteLine($"{arch}: write {extension} {written} ms, load + forward + Grad-CAM {watch.ElapsedMilliseconds - written} ms, low-res {string.Join("×", result.LowRes!.shape)}");
    }

    /// <summary>One member per family, smallest first; each runs all ten methods of the benchmark on one image.</summary>
    public static TheoryData<string> Families => new() { "resnet18", "vgg11", "vgg11_bn", "alexnet", "googlenet", "inception_v3", "mobilenet_v2", "mobilenet_v3_small" };

    /// <summary>The big-classifier families load seeded weights without a file here (their files are tested above).</summary>
    private string? FamilyWeights(string arch) => arch is "vgg11" or "vgg11_bn" or "alexnet" ? null : WriteWeights(arch, ".pth");

    private static readonly string[] TenMethods = ["gradcam", "gradcampp", "xgradcam", "scorecam", "ablationcam", "eigencam", "eigengradcam", "layercam", "fullgrad", "guidedcam"];

    [Theory]
    [MemberData(nameof(Families))]
    public void Family_gives_maps_for_all_ten_methods(string arch)
    {
        using var model = ModelLoader.Load(new ModelSpec { Name = arch, Arch = arch, Weights = FamilyWeights(arch), NumClasses = Classes(arch), Seed = 1 }, torch.CPU).Model;
        int size = InputSize(arch);
        var timings = new List<string>();
        foreach (var id in TenMethods)
        {
            var watch = Stopwatch.StartNew();
            using var scope = torch.NewDisposeScope();
            var input = torch.randn(1, 3, size, size, generator: new Generator(7));
            var options = id is "scorecam" or "ablationcam" ? new Dictionary<string, string> { ["batch-size"] = "128" } : null;
            var result = MethodRegistry.BuiltIn.Create(id, options).Explain(new SaliencyRequest { Model = model, Input = input, Targets = [3] });
            Assert.Equal(new long[] { 1, size, size }, result.Maps.shape);
            Assert.False(result.Maps.isnan().any().ToBoolean(), $"{arch} {id}: NaN in the map");
            timings.Add($"{id} {watch.ElapsedMilliseconds} ms");
        }
        _output.WriteLine($"{arch} ({size}×{size}): {string.Join(", ", timings)}");
    }
}
