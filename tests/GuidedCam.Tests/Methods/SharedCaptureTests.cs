using GuidedCam.Core;
using GuidedCam.Harness.Datasets;
using GuidedCam.Harness.Models;
using GuidedCam.Methods;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace GuidedCam.Tests.Methods;

/// <summary>
/// <see cref="MethodGroup.ExplainAll"/>: every method's maps from one capture equal the maps of the
/// method's own <see cref="ISaliencyMethod.Explain"/> bit for bit (the same A, G and logits reach the
/// same ops in the same order), and the group spends one forward and one backward for all gradient methods.
/// </summary>
public sealed class SharedCaptureTests(SqueezeNetOnnxFixture squeezeNet, ITestOutputHelper output) : IClassFixture<SqueezeNetOnnxFixture>
{
    /// <summary>Every registered method plus global-guidance variants whose options change what they read of A and G.</summary>
    private static ISaliencyMethod[] AllMethods(params string[] skip) => MethodRegistry.BuiltIn.Ids.Where(id => !skip.Contains(id))
        .Select(id => MethodRegistry.BuiltIn.Create(id))
        .Append(MethodRegistry.BuiltIn.Create("guidedcam", new Dictionary<string, string> { ["weights"] = "gradcampp", ["guidance"] = "abs" }))
        .Append(MethodRegistry.BuiltIn.Create("guidedcam", new Dictionary<string, string> { ["weights"] = "xgradcam", ["guidance"] = "none" }))
        .ToArray();

    private static readonly string[] GradientMethods =
        { "gradcam", "gradcampp", "xgradcam", "layercam", "eigengradcam", "hirescam", "gradcam-elementwise", "guidedcam" };

    private void AssertSharedEqualsOwn(IClassifier model, Tensor x, long[] targets, ISaliencyMethod[] methods, string? layer = null)
    {
        var request = new SaliencyRequest { Model = model, Input = x, Targets = targets, Layer = layer, Seed = 3 };
        var shared = MethodGroup.ExplainAll(methods, request);
        Assert.Equal(methods.Length, shared.Results.Count);
        for (int i = 0; i < methods.Length; i++)
        {
            var own = methods[i].Explain(request);
            var got = shared.Results[i];
            double diff = (own.Maps - got.Maps).abs().max().item<float>();
            output.WriteLine($"{methods[i].Id} {ResultKey(methods[i])}: max |shared − own| = {diff:E2}");
            // Exact: the shared path must not change a single bit of any map.
            Assert.True(Same(own.Maps, got.Maps), $"{methods[i].Id} {ResultKey(methods[i])}: final maps differ by up to {diff:E2}");
            Assert.Equal(own.LowRes is null, got.LowRes is null);
            if (own.LowRes is not null) Assert.True(Same(own.LowRes, got.LowRes!), $"{methods[i].Id}: low-res maps differ");
            Assert.Equal(own.ConstantMaps, got.ConstantMaps);
        }
    }

    /// <summary>Same shape and every element equal (the maps hold no NaN).</summary>
    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static string ResultKey(ISaliencyMethod m) => string.Join(";", m.Options.Select(kv => $"{kv.Key}={kv.Value}"));

    [Fact]
    public void Shared_maps_equal_each_methods_own_maps_on_the_builtin_model()
    {
        TestSetup.Torch();
        using var scope = torch.NewDisposeScope();
        using var model = BuiltinModel.Load();
        var ds = new SyntheticDataset("t", 6, 0, "test");
        var x = torch.tensor(ds.ItemIds.SelectMany(id => ds.Load(id, SyntheticDataset.DefaultPreprocessing).Input).ToArray(), new long[] { 6, 3, 64, 64 });
        // Mixed targets (not the predictions), so the gradients differ per sample.
        AssertSharedEqualsOwn(model, x, new long[] { 0, 1, 2, 3, 4, 5 }, AllMethods());
    }

    [Fact]
    public void Shared_maps_equal_each_methods_own_maps_on_squeezenet()
    {
        using var scope = torch.NewDisposeScope();
        var golden = GoldenCase.Load(SharedPaths.Require("golden", "squeezenet1.1-dog"));
        var dog = torch.tensor(golden.InputArray.Data, golden.InputArray.Shape);
        var x = torch.cat(new[] { dog, dog.flip(3) }, 0);
        // Score-CAM is left out for time only (512 masked forwards per image and path, ~15 s each);
        // it reads A alone, which the built-in test covers.
        // The case's two targets (case.json: 537 and 250), one per sample.
        AssertSharedEqualsOwn(squeezeNet.Model, x, golden.Targets, AllMethods("scorecam"), "squeezenet0_concat7");
    }

    [Fact]
    public void All_gradient_methods_together_cost_one_forward_and_one_backward()
    {
        TestSetup.Torch();
        using var scope = torch.NewDisposeScope();
        using var model = BuiltinModel.Load();
        var counter = new PassCounter();
        // The view the methods see counts passes as they report them (captures take their backward
        // through it); the inner view counts the invocations that reach the network.
        var network = new PassCounter();
        var counted = new CountingClassifier(new CountingClassifier(model, network), counter);
        var x = torch.rand(4, 3, 64, 64, generator: new torch.Generator(7));
        var request = new SaliencyRequest { Model = counted, Input = x, Targets = new long[] { 0, 1, 2, 3 } };
        var gradient = GradientMethods.Select(id => MethodRegistry.BuiltIn.Create(id))
            .Append(MethodRegistry.BuiltIn.Create("guidedcam", new Dictionary<string, string> { ["weights"] = "xgradcam" }))
            .Append(MethodRegistry.BuiltIn.Create("eigencam"))   // gradient-free, reads the same capture's A
            .Append(MethodRegistry.BuiltIn.Create("random"))
            .ToArray();
        var r = MethodGroup.ExplainAll(gradient, request);
        // One capture: one network invocation (seen by the inner view) and one backward of 4 images.
        Assert.Equal(1, network.ForwardCalls);
        Assert.Equal((1, 1), (r.ForwardPasses, r.BackwardPasses));
        Assert.Equal((1L, 4L, 1L, 4L), (counter.ForwardCalls, counter.ForwardImages, counter.BackwardCalls, counter.BackwardImages));
        Assert.All(r.Results, res => Assert.Equal((0, 0), (res.ForwardPasses, res.BackwardPasses)));

        // Each method on its own: one capture each (eigencam and random without a backward).
        long networkBefore = network.ForwardCalls;
        foreach (var m in gradient) m.Explain(request);
        Assert.Equal(gradient.Length, network.ForwardCalls - networkBefore);
        Assert.Equal(1 + gradient.Length - 2L, counter.BackwardCalls);

        // Gradient-free methods alone: one forward, no backward; Ablation-CAM adds its own re-runs
        // (the built-in layer has K = 64 channels, default batch-size 32: ⌈64/32⌉ = 2 per image, 4 images).
        networkBefore = network.ForwardCalls;
        long backwardBefore = counter.BackwardCalls;
        var free = MethodGroup.ExplainAll(new[] { MethodRegistry.BuiltIn.Create("eigencam"), MethodRegistry.BuiltIn.Create("ablationcam") }, request);
        Assert.Equal(1 + 8, network.ForwardCalls - networkBefore);
        Assert.Equal((9, 0), (free.ForwardPasses, free.BackwardPasses));
        Assert.Equal(backwardBefore, counter.BackwardCalls);

        // FullGrad and the center baseline keep their own path: 1 F + 1 B, and nothing.
        networkBefore = network.ForwardCalls;
        var own = MethodGroup.ExplainAll(new[] { MethodRegistry.BuiltIn.Create("fullgrad"), MethodRegistry.BuiltIn.Create("center") }, request);
        Assert.Equal(1, network.ForwardCalls - networkBefore);
        Assert.Equal((1, 1), (own.ForwardPasses, own.BackwardPasses));
    }

    [Fact]
    public void A_capture_without_gradients_is_refused_by_a_gradient_method()
    {
        TestSetup.Torch();
        using var scope = torch.NewDisposeScope();
        using var model = BuiltinModel.Load();
        var x = torch.rand(1, 3, 64, 64, generator: new torch.Generator(1));
        var cap = LayerCapture.Capture(model, x, new long[] { 0 }, model.DefaultTargetLayer, withGradients: false);
        var request = new SaliencyRequest { Model = model, Input = x, Targets = new long[] { 0 } };
        var e = Assert.Throws<ArgumentException>(() => ((CamMethod)MethodRegistry.BuiltIn.Create("gradcam")).ExplainFrom(request, cap));
        Assert.Contains("needs gradients", e.Message);
    }
}
