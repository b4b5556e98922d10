using GuidedCam.Core;
using GuidedCam.Harness.Cli;
using GuidedCam.Harness.Models;
using GuidedCam.Harness.Models.Onnx;
using GuidedCam.Methods;
using TorchSharp;
using Xunit.Abstractions;

namespace GuidedCam.Tests.Harness.Models.Onnx;

/// <summary>
/// The Vision Transformer golden case ../shared/golden/vit-tiny-seed0 (README "Vision Transformer case"):
/// a torchvision ViT exported to ONNX opset 14, target layer the first LayerNorm of the last block
/// (N×197×128), seen through the ViT reshape (class token dropped, 14×14 grid, channels first).
/// References: logits.npy, activations/gradients.npy and the maps of pytorch-grad-cam 1.5.5.
/// </summary>
public sealed class VitOnnxGoldenTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly string _dir = Directory.CreateTempSubdirectory("guidedcam-vit-").FullName;

    public VitOnnxGoldenTests(ITestOutputHelper output)
    {
        _output = output;
        TestSetup.Torch();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string CaseFolder => SharedPaths.Require("golden", "vit-tiny-seed0");
    private static string OnnxFile => Path.Combine(CaseFolder, "vit-tiny-seed0.onnx");
    private const string Layer = "/encoder/layers/encoder_layer_3/ln_1/Add_1_output_0";

    private static IClassifier LoadVit() =>
        ModelLoader.Load(new ModelSpec { Name = "vit-tiny-seed0", Arch = ModelLoader.OnnxArch, Onnx = OnnxFile, Layer = Layer, Reshape = new TokenReshape(TokenReshape.Vit) }, torch.CPU).Model;

    [Fact]
    public void Logits_match_the_reference()
    {
        using var model = LoadVit();
        var golden = GoldenCase.Load(CaseFolder);
        double err = golden.LogitsError(model);
        _output.WriteLine($"logits max|Δ| = {err:G3}");
        // Within 1e-4 absolute of logits.npy (PyTorch's own forward): the logits bound of every golden case.
        Assert.True(err <= 1e-4, $"logits max|Δ| {err:G3} > 1e-4");
        // The graph moves its batch axis (sequence-first attention, reshapes hard-coding batch 1), so it runs row by row.
        Assert.False(((OnnxClassifier)((ReshapingClassifier)model).Inner).BatchLeading);
    }

    [Fact]
    public void Reshaped_activations_and_gradients_match_the_reference()
    {
        using var model = LoadVit();
        var (a, g) = GoldenCase.Load(CaseFolder).CaptureError(model, Layer, 118);
        _output.WriteLine($"A rel {a:G3}, G rel {g:G3}");
        // activations.npy / gradients.npy are stored after the same transform (README); 1e-4 relative as for low-res maps.
        Assert.True(a <= 1e-4 && g <= 1e-4, $"A rel {a:G3}, G rel {g:G3}");
    }

    /// <summary>Every method the case has maps for: all CAM methods but fullgrad and ablationcam (README).</summary>
    private static readonly string[] MethodsWithReference = GoldenCase.Methods.Where(m => m is not ("fullgrad" or "ablationcam")).ToArray();
    public static TheoryData<string> GoldenMethods => new(MethodsWithReference);

    [Theory]
    [MemberData(nameof(GoldenMethods))]
    public void Maps_match_the_reference(string methodId)
    {
        using var model = LoadVit();
        foreach (var e in GoldenCase.Check(model, CaseFolder, Layer, methodId)) _output.WriteLine(e.ToString());
    }

    /// <summary>
    /// Eigen-CAM's sign on this layer used to follow rounding noise (the LayerNorm output's channel sum is
    /// constant over tokens), so it flipped with the thread count and the CPU. Every map, 1 and 2 threads.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Maps_match_the_reference_with_one_and_two_threads(int threads)
    {
        using var model = LoadVit();
        foreach (string methodId in MethodsWithReference)
            TestSetup.WithThreads(threads, () => GoldenCase.Check(model, CaseFolder, Layer, methodId));
    }

    [Theory]
    [InlineData("ablationcam", "zero")]
    [InlineData("ablationcam", "min")]
    [InlineData("fullgrad", null)]
    public void Methods_without_a_reference_still_give_maps(string methodId, string? ablationValue)
    {
        using var model = LoadVit();
        using var scope = torch.NewDisposeScope();
        var golden = GoldenCase.Load(CaseFolder);
        var options = ablationValue is null ? null : new Dictionary<string, string> { ["ablation-value"] = ablationValue };
        var result = MethodRegistry.BuiltIn.Create(methodId, options).Explain(new SaliencyRequest { Model = model, Input = golden.Input(), Targets = [118], Layer = Layer });
        Assert.Equal(new long[] { 1, 224, 224 }, result.Maps.shape);
        Assert.False(result.Maps.isnan().any().ToBoolean());
        Assert.Equal(0, result.ConstantMaps);
        if (methodId == "ablationcam")
        {
            // One prefix run per chunk of 32 ablated copies: 128 channels → 4, plus the capture.
            Assert.Equal(1 + 4, result.ForwardPasses);
            Assert.Equal(new long[] { 1, 14, 14 }, result.LowRes!.shape);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Explain_from_the_command_line_writes_the_reference_maps(int threads)
    {
        string outDir = Path.Combine(_dir, "explain" + threads);
        string methods = string.Join(",", MethodsWithReference);
        int rc;
        try { rc = CliErrors.Guard(() => ExplainCommand.Run(OnnxFile, null, Layer, Path.Combine(CaseFolder, "input.npy"), "118", methods, outDir, 0, reshape: "vit", threads: threads)); }
        finally { TestSetup.WithThreads(TestSetup.DefaultThreads, () => 0); }
        Assert.Equal(0, rc);
        foreach (string m in methods.Split(','))
        {
            var ours = Npy.ReadFloat32(Path.Combine(outDir, m + ".npy"));
            var golden = Npy.ReadFloat32(Path.Combine(CaseFolder, "target-118", m + ".npy"));
            double err = ours.Data.Zip(golden.Data, (a, b) => Math.Abs((double)a - b)).Max();
            _output.WriteLine($"{m}: final max|Δ| {err:G3}");
            Assert.True(err <= GoldenCase.FinalTolerance, $"{m}: final max|Δ| {err:G3} > {GoldenCase.FinalTolerance}");
        }
        var logits = Npy.ReadFloat32(Path.Combine(outDir, "logits.npy"));
        var goldenLogits = Npy.ReadFloat32(Path.Combine(CaseFolder, "logits.npy"));
        Assert.True(logits.Data.Zip(goldenLogits.Data, (a, b) => Math.Abs((double)a - b)).Max() <= 1e-4);
    }

    [Fact]
    public void Token_layer_without_reshape_is_a_clear_error()
    {
        int rc = CliErrors.Guard(() => ExplainCommand.Run(OnnxFile, null, Layer, Path.Combine(CaseFolder, "input.npy"), "118", "gradcam", Path.Combine(_dir, "noreshape"), 0));
        Assert.Equal(2, rc);
    }
}
