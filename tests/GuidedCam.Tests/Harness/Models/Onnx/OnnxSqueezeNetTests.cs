using GuidedCam.Core;
using GuidedCam.Harness.Models.Onnx;
using GuidedCam.Methods;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace GuidedCam.Tests.Harness.Models.Onnx;

/// <summary>
/// The ONNX interpreter on a real network: SqueezeNet 1.1 (ONNX model zoo, opset 13) against the
/// zoo's reference vectors (computed by ONNX Runtime) and the pytorch-grad-cam golden case
/// ../shared/golden/squeezenet1.1-dog (see its README for provenance and tolerances).
/// </summary>
public sealed class OnnxSqueezeNetTests(SqueezeNetOnnxFixture fixture, ITestOutputHelper output) : IClassFixture<SqueezeNetOnnxFixture>
{
    private static string GoldenCase => SharedPaths.Require("golden", "squeezenet1.1-dog");

    [Fact]
    public void Graph_is_read_with_its_tensor_names()
    {
        var m = fixture.Model;
        output.WriteLine($"load time {fixture.LoadTime.TotalMilliseconds:F0} ms, {m.LayerNames.Count} layers, opset {m.Opset}");
        // models/squeezenet1.1/README.md: 65 nodes, one output tensor each; 1000 classes; input `data`.
        Assert.Equal(65, m.LayerNames.Count);
        Assert.Equal(1000, m.NumClasses);
        Assert.Equal("data", m.InputName);
        Assert.Equal("squeezenet0_concat7", m.DefaultTargetLayer);
        Assert.Equal("squeezenet0_flatten0_reshape0", m.LayerNames[^1]);
        Assert.True(m.LayerNames.ToList().IndexOf("squeezenet0_concat7") < m.LayerNames.ToList().IndexOf("squeezenet0_relu25_fwd"));
        // README: Conv×26 all with bias; no batch norm.
        var biases = m.BiasLayers();
        Assert.Equal(26, biases.Count);
        foreach (var b in biases) b.Bias.Dispose();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Matches_model_zoo_reference_vectors(int set)
    {
        using var scope = torch.NewDisposeScope();
        string dir = SharedPaths.Require("models", "squeezenet1.1", $"test_data_set_{set}");
        var input = OnnxTensors.ReadFile(Path.Combine(dir, "input_0.pb"));
        var expected = OnnxTensors.ReadFile(Path.Combine(dir, "output_0.pb"));
        Tensor logits;
        using (torch.no_grad()) logits = fixture.Model.Forward(input);
        Assert.Equal(expected.shape, logits.shape);
        // Reference: output_0.pb, ONNX Runtime's output shipped with the model zoo; bound 1e-4 of the largest score.
        double rel = TensorAssert.CloseRelative(logits, expected, 1e-4, $"test_data_set_{set}");
        output.WriteLine($"set {set}: max|Δ| = {TensorAssert.MaxAbsDiff(logits, expected):G3} (relative {rel:G3}), max|ref| = {TensorAssert.MaxAbs(expected):G4}");
    }

    [Fact]
    public void Batch_dimension_is_dynamic()
    {
        using var scope = torch.NewDisposeScope();
        var one = TensorAssert.Npy(Path.Combine(GoldenCase, "input.npy"));
        var three = torch.cat([one, one.flip(3), one * 0.5f]);
        Tensor single, batch;
        using (torch.no_grad())
        {
            single = fixture.Model.Forward(one);
            batch = fixture.Model.Forward(three);
        }
        Assert.Equal(new long[] { 3, 1000 }, batch.shape);
        // Sample 0 of the batch is the single input: same logits up to float reordering in batched kernels.
        TensorAssert.CloseAbsolute(batch[0], single[0], 1e-4, "batch row 0 vs single");
    }

    [Fact]
    public void A_tap_returning_a_larger_batch_runs_the_rest_of_the_graph()
    {
        // Ablation-CAM's use: at concat7 hand back K = 3 copies of the sample, copy k with channel k zeroed.
        // Row k must equal a forward whose tap zeroes channel k alone (same network tail, batch 1).
        using var scope = torch.NewDisposeScope();
        var input = TensorAssert.Npy(Path.Combine(GoldenCase, "input.npy"));
        static Tensor Ablate(Tensor a, int k) { var c = a.clone(); c[.., k] = 0f; return c; }
        Tensor batched;
        var singles = new List<Tensor>();
        using (torch.no_grad())
        {
            batched = fixture.Model.Forward(input, [new LayerTap("squeezenet0_concat7", a => torch.cat([Ablate(a, 0), Ablate(a, 1), Ablate(a, 2)]))]);
            for (int k = 0; k < 3; k++)
            {
                int channel = k;
                singles.Add(fixture.Model.Forward(input, [new LayerTap("squeezenet0_concat7", a => Ablate(a, channel))]));
            }
        }
        Assert.Equal(new long[] { 3, 1000 }, batched.shape);
        for (int k = 0; k < 3; k++) TensorAssert.CloseAbsolute(batched[k], singles[k][0], 1e-4, $"ablated channel {k}");
    }

    [Fact]
    public void Intermediate_tensors_are_freed_during_the_forward_pass()
    {
        // When the last node runs, only the tensors it still needs should be alive: of the 64 earlier node
        // outputs none is read again except by the final Flatten. Counted with TorchSharp's per-thread
        // live-tensor statistics: a tap on the output sees how many tensors the forward pass holds there.
        using var scope = torch.NewDisposeScope();
        var input = TensorAssert.Npy(Path.Combine(GoldenCase, "input.npy"));
        long before = 0, atOutput = 0;
        var tap = new LayerTap("squeezenet0_flatten0_reshape0", y => { atOutput = DisposeScopeManager.Statistics.ThreadTotalLiveCount; return null; });
        using (torch.no_grad())
        {
            before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            fixture.Model.Forward(input, [tap]);
        }
        output.WriteLine($"live tensors at the output: {atOutput - before} more than before the forward pass");
        // At most: the pooled input of Flatten, Flatten's output and a few handles TorchSharp creates per call.
        Assert.InRange(atOutput - before, 0, 8);
    }

    [Fact]
    public void Gradients_reach_the_input()
    {
        // Input-gradient methods (FullGrad, guided backprop) need ∂logit/∂x through every operator.
        using var scope = torch.NewDisposeScope();
        var input = TensorAssert.Npy(Path.Combine(GoldenCase, "input.npy")).requires_grad_(true);
        var logits = fixture.Model.Forward(input);
        var grad = torch.autograd.grad([logits[0, 537]], [input])[0];
        Assert.Equal(input.shape, grad.shape);
        Assert.True(grad.abs().sum().ToDouble() > 0);
    }

    [Fact]
    public void Golden_logits()
    {
        using var scope = torch.NewDisposeScope();
        var input = TensorAssert.Npy(Path.Combine(GoldenCase, "input.npy"));
        var expected = TensorAssert.Npy(Path.Combine(GoldenCase, "logits.npy"));
        Tensor logits;
        using (torch.no_grad()) logits = fixture.Model.Forward(input);
        // Reference: torchvision squeezenet1_1 with these weights (golden README; agrees with ORT to 1.2e-4).
        double diff = TensorAssert.CloseAbsolute(logits, expected, 2e-4, "golden logits");
        output.WriteLine($"golden logits max|Δ| = {diff:G3}");
        Assert.Equal(537, logits.argmax(1).ToInt64()); // case.json top-1: 537 dogsled
    }

    [Theory]
    [InlineData(537)]
    [InlineData(250)]
    public void Golden_activations_and_gradients_at_concat7(int target)
    {
        using var scope = torch.NewDisposeScope();
        var input = TensorAssert.Npy(Path.Combine(GoldenCase, "input.npy"));
        var cap = LayerCapture.Capture(fixture.Model, input, [target], "squeezenet0_concat7", withGradients: true);
        string dir = Path.Combine(GoldenCase, $"target-{target}");
        var a = TensorAssert.Npy(Path.Combine(dir, "activations.npy"));
        var g = TensorAssert.Npy(Path.Combine(dir, "gradients.npy"));
        Assert.Equal(new long[] { 1, 512, 13, 13 }, cap.Activations.shape);
        // Reference: pytorch-grad-cam's captured A and ∂logit_c/∂A (golden README), relative to their largest value.
        double ra = TensorAssert.CloseRelative(cap.Activations, a, 1e-4, "activations");
        double rg = TensorAssert.CloseRelative(cap.Gradients!, g, 1e-4, "gradients");
        output.WriteLine($"target {target}: activations rel {ra:G3}, gradients rel {rg:G3}");
    }

    /// <summary>Every method of the golden case (golden/README.md), both targets per row.</summary>
    public static TheoryData<string> GoldenMethodRows => new(TestSupport.GoldenCase.Methods);

    [Theory]
    [MemberData(nameof(GoldenMethodRows))]
    public void Golden_maps(string methodId)
    {
        // Tolerances from the golden README (low-res 1e-4 relative to max|golden|, final 1e-3), asserted
        // by GoldenCase.Check for targets 537 and 250 at the ONNX tensor squeezenet0_concat7 (= features.12).
        var errors = TestSupport.GoldenCase.Check(fixture.Model, GoldenCase, "squeezenet0_concat7", methodId);
        foreach (var e in errors) output.WriteLine(e.ToString());
    }
}
