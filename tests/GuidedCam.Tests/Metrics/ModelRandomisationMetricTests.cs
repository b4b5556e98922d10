using GuidedCam.Core;
using GuidedCam.Methods;
using GuidedCam.Metrics;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace GuidedCam.Tests.Metrics;

/// <summary>
/// The model-parameter randomisation test (Adebayo et al. 2018) on the shared SqueezeNet 1.1 ONNX model
/// and the golden dog image (../shared/golden/squeezenet1.1-dog/input.npy), with `layers: every-5`
/// (depths 1, 6, 11, 16, 21, 26 of the 26 convolutions) to keep the test short.
/// </summary>
public sealed class ModelRandomisationMetricTests(SqueezeNetOnnxFixture fixture, ITestOutputHelper output) : IClassFixture<SqueezeNetOnnxFixture>
{
    private const string Layer = "squeezenet0_concat7";
    private static readonly Dictionary<string, string> EveryFive = new() { ["layers"] = "every-5" };

    private static DatasetItem Dog(string id) =>
        new() { Id = id, Input = Array.Empty<float>(), Geometry = PreprocessGeometry.Identity(224, 224), Objects = Array.Empty<ObjectAnnotation>() };

    private (ModelRandomisationMetric Metric, IReadOnlyList<MetricValue> Values) Evaluate(string methodId, Dictionary<string, string>? options = null, int copies = 1)
    {
        using var scope = torch.NewDisposeScope();
        var x = TensorAssert.Npy(Path.Combine(SharedPaths.Require("golden", "squeezenet1.1-dog"), "input.npy"));
        if (copies > 1) x = torch.cat(Enumerable.Repeat(x, copies).ToArray());
        Tensor logits;
        using (torch.no_grad()) logits = fixture.Model.Forward(x);
        long[] top1 = logits.argmax(1).data<long>().ToArray();
        var method = MethodRegistry.BuiltIn.Create(methodId);
        var request = new SaliencyRequest { Model = fixture.Model, Input = x, Targets = top1, Layer = Layer, Seed = 0 };
        var maps = method.Explain(request).Maps;
        var units = top1.Select((t, i) => new EvaluationUnit(Dog($"dog{i}"), t, null, t)).ToArray();
        var metric = new ModelRandomisationMetric(options ?? EveryFive);
        var batch = new MetricBatch
        {
            Model = fixture.Model,
            Inputs = x,
            Maps = maps,
            Units = units,
            CleanLogits = logits,
            Normalization = Normalization.ImageNet,
            Seed = 0,
            Reexplain = (other, inputs, targets, seed) => method.Explain(new SaliencyRequest { Model = other, Input = inputs, Targets = targets, Layer = Layer, Seed = seed }).Maps,
        };
        var values = metric.Evaluate(batch);
        foreach (var v in values) output.WriteLine($"{methodId} {string.Join(",", options ?? EveryFive)}: mean {v.Value:F4}, curve [{string.Join(", ", v.Curve!.Select(c => c.ToString("F4")))}]");
        return (metric, values);
    }

    [Fact]
    public void Center_baseline_stays_at_one_at_every_depth()
    {
        var (metric, values) = Evaluate("center");
        using (metric)
        {
            // The centre Gaussian never looks at the model: the randomised model's map is the same map, ρ = 1 exactly.
            var v = Assert.Single(values);
            Assert.Equal(6, v.Curve!.Length);
            Assert.All(v.Curve, s => Assert.Equal(1.0, s, 12));
            Assert.Equal(1.0, v.Value, 12);
        }
    }

    [Fact]
    public void Center_baseline_stays_at_one_under_ssim()
    {
        var (metric, values) = Evaluate("center", new() { ["layers"] = "every-5", ["similarity"] = "ssim", ["mode"] = "independent" });
        using (metric) Assert.All(values[0].Curve!, s => Assert.Equal(1.0, s, 9));
    }

    [Fact]
    public void Random_baseline_is_near_zero()
    {
        var (metric, values) = Evaluate("random");
        using (metric)
        {
            // A random-weights CAM drawn again (fresh seed per depth) is unrelated to the first draw. Measured with
            // this test (seed 0, every-5): curve 0.148, −0.076, 0.331, 0.160, −0.050, 0.111, mean 0.104; the bound
            // 0.3 leaves room for the spatial structure both draws share (both weight the layer's activations).
            Assert.True(Math.Abs(values[0].Value) < 0.3, $"random: mean ρ {values[0].Value:F3}");
        }
    }

    [Fact]
    public void GradCam_falls_well_below_one_once_the_last_convolution_is_randomised()
    {
        var (metric, values) = Evaluate("gradcam");
        using (metric)
        {
            var curve = values[0].Curve!;
            // Measured with this test (seed 0, every-5, depths 1, 6, …, 26): ρ = 0.467 at depth 1 (conv25, the
            // classifier convolution, randomised), then 0.115, −0.390, −0.073, 0.009, 0.045; mean 0.029.
            Assert.True(curve[0] < 0.6, $"Grad-CAM ρ after randomising the last convolution: {curve[0]:F3}");
            Assert.True(Math.Abs(values[0].Value) < 0.2, $"Grad-CAM mean ρ over the cascade: {values[0].Value:F3}");
        }
    }

    [Fact]
    public void Randomised_models_are_made_once_per_depth_and_reused()
    {
        TestSetup.Torch();
        using var metric = new ModelRandomisationMetric(EveryFive);
        using var scope = torch.NewDisposeScope();
        var x = TensorAssert.Npy(Path.Combine(SharedPaths.Require("golden", "squeezenet1.1-dog"), "input.npy"));
        int calls = 0;
        var seen = new HashSet<IClassifier>(ReferenceEqualityComparer.Instance);
        var batch = new MetricBatch
        {
            Model = fixture.Model,
            Inputs = x,
            Maps = CenterBaseline.Gaussian(224, 224).unsqueeze(0),
            Units = [new EvaluationUnit(Dog("dog"), 0, null, 0)],
            CleanLogits = torch.zeros(1, 1000),
            Normalization = Normalization.ImageNet,
            Reexplain = (other, inputs, targets, seed) => { calls++; seen.Add(other); return CenterBaseline.Gaussian(224, 224).unsqueeze(0); },
        };
        metric.Evaluate(batch);
        metric.Evaluate(batch); // a second method or batch: the same six copies
        Assert.Equal(12, calls);
        Assert.Equal(6, seen.Count);
    }

    [Fact]
    public void A_model_that_cannot_be_randomised_is_refused_with_its_name()
    {
        using var metric = new ModelRandomisationMetric();
        using var toy = new ToyClassifier(new float[4], 2, 2);
        string? why = metric.Unsupported(toy);
        Assert.NotNull(why);
        Assert.Contains("model 'toy' cannot", why);
        Assert.Null(metric.Unsupported(fixture.Model));
        // Six depths (1, 6, …, 26) with every-5: six runs of the method per unit for validate's estimate.
        using var everyFive = new ModelRandomisationMetric(EveryFive);
        Assert.Equal(6, everyFive.Reexplanations(fixture.Model));
        Assert.Equal(26, metric.Reexplanations(fixture.Model));
    }

    [Theory]
    [InlineData("every-0")]
    [InlineData("every-x")]
    [InlineData("3")]
    public void Bad_layers_option_is_an_error_naming_it(string value)
    {
        var e = Assert.Throws<ArgumentException>(() => new ModelRandomisationMetric(new Dictionary<string, string> { ["layers"] = value }));
        Assert.Contains("model-randomisation.layers", e.Message);
    }
}
