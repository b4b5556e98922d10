using GuidedCam.Core;
using GuidedCam.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Tests.Metrics;

/// <summary>
/// The confidence metrics on a real network: torchvision resnet18 with torch.manual_seed(0) weights
/// (bit-identical to PyTorch's, golden/README.md), the golden eagle input and pytorch-grad-cam's
/// Grad-CAM map for class 238. Checks the curve end points against independent forward passes.
/// </summary>
public class RealModelMetricTests
{
    [Fact]
    public void Deletion_insertion_and_average_drop_on_the_resnet18_golden_case()
    {
        TestSetup.Torch();
        string dir = SharedPaths.Require("golden", "resnet18-seed0-eagle");
        torch.manual_seed(0);
        using var model = new ModuleClassifier("resnet18-seed0", torchvision.models.resnet18(), 1000, "imagenet1k", "layer4");
        var input = Npy.ReadFloat32(Path.Combine(dir, "input.npy"));
        var map = Npy.ReadFloat32(Path.Combine(dir, "target-238", "gradcam.npy"));
        var goldenLogits = Npy.ReadFloat32(Path.Combine(dir, "logits.npy")).Data;

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = torch.tensor(input.Data, new long[] { 1, 3, 224, 224 });
        var logits = model.Forward(x);
        // Same weights as the reference: logits agree with PyTorch's (golden logits.npy).
        float[] ours = logits.data<float>().ToArray();
        double scale = goldenLogits.Max(v => Math.Abs(v));
        Assert.True(ours.Zip(goldenLogits).Max(p => Math.Abs(p.First - p.Second)) < 1e-3 * scale);

        var item = new DatasetItem { Id = "eagle", Input = input.Data, Geometry = PreprocessGeometry.Identity(224, 224), Objects = Array.Empty<ObjectAnnotation>() };
        var batch = new MetricBatch
        {
            Model = model,
            Inputs = x,
            Maps = torch.tensor(map.Data, new long[] { 1, 224, 224 }),
            Units = new[] { new EvaluationUnit(item, 238, null, 238) },
            CleanLogits = logits,
            Normalization = Normalization.ImageNet,
        };
        // step 224·16 → n = 14, 15 points per curve (kept small for CI time).
        var opts = new Dictionary<string, string> { ["step"] = "3584", ["batch-size"] = "8" };
        var del = new DeletionMetric(opts).Evaluate(batch).Single();
        var ins = new InsertionMetric(opts).Evaluate(batch).Single();

        double pClean = ClassProbability.Of(logits, new long[] { 238 })[0];
        double pZeros = ClassProbability.Of(model.Forward(torch.zeros_like(x)), new long[] { 238 })[0];
        double pBlur = ClassProbability.Of(model.Forward(CausalCurve.Blur(x)), new long[] { 238 })[0];
        Assert.Equal(15, del.Curve!.Length);
        Assert.Equal(pClean, del.Curve[0], 5);   // nothing deleted yet
        Assert.Equal(pZeros, del.Curve[14], 5);  // everything replaced by the zeros substrate
        Assert.Equal(pBlur, ins.Curve![0], 5);   // insertion starts from the blur …
        Assert.Equal(pClean, ins.Curve[14], 5);  // … and ends at the clean image
        Assert.InRange(del.Value, 0, 1);
        Assert.InRange(ins.Value, 0, 1);

        var ad = new AverageDropMetric().Evaluate(batch).Single();
        double pMasked = ClassProbability.Of(model.Forward(x * batch.Maps.unsqueeze(1)), new long[] { 238 })[0];
        Assert.Equal(100 * Math.Max(0, pClean - pMasked) / pClean, ad.Value, 3);
    }
}
