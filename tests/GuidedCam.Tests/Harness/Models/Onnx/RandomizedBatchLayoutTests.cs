using GuidedCam.Core;
using GuidedCam.Harness.Models.Onnx;
using GuidedCam.Methods;
using GuidedCam.Metrics;
using TorchSharp;
using static GuidedCam.Tests.TestSupport.OnnxModelBuilder;
using static TorchSharp.torch;

namespace GuidedCam.Tests.Harness.Models.Onnx;

/// <summary>
/// A randomised copy of an ONNX graph runs its batch as the original does (issue 17, item 5). The same small
/// CNN (Conv → Relu → GlobalAveragePool → Reshape → Gemm, weights drawn with a fixed seed) is written three
/// times: exported with a fixed batch of 1, with a fixed batch of 2 (its Reshape target hard-codes 2), and with a
/// free batch. `model-randomisation` with Grad-CAM on a batch of three images must run on all three and give the
/// same values: the graphs compute the same function, and every copy keeps the batch leading. Before the fix a
/// copy lost that layout, ran row by row, and the batch-2 export failed there ("exported for batch 2").
/// </summary>
public sealed class RandomizedBatchLayoutTests
{
    private const int Classes = 5;

    private static IReadOnlyList<MetricValue> ModelRandomisation(OnnxClassifier model, Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        Tensor logits;
        using (torch.no_grad()) logits = model.Forward(x);
        long[] top1 = logits.argmax(1).data<long>().ToArray();
        var method = MethodRegistry.BuiltIn.Create("gradcam");
        var maps = method.Explain(new SaliencyRequest { Model = model, Input = x, Targets = top1, Layer = "relu", Seed = 0 }).Maps;
        var units = top1.Select((t, i) => new EvaluationUnit(
            new DatasetItem { Id = $"x{i}", Input = Array.Empty<float>(), Geometry = PreprocessGeometry.Identity(8, 8), Objects = Array.Empty<ObjectAnnotation>() },
            t, null, t)).ToArray();
        using var metric = new ModelRandomisationMetric(new Dictionary<string, string> { ["layers"] = "every-1" });
        return metric.Evaluate(new MetricBatch
        {
            Model = model,
            Inputs = x,
            Maps = maps,
            Units = units,
            CleanLogits = logits,
            Normalization = Normalization.ImageNet,
            Seed = 0,
            Reexplain = (other, inputs, targets, seed) =>
                method.Explain(new SaliencyRequest { Model = other, Input = inputs, Targets = targets, Layer = "relu", Seed = seed }).Maps,
        });
    }

    [Fact]
    public void Model_randomisation_runs_alike_on_fixed_batch_1_fixed_batch_2_and_free_batch_exports()
    {
        TestSetup.Torch();
        using var temp = TempDir.Create();
        using var scope = torch.NewDisposeScope();
        var x = torch.randn([3, 3, 8, 8], generator: new torch.Generator(5)).DetachFromDisposeScope();
        var results = new Dictionary<string, double[]>();
        foreach (var (name, batch) in new[] { ("fixed1.onnx", 1L), ("fixed2.onnx", 2L), ("free.onnx", 0L) })
        {
            using var model = new OnnxClassifier(OnnxModelBuilder.SmallCnn(Path.Combine(temp.Folder, name), batch, Classes), defaultTargetLayer: "relu", numClasses: Classes);
            Assert.True(model.BatchLeading, $"{name}: a CNN graph keeps its batch leading");
            using (var copy = (OnnxClassifier)model.Randomized([0, 1], seed: 3))
                Assert.True(copy.BatchLeading, $"{name}: the randomised copy lost the original's batch layout");
            var values = ModelRandomisation(model, x);
            Assert.Equal(3, values.Count);
            // Two parameterised layers (fc, then conv): a curve of two similarities per image.
            Assert.All(values, v => Assert.Equal(2, v.Curve!.Length));
            results[name] = values.SelectMany(v => v.Curve!.Append(v.Value)).ToArray();
        }
        Assert.Equal(results["free.onnx"], results["fixed1.onnx"]);
        Assert.Equal(results["free.onnx"], results["fixed2.onnx"]);
        // Randomising the classifier changes Grad-CAM's map: a constant 1 would mean no copy was ever used.
        Assert.Contains(results["free.onnx"], s => Math.Abs(s - 1) > 1e-3);
    }
}
