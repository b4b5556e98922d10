using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GuidedCam.Core;
using GuidedCam.Metrics;
using GuidedCam.Tests.Models;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace GuidedCam.Tests.Metrics;

/// <summary>
/// ROAD against pytorch-grad-cam 1.5.5 (../shared/golden/road-squeezenet1.1-dog, README there):
/// SqueezeNet 1.1 (shared ONNX), the dog input, target 537, the golden gradcam / guidedcam / eigencam
/// maps, noise 0. Tolerance 1e-3 absolute for imputed tensors and scores (the golden README's).
/// </summary>
public sealed class RoadGoldenTests(SqueezeNetOnnxFixture fixture, ITestOutputHelper output) : IClassFixture<SqueezeNetOnnxFixture>
{
    private static string Road => SharedPaths.Require("golden", "road-squeezenet1.1-dog");
    private static string Case => SharedPaths.Require("golden", "squeezenet1.1-dog");
    // guidedcam's golden values are checked from the command line (ScoreCommandAcceptanceTests).
    private static readonly string[] Methods = { "gradcam", "eigencam" };

    private static float[] Map(string method) => Npy.ReadFloat32(Path.Combine(Case, "target-537", method + ".npy")).Data;

    private static Tensor Input() => TensorAssert.Npy(Path.Combine(Case, "input.npy"));

    [Theory]
    [InlineData("morf", 20)]
    [InlineData("morf", 70)]
    [InlineData("lerf", 20)]
    [InlineData("lerf", 70)]
    public void ImputedTensorsMatchTheReferenceSolve(string order, int percentile)
    {
        using var scope = torch.NewDisposeScope();
        var map = Map("gradcam");
        bool lerf = order == "lerf";
        float t = RoadCurves.Threshold(map, percentile, lerf);
        var removed = RoadCurves.RemovedMask(torch.tensor(map, new long[] { 1, 224, 224 }), new[] { t }, new[] { lerf });
        var watch = Stopwatch.StartNew();
        var (imputed, stats) = NoisyLinearImputer.Impute(Input(), removed);
        var golden = TensorAssert.Npy(Path.Combine(Road, $"imputed-{order}-p{percentile}-gradcam-537.npy")).reshape(1, 3, 224, 224);
        double diff = TensorAssert.MaxAbsDiff(imputed, golden);
        output.WriteLine($"{order} p{percentile}: {removed.sum().item<long>()} removed pixels, {stats.Iterations} CG iterations, " +
            $"residual {stats.MaxRelativeResidual:E1}, {watch.ElapsedMilliseconds} ms, max |Δ| vs scipy spsolve = {diff:E2}");
        Assert.True(stats.Converged.Single());
        Assert.True(diff <= 1e-3, $"imputed tensor differs from the reference by {diff:E2}");
    }

    [Fact]
    public void PerPercentileScoresAndSummariesMatchTheReference()
    {
        using var scope = torch.NewDisposeScope();
        var item = MetricFixtures.Item("dog", 224, 224, new float[224 * 224]);
        var units = Methods.Select(_ => new EvaluationUnit(item, 537, null, 537)).ToArray();
        var inputs = Input().expand(Methods.Length, 3, 224, 224).contiguous();
        var maps = torch.tensor(Methods.SelectMany(Map).ToArray(), new long[] { Methods.Length, 224, 224 });
        Tensor logits;
        using (torch.no_grad()) logits = fixture.Model.Forward(inputs);
        var batch = new MetricBatch
        {
            Model = fixture.Model, Inputs = inputs, Maps = maps, Units = units, CleanLogits = logits,
            Normalization = Normalization.ImageNet,
        };
        var watch = Stopwatch.StartNew();
        var opts = (string output) => new Dictionary<string, string> { ["noise"] = "0", ["output"] = output };
        var morf = new RoadMetric(opts("morf")).Evaluate(batch);
        output.WriteLine($"{Methods.Length} units × 18 imputations and forwards: {watch.Elapsed.TotalSeconds:F1} s");
        var lerf = new RoadMetric(opts("lerf")).Evaluate(batch);
        var combined = new RoadMetric(opts("combined")).Evaluate(batch);

        // road.csv: target, method, percentile, morf, lerf.
        var rows = File.ReadAllLines(Path.Combine(Road, "road.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(Road, "road-summary.json")));
        double worst = 0;
        for (int m = 0; m < Methods.Length; m++)
        {
            var mine = rows.Where(r => r[1] == Methods[m]).ToArray();
            Assert.Equal(9, mine.Length);
            for (int j = 0; j < 9; j++)
            {
                Assert.Equal((j + 1) * 10, int.Parse(mine[j][2], CultureInfo.InvariantCulture));
                double refMorf = double.Parse(mine[j][3], CultureInfo.InvariantCulture), refLerf = double.Parse(mine[j][4], CultureInfo.InvariantCulture);
                worst = Math.Max(worst, Math.Max(Math.Abs(morf[m].Curve![j] - refMorf), Math.Abs(lerf[m].Curve![j] - refLerf)));
                Assert.True(Math.Abs(morf[m].Curve![j] - refMorf) <= 1e-3, $"{Methods[m]} MoRF p{(j + 1) * 10}: {morf[m].Curve![j]:F6} vs {refMorf:F6}");
                Assert.True(Math.Abs(lerf[m].Curve![j] - refLerf) <= 1e-3, $"{Methods[m]} LeRF p{(j + 1) * 10}: {lerf[m].Curve![j]:F6} vs {refLerf:F6}");
            }
            var s = summary.RootElement.GetProperty(Methods[m] + "@537");
            double refCombined = s.GetProperty("combined").GetDouble();
            output.WriteLine($"{Methods[m]}: morf {morf[m].Value:F6} (ref {s.GetProperty("morf_average").GetDouble():F6}), " +
                $"lerf {lerf[m].Value:F6} (ref {s.GetProperty("lerf_average").GetDouble():F6}), combined {combined[m].Value:F6} (ref {refCombined:F6})");
            Assert.Equal(s.GetProperty("morf_average").GetDouble(), morf[m].Value, 3);
            Assert.Equal(s.GetProperty("lerf_average").GetDouble(), lerf[m].Value, 3);
            Assert.True(Math.Abs(combined[m].Value - refCombined) <= 1e-3, $"{Methods[m]} combined {combined[m].Value:F6} vs {refCombined:F6}");
            worst = Math.Max(worst, Math.Abs(combined[m].Value - refCombined));
        }
        output.WriteLine($"worst |Δ| over per-percentile scores and combined: {worst:E2}");
    }
}
