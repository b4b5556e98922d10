using GuidedCam.Core;
using GuidedCam.Harness.Models.Onnx;
using TorchSharp;
using static GuidedCam.Tests.TestSupport.OnnxModelBuilder;
using static TorchSharp.torch;

namespace GuidedCam.Tests.Harness.Models.Onnx;

/// <summary>
/// Operators of the ONNX interpreter on tiny graphs written by the test, each checked against values
/// worked out by hand from the ONNX operator specification (comments give the arithmetic).
/// </summary>
public sealed class OnnxOperatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("guidedcam-onnx-").FullName;

    public OnnxOperatorTests() => TestSetup.Torch();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private float[] Run(OnnxModelBuilder b, Tensor input, string layer = "y", int classes = 1)
    {
        string path = b.Save(Path.Combine(_dir, "m.onnx"));
        using var model = new OnnxClassifier(path, layer, numClasses: classes);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return model.Forward(input).reshape(-1).data<float>().ToArray();
    }

    private static Tensor Image(float[] values, params long[] shape) => torch.tensor(values, shape);

    [Fact]
    public void Unsupported_operator_is_a_clear_load_error()
    {
        string path = new OnnxModelBuilder()
            .Input("x", 1, 3, 4, 4)
            .Node("Relu", "relu0", ["x"], ["r"])
            .Node("GridSample", "warp1", ["r", "x"], ["y"])
            .Output("y", 1, 3, 4, 4)
            .Save(Path.Combine(_dir, "unsupported.onnx"));
        var e = Assert.Throws<NotSupportedException>(() => new OnnxClassifier(path, "r", numClasses: 4));
        Assert.Contains("'GridSample'", e.Message);
        Assert.Contains("'warp1'", e.Message);
        Assert.Contains(path, e.Message);
        Assert.Contains("Conv", e.Message); // lists what is supported
    }

    [Fact]
    public void Missing_and_corrupt_files_name_the_path()
    {
        string missing = Path.Combine(_dir, "nope.onnx");
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => new OnnxClassifier(missing, "y")).Message);
        string corrupt = Path.Combine(_dir, "corrupt.onnx");
        File.WriteAllBytes(corrupt, [0xff, 0xff, 0xff, 0x01, 0x02]);
        Assert.Contains(corrupt, Assert.Throws<InvalidDataException>(() => new OnnxClassifier(corrupt, "y")).Message);
    }

    [Fact]
    public void Unknown_default_layer_lists_the_tensor_names()
    {
        string path = new OnnxModelBuilder().Input("x", 1, 2).Node("Relu", "relu0", ["x"], ["y"]).Output("y", 1, 2).Save(Path.Combine(_dir, "m.onnx"));
        var e = Assert.Throws<ArgumentException>(() => new OnnxClassifier(path, "features.12"));
        Assert.Contains("features.12", e.Message);
        Assert.Contains("y", e.Message);
    }

    [Fact]
    public void Conv_with_asymmetric_pads()
    {
        // x = [[1,2],[3,4]], 2×2 kernel of ones, pads bottom/right by 1: windows sum
        // [[1+2+3+4, 2+4], [3+4, 4]] = [[10, 6], [7, 4]], plus bias 0.5.
        var b = new OnnxModelBuilder()
            .Input("x", 1, 1, 2, 2)
            .Initializer("w", [1f, 1f, 1f, 1f], 1, 1, 2, 2)
            .Initializer("bias", [0.5f], 1)
            .Node("Conv", "conv", ["x", "w", "bias"], ["y"], Ints("pads", 0, 0, 1, 1))
            .Output("y", 1, 1, 2, 2);
        Assert.Equal(new[] { 10.5f, 6.5f, 7.5f, 4.5f }, Run(b, Image([1, 2, 3, 4], 1, 1, 2, 2), classes: 2));
    }

    [Theory]
    [InlineData("SAME_UPPER", new[] { 4f, 4f, 2f, 4f, 4f, 2f, 2f, 2f, 1f })]
    [InlineData("SAME_LOWER", new[] { 1f, 2f, 2f, 2f, 4f, 4f, 2f, 4f, 4f })]
    public void Conv_auto_pad(string autoPad, float[] expected)
    {
        // 3×3 ones, 2×2 ones kernel, stride 1: total padding 1 per axis, at the end (UPPER) or the start (LOWER);
        // each output counts the real pixels under its window.
        var b = new OnnxModelBuilder()
            .Input("x", 1, 1, 3, 3)
            .Initializer("w", [1f, 1f, 1f, 1f], 1, 1, 2, 2)
            .Node("Conv", "conv", ["x", "w"], ["y"], String("auto_pad", autoPad))
            .Output("y", 1, 1, 3, 3);
        Assert.Equal(expected, Run(b, torch.ones(1, 1, 3, 3), classes: 3));
    }

    [Fact]
    public void BatchNormalization_and_its_bias()
    {
        // γ = 4, β = 1, μ = 1, σ² = 3, ε = 1: y = 4(x − 1)/√4 + 1 = 2x − 1; FullGrad bias β − μγ/√(σ²+ε) = 1 − 2 = −1.
        string path = new OnnxModelBuilder()
            .Input("x", 1, 1, 1, 2)
            .Initializer("g", [4f], 1).Initializer("b", [1f], 1).Initializer("m", [1f], 1).Initializer("v", [3f], 1)
            .Node("BatchNormalization", "bn", ["x", "g", "b", "m", "v"], ["y"], Float("epsilon", 1f))
            .Output("y", 1, 1, 1, 2)
            .Save(Path.Combine(_dir, "bn.onnx"));
        using var model = new OnnxClassifier(path, "y", numClasses: 2);
        using var scope = torch.NewDisposeScope();
        using (torch.no_grad())
            Assert.Equal(new[] { 3f, 5f }, model.Forward(Image([2, 3], 1, 1, 1, 2)).reshape(-1).data<float>().ToArray());
        var bias = Assert.Single(model.BiasLayers());
        Assert.Equal("y", bias.Layer);
        Assert.Equal(-1f, bias.Bias.ToSingle());
    }

    [Theory]
    [InlineData(0, new[] { 1f, 1.5f, 2f, 2.5f })]
    [InlineData(1, new[] { 0.25f, 0.75f, 1f, 2.5f })]
    public void AveragePool_with_asymmetric_pads(int countIncludePad, float[] expected)
    {
        // x = [[1,2],[3,4]], 2×2 windows, stride 1, one pad row/column at the top/left. Real pixels per
        // window: {1}, {1,2}, {1,3}, {1,2,3,4} → means 1, 1.5, 2, 2.5; counting the pads (4 per window):
        // 1/4, 3/4, 4/4, 10/4.
        var b = new OnnxModelBuilder()
            .Input("x", 1, 1, 2, 2)
            .Node("AveragePool", "pool", ["x"], ["y"], Ints("kernel_shape", 2, 2), Ints("pads", 1, 1, 0, 0), Int("count_include_pad", countIncludePad))
            .Output("y", 1, 1, 2, 2);
        Assert.Equal(expected, Run(b, Image([1, 2, 3, 4], 1, 1, 2, 2), classes: 2));
    }

    [Fact]
    public void MaxPool_pads_with_minus_infinity()
    {
        // x = [[−4,−3],[−2,−1]], 2×2 windows with a top/left pad: maxima −4, −3, −2, −1 (a zero pad would give 0s).
        var b = new OnnxModelBuilder()
            .Input("x", 1, 1, 2, 2)
            .Node("MaxPool", "pool", ["x"], ["y"], Ints("kernel_shape", 2, 2), Ints("pads", 1, 1, 0, 0))
            .Output("y", 1, 1, 2, 2);
        Assert.Equal(new[] { -4f, -3f, -2f, -1f }, Run(b, Image([-4, -3, -2, -1], 1, 1, 2, 2), classes: 2));
    }

    [Fact]
    public void Gemm_with_transB_alpha_beta()
    {
        // A = [1, 2], Bᵀ rows (1,0), (0,1), (1,1) → A·Bᵀ = [1, 2, 3]; 2·[1,2,3] + 0.5·[2,2,2] = [3, 5, 7].
        var b = new OnnxModelBuilder()
            .Input("x", 1, 2)
            .Initializer("B", [1f, 0f, 0f, 1f, 1f, 1f], 3, 2)
            .Initializer("C", [2f, 2f, 2f], 3)
            .Node("Gemm", "fc", ["x", "B", "C"], ["y"], Int("transB", 1), Float("alpha", 2f), Float("beta", 0.5f))
            .Output("y", 1, 3);
        Assert.Equal(new[] { 3f, 5f, 7f }, Run(b, Image([1, 2], 1, 2), classes: 3));
    }

    [Fact]
    public void Clip_LeakyRelu_Softmax_chain()
    {
        // x = [−2, 1]: LeakyRelu(α 0.5) → [−1, 1]; Clip (opset 13, bounds as inputs 0 and 6) → [0, 1]; Mul by ln 3 → [0, ln 3];
        // Softmax → [1, 3]/4 = [0.25, 0.75].
        var b = new OnnxModelBuilder()
            .Input("x", 1, 2)
            .Initializer("lo", [0f]).Initializer("hi", [6f]).Initializer("k", [MathF.Log(3f)])
            .Node("LeakyRelu", "lrelu", ["x"], ["a"], Float("alpha", 0.5f))
            .Node("Clip", "clip", ["a", "lo", "hi"], ["c"])
            .Node("Mul", "scale", ["c", "k"], ["s"])
            .Node("Softmax", "softmax", ["s"], ["y"], Int("axis", 1))
            .Output("y", 1, 2);
        var y = Run(b, Image([-2, 1], 1, 2), classes: 2);
        Assert.Equal(0.25f, y[0], 1e-6f);
        Assert.Equal(0.75f, y[1], 1e-6f);
    }

    [Theory]
    [InlineData("reflect", new[] { 2f, 1f, 2f, 3f, 2f })]
    [InlineData("edge", new[] { 1f, 1f, 2f, 3f, 3f })]
    [InlineData("constant", new[] { 9f, 1f, 2f, 3f, 9f })]
    public void Pad_modes(string mode, float[] expected)
    {
        // [1, 2, 3] padded by one on each side of the last axis (opset 13: pads and value as inputs).
        var b = new OnnxModelBuilder()
            .Input("x", 1, 1, 1, 3)
            .Initializer("pads", [0L, 0L, 0L, 1L, 0L, 0L, 0L, 1L], 8)
            .Initializer("value", [9f])
            .Node("Pad", "pad", ["x", "pads", "value"], ["y"], String("mode", mode))
            .Output("y", 1, 1, 1, 5);
        Assert.Equal(expected, Run(b, Image([1, 2, 3], 1, 1, 1, 3), classes: 5));
    }

    [Fact]
    public void Reshape_to_the_export_batch_follows_the_actual_batch()
    {
        // Exported for batch 1 with target shape [1, 4]; a batch of 3 gives 3 × 4, sample order kept.
        var b = new OnnxModelBuilder()
            .Input("x", 1, 1, 2, 2)
            .Initializer("shape", [1L, 4L], 2)
            .Node("Reshape", "reshape", ["x", "shape"], ["y"])
            .Output("y", 1, 4);
        var input = torch.arange(12, dtype: ScalarType.Float32).reshape(3, 1, 2, 2);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), Run(b, input, classes: 4));
    }

    [Fact]
    public void GlobalAveragePool_Flatten_Concat_MatMul_Identity_Dropout_Constant()
    {
        // x (1×2×2×2) channel 0 = [1,2,3,4], channel 1 = [5,6,7,8]: GAP → [2.5, 6.5]; Flatten → 1×2;
        // Concat with itself → [2.5, 6.5, 2.5, 6.5]; MatMul by a Constant 4×1 of [1, 0, 0, 2] → 2.5 + 13 = 15.5.
        var value = new global::Onnx.TensorProto { Name = "wval", DataType = (int)global::Onnx.TensorProto.Types.DataType.Float };
        value.Dims.AddRange([4L, 1L]);
        value.FloatData.AddRange([1f, 0f, 0f, 2f]);
        var b = new OnnxModelBuilder()
            .Input("x", 1, 2, 2, 2)
            .Node("Constant", "w", [], ["wc"], new global::Onnx.AttributeProto { Name = "value", Type = global::Onnx.AttributeProto.Types.AttributeType.Tensor, T = value })
            .Node("GlobalAveragePool", "gap", ["x"], ["g"])
            .Node("Flatten", "flat", ["g"], ["f"])
            .Node("Identity", "id", ["f"], ["i"])
            .Node("Dropout", "drop", ["i"], ["d", "mask"])
            .Node("Concat", "cat", ["d", "f"], ["c"], Int("axis", 1))
            .Node("MatMul", "mm", ["c", "wc"], ["y"])
            .Output("y", 1, 1);
        Assert.Equal(new[] { 15.5f }, Run(b, torch.arange(1, 9, dtype: ScalarType.Float32).reshape(1, 2, 2, 2), classes: 1));
    }

    [Fact]
    public void PyTorch_style_flatten_through_Shape_Gather_Unsqueeze_Concat()
    {
        // PyTorch exports x.view(x.size(0), -1) as Shape → Gather(0) → Unsqueeze → Concat(·, [−1]) → Reshape,
        // then HardSwish and ReduceMean over axis 1. x = arange(16) − 4 as 2×2×2×2.
        // hardswish(v) = v·clamp(v/6 + 1/2, 0, 1): sample 0 holds −4..3 → 0, 0, −1/3, −1/3, 0, 2/3, 5/3, 3,
        // mean 14/3 / 8 = 7/12; sample 1 holds 4..11 (all ≥ 3, unchanged), mean 7.5.
        var b = new OnnxModelBuilder()
            .Input("x", 1, 2, 2, 2)
            .Initializer("zero", [0L])
            .Initializer("axes0", [0L], 1)
            .Initializer("minus1", [-1L], 1)
            .Node("Shape", "shape", ["x"], ["s"])
            .Node("Gather", "batch", ["s", "zero"], ["n"], Int("axis", 0))
            .Node("Unsqueeze", "unsq", ["n", "axes0"], ["n1"])
            .Node("Concat", "target", ["n1", "minus1"], ["t"], Int("axis", 0))
            .Node("Reshape", "view", ["x", "t"], ["f"])
            .Node("HardSwish", "hswish", ["f"], ["h"])
            .Node("ReduceMean", "mean", ["h"], ["y"], Ints("axes", 1), Int("keepdims", 0))
            .Output("y", 1);
        var y = Run(b, (torch.arange(16, dtype: ScalarType.Float32) - 4f).reshape(2, 2, 2, 2), layer: "f");
        Assert.Equal(7f / 12f, y[0], 1e-6f);
        Assert.Equal(7.5f, y[1], 1e-6f);
    }

    [Fact]
    public void Transpose_Squeeze_HardSigmoid_Cast()
    {
        // [0, 2] as 1×1×1×2 → Transpose (0,1,3,2) → 1×1×2×1 → Squeeze axes 1, 3 → 1×2 → HardSigmoid
        // 0.2x + 0.5 → [0.5, 0.9] → Cast to float (unchanged).
        var b = new OnnxModelBuilder()
            .Input("x", 1, 1, 1, 2)
            .Initializer("axes", [1L, 3L], 2)
            .Node("Transpose", "t", ["x"], ["xt"], Ints("perm", 0, 1, 3, 2))
            .Node("Squeeze", "sq", ["xt", "axes"], ["s"])
            .Node("HardSigmoid", "hs", ["s"], ["h"])
            .Node("Cast", "cast", ["h"], ["y"], Int("to", (long)global::Onnx.TensorProto.Types.DataType.Float))
            .Output("y", 1, 2);
        var y = Run(b, Image([0, 2], 1, 1, 1, 2), classes: 2);
        Assert.Equal(0.5f, y[0], 1e-6f);
        Assert.Equal(0.9f, y[1], 1e-6f);
    }

    [Fact]
    public void A_tap_may_return_a_larger_batch()
    {
        // y = Relu(x) + x. The tap on r returns, per sample, two copies: r and 0·r (Ablation-CAM's layout,
        // each sample's copies adjacent). The other operand x follows: rows are r0+x0, x0, r1+x1, x1.
        string path = new OnnxModelBuilder()
            .Input("x", 1, 2)
            .Node("Relu", "relu", ["x"], ["r"])
            .Node("Add", "add", ["r", "x"], ["y"])
            .Output("y", 1, 2)
            .Save(Path.Combine(_dir, "tap.onnx"));
        using var model = new OnnxClassifier(path, "r");
        using var scope = torch.NewDisposeScope();
        var tap = new LayerTap("r", r => torch.stack([r, r * 0f], 1).reshape(-1, r.shape[1]));
        Tensor y;
        using (torch.no_grad()) y = model.Forward(Image([-1, 2, 3, -4], 2, 2), [tap]);
        Assert.Equal(new long[] { 4, 2 }, y.shape);
        // x0 = [−1, 2] (relu [0, 2]), x1 = [3, −4] (relu [3, 0]).
        Assert.Equal(new[] { -1f, 4f, -1f, 2f, 6f, -4f, 3f, -4f }, y.reshape(-1).data<float>().ToArray());
    }
}
