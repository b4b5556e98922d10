using GuidedCam.Core;
using GuidedCam.Harness.Cli;
using GuidedCam.Harness.Models.Onnx;
using TorchSharp;
using static GuidedCam.Tests.TestSupport.OnnxModelBuilder;
using static TorchSharp.torch;

namespace GuidedCam.Tests.Harness.Models.Onnx;

/// <summary>
/// The operators a ViT export uses, on tiny graphs written by the test; expected values are worked out by
/// hand from the ONNX operator specification (comments give the arithmetic).
/// </summary>
public sealed class OnnxTransformerOperatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("guidedcam-onnx-vit-").FullName;

    public OnnxTransformerOperatorTests() => TestSetup.Torch();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private float[] Run(OnnxModelBuilder b, Tensor input, int classes, string layer = "y")
    {
        string path = b.Save(Path.Combine(_dir, "m.onnx"));
        using var model = new OnnxClassifier(path, layer, numClasses: classes);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return model.Forward(input).reshape(-1).data<float>().ToArray();
    }

    private static void AssertClose(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: {actual[i]} vs {expected[i]}");
    }

    [Fact]
    public void LayerNorm_opset14_decomposition_and_LayerNormalization_agree_by_hand()
    {
        // x = [1, 2, 3, 4]: mean 2.5, variance (2.25+0.25+0.25+2.25)/4 = 1.25, ε = 0 → (x − 2.5)/√1.25.
        float s = (float)Math.Sqrt(1.25);
        float[] expected = [-1.5f / s, -0.5f / s, 0.5f / s, 1.5f / s];
        var decomposed = new OnnxModelBuilder(14)
            .Input("x", 1, 4)
            .Initializer("two", [2f])
            .Initializer("eps", [0f])
            .Node("ReduceMean", "mean", ["x"], ["m"], Ints("axes", -1))
            .Node("Sub", "centre", ["x", "m"], ["c"])
            .Node("Pow", "square", ["c", "two"], ["c2"])
            .Node("ReduceMean", "var", ["c2"], ["v"], Ints("axes", -1))
            .Node("Add", "addeps", ["v", "eps"], ["ve"])
            .Node("Sqrt", "sqrt", ["ve"], ["sd"])
            .Node("Div", "div", ["c", "sd"], ["y"])
            .Output("y", 1, 4);
        AssertClose(expected, Run(decomposed, torch.tensor(new float[] { 1, 2, 3, 4 }, 1, 4), 4), 1e-6);
        var native = new OnnxModelBuilder(17)
            .Input("x", 1, 4)
            .Initializer("gamma", [1f, 1f, 1f, 1f], 4)
            .Node("LayerNormalization", "ln", ["x", "gamma"], ["y"], Float("epsilon", 0f))
            .Output("y", 1, 4);
        AssertClose(expected, Run(native, torch.tensor(new float[] { 1, 2, 3, 4 }, 1, 4), 4), 1e-6);
    }

    [Fact]
    public void Erf_gelu_and_the_Gelu_operator()
    {
        // GELU(x) = x·(1 + erf(x/√2))/2: GELU(0) = 0, GELU(1) = (1 + erf(0.7071))/2 = 0.841345, GELU(−1) = −0.158655.
        float[] expected = [0f, 0.841345f, -0.158655f];
        var exported = new OnnxModelBuilder(14)
            .Input("x", 1, 3)
            .Initializer("sqrt2", [1.4142135f])
            .Initializer("one", [1f])
            .Initializer("half", [0.5f])
            .Node("Div", "d", ["x", "sqrt2"], ["a"])
            .Node("Erf", "erf", ["a"], ["e"])
            .Node("Add", "p", ["e", "one"], ["f"])
            .Node("Mul", "m", ["x", "f"], ["g"])
            .Node("Mul", "m2", ["g", "half"], ["y"])
            .Output("y", 1, 3);
        var input = torch.tensor(new float[] { 0, 1, -1 }, 1, 3);
        AssertClose(expected, Run(exported, input, 3), 1e-5);
        var gelu = new OnnxModelBuilder(20).Input("x", 1, 3).Node("Gelu", "g", ["x"], ["y"]).Output("y", 1, 3);
        AssertClose(expected, Run(gelu, input, 3), 1e-5);
        // tanh form at 1: 0.5·(1 + tanh(0.797885·1.044715)) = 0.841192.
        var tanh = new OnnxModelBuilder(20).Input("x", 1, 3).Node("Gelu", "g", ["x"], ["y"], String("approximate", "tanh")).Output("y", 1, 3);
        Assert.Equal(0.841192f, Run(tanh, input, 3)[1], 5);
    }

    [Fact]
    public void Slice_with_negative_axes_steps_and_clamped_ends()
    {
        // x = [0..5]; starts [−1], ends [−1000] (clamped to before the start), steps [−2]: 5, 3, 1.
        var b = new OnnxModelBuilder(13)
            .Input("x", 1, 6)
            .Initializer("s", [-1L], 1).Initializer("e", [-1000L], 1).Initializer("a", [-1L], 1).Initializer("st", [-2L], 1)
            .Node("Slice", "slice", ["x", "s", "e", "a", "st"], ["y"])
            .Output("y", 1, 3);
        Assert.Equal(new[] { 5f, 3f, 1f }, Run(b, torch.arange(6, dtype: ScalarType.Float32).reshape(1, 6), 3));
        // starts [1], ends [INT64_MAX] ("to the end"), axis 1, step 2: 1, 3, 5.
        var forward = new OnnxModelBuilder(13)
            .Input("x", 1, 6)
            .Initializer("s", [1L], 1).Initializer("e", [long.MaxValue], 1).Initializer("a", [1L], 1).Initializer("st", [2L], 1)
            .Node("Slice", "slice", ["x", "s", "e", "a", "st"], ["y"])
            .Output("y", 1, 3);
        Assert.Equal(new[] { 1f, 3f, 5f }, Run(forward, torch.arange(6, dtype: ScalarType.Float32).reshape(1, 6), 3));
    }

    [Fact]
    public void Class_token_expand_concat_and_integer_shape_arithmetic()
    {
        // The class-token prologue of a torchvision ViT export: Shape → Gather → ConstantOfShape/Equal/Where →
        // Expand → Concat, and the sequence-first attention's Div on int64 (7 / 2 = 3, truncated).
        var b = new OnnxModelBuilder(14)
            .Input("x", 1, 2, 2)
            .Initializer("cls", [9f, 8f], 1, 1, 2)
            .Initializer("target", [1L, 1L, 2L], 3)
            .Initializer("three", [3L], 1)
            .Initializer("minus1", [-1L], 1)
            .Node("ConstantOfShape", "ones_shape", ["three"], ["c1"], LongTensor("value", 1))
            .Node("Mul", "neg", ["c1", "minus1"], ["negs"])
            .Node("Equal", "eq", ["target", "negs"], ["mask"])
            .Node("Where", "where", ["mask", "c1", "target"], ["shape"])
            .Node("Expand", "expand", ["cls", "shape"], ["token"])
            .Node("Concat", "concat", ["token", "x"], ["t"], Int("axis", 1))
            .Node("Shape", "shape_of", ["t"], ["ts"])
            .Node("Gather", "last", ["ts", "minus1"], ["d"], Int("axis", 0))
            .Node("Div", "half", ["d", "two"], ["h"])
            .Initializer("two", [2L], 1)
            .Initializer("zero", [0L], 1)
            .Initializer("axis2", [2L], 1)
            .Node("Slice", "first_half", ["t", "zero", "h", "axis2"], ["half_t"])
            .Node("Reshape", "flat", ["half_t", "flat_shape"], ["y"])
            .Initializer("flat_shape", [1L, 3L], 2)
            .Output("y", 1, 3);
        // t = [[9,8],[1,2],[3,4]]; d = 2, h = 1: first column [9, 1, 3].
        Assert.Equal(new[] { 9f, 1f, 3f }, Run(b, torch.tensor(new float[] { 1, 2, 3, 4 }, 1, 2, 2), 3));
    }

    [Fact]
    public void Integer_Div_truncates()
    {
        // Shape(x)[1] = 7; ONNX Div on int64 truncates: 7 / 2 = 3 (true division would give 3.5); y = x · 3.
        var b = new OnnxModelBuilder(14)
            .Input("x", 1, 7)
            .Initializer("one", [1L], 1)
            .Initializer("two", [2L], 1)
            .Node("Shape", "s", ["x"], ["shape"])
            .Node("Gather", "g", ["shape", "one"], ["w"], Int("axis", 0))
            .Node("Div", "d", ["w", "two"], ["h"])
            .Node("Cast", "c", ["h"], ["hf"], Int("to", 1))
            .Node("Mul", "m", ["x", "hf"], ["y"])
            .Output("y", 1, 7);
        Assert.All(Run(b, torch.ones(1, 7), 7), v => Assert.Equal(3f, v));
    }

    [Fact]
    public void Unsupported_operator_exits_2_from_the_command_line()
    {
        string path = new OnnxModelBuilder()
            .Input("x", 1, 3, 4, 4)
            .Node("Relu", "relu0", ["x"], ["r"])
            .Node("NonMaxSuppression", "nms1", ["r", "x"], ["y"])
            .Output("y", 1, 3, 4, 4)
            .Save(Path.Combine(_dir, "unsupported.onnx"));
        var error = new StringWriter();
        var saved = Console.Error;
        Console.SetError(error);
        int rc;
        try
        {
            rc = CliErrors.Guard(() => ExplainCommand.Run(path, null, "r", Path.Combine(SharedPaths.Require("golden", "vit-tiny-seed0"), "input.npy"), "0", "gradcam", Path.Combine(_dir, "out"), 0));
        }
        finally { Console.SetError(saved); }
        Assert.Equal(2, rc);
        Assert.Contains("'NonMaxSuppression'", error.ToString());
        Assert.Contains("'nms1'", error.ToString());
        Assert.Single(error.ToString().Trim().Split('\n')); // one line, no stack trace
    }
}
