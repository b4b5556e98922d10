using GuidedCam.Metrics;
using static GuidedCam.Tests.TestSupport.MetricFixtures;
using static GuidedCam.Tests.TestSupport.ToyClassifier;

namespace GuidedCam.Tests.Metrics;

/// <summary>
/// Deletion and insertion (RISE) on a 2×3 toy image, logit₀ = Σ channel 0 (so p₀ = σ(Σ x₀)).
/// x₀ (flat) = [1, 2, 3, −1, 0.5, 2] (Σ = 7.5); S = [0.9, 0.1, 0.5, 0.5, 0, 1].
/// Ranking by S descending, ties by ascending flat index: 5, 0, 2, 3, 1, 4 (2 before 3 at S = 0.5).
/// </summary>
public class CausalMetricTests
{
    private static readonly float[] X0 = { 1, 2, 3, -1, 0.5f, 2 };
    private static readonly float[] S = { 0.9f, 0.1f, 0.5f, 0.5f, 0, 1 };

    private static (ToyClassifier Model, MetricBatch Batch) Setup(int items = 1)
    {
        TestSetup.Torch();
        var model = new ToyClassifier(new float[] { 1, 1, 1, 1, 1, 1 }, 2, 3);
        var units = Enumerable.Range(0, items).Select(i => Unit(Item($"i{i}", 2, 3, X0.Select(v => v + i).ToArray()))).ToArray();
        return (model, Batch(model, units, units.Select(_ => S).ToArray()));
    }

    private static Dictionary<string, string> Opt(params (string Key, string Value)[] kv) => kv.ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public void Deletion_with_zeros_substrate_and_step_4_matches_the_hand_curve_and_AUC()
    {
        var (_, batch) = Setup();
        var v = new DeletionMetric(Opt(("step", "4"))).Evaluate(batch).Single();
        // n = ceil(6/4) = 2 → 3 points. t1 deletes pixels 5, 0, 2, 3 → remaining x₀[1] + x₀[4] = 2.5; t2 deletes all → 0.
        double[] expected = { Sigmoid(7.5), Sigmoid(2.5), 0.5 };
        Assert.Equal(3, v.Curve!.Length);
        for (int t = 0; t < 3; t++) Assert.Equal(expected[t], v.Curve[t], 5);
        // AUC = (Σ a − a₀/2 − a₂/2)/2.
        Assert.Equal((expected.Sum() - expected[0] / 2 - expected[2] / 2) / 2, v.Value, 5);
    }

    [Fact]
    public void Deletion_ties_go_by_ascending_flat_index()
    {
        var (_, batch) = Setup();
        var v = new DeletionMetric(Opt(("step", "3"))).Evaluate(batch).Single();
        // t1 deletes 5, 0, 2 (2 before its tie 3) → remaining x₀[1] + x₀[3] + x₀[4] = 1.5; the other tie order would leave 5.5.
        Assert.Equal(Sigmoid(1.5), v.Curve![1], 5);
    }

    [Fact]
    public void Deletion_mean_substrate_uses_the_image_per_channel_mean()
    {
        var (_, batch) = Setup();
        var v = new DeletionMetric(Opt(("step", "3"), ("substrate", "mean"))).Evaluate(batch).Single();
        // channel-0 mean = 7.5/6 = 1.25; t1: 1.5 + 3·1.25 = 5.25; t2: 6·1.25 = 7.5.
        Assert.Equal(Sigmoid(5.25), v.Curve![1], 5);
        Assert.Equal(Sigmoid(7.5), v.Curve[2], 5);
    }

    [Theory]
    [InlineData("1", 7)]   // n = 6
    [InlineData("4", 3)]   // n = ceil(6/4) = 2
    [InlineData("5", 3)]   // n = ceil(6/5) = 2
    [InlineData("6", 2)]   // n = 1
    [InlineData("100", 2)] // n = 1: one step changes everything
    [InlineData("input-width", 3)] // default: step = width 3 → n = 2
    public void Step_sets_the_number_of_curve_points(string step, int points)
    {
        var (_, batch) = Setup();
        Assert.Equal(points, new DeletionMetric(Opt(("step", step))).Evaluate(batch).Single().Curve!.Length);
        Assert.Equal(points, new InsertionMetric(Opt(("step", step))).Evaluate(batch).Single().Curve!.Length);
    }

    [Fact]
    public void AUC_is_the_RISE_trapezoid_on_a_recorded_curve()
    {
        // (1 + 0.5 + 0.25 + 0 − 1/2 − 0/2)/3 = 1.25/3; the trapezoid rule with spacing 1/3 gives the same.
        double[] curve = { 1, 0.5, 0.25, 0 };
        double trapezoid = 0;
        for (int t = 0; t < 3; t++) trapezoid += (curve[t] + curve[t + 1]) / 2 / 3;
        Assert.Equal(1.25 / 3, CausalCurve.Auc(curve), 12);
        Assert.Equal(trapezoid, CausalCurve.Auc(curve), 12);
        var (_, batch) = Setup();
        var v = new InsertionMetric().Evaluate(batch).Single();
        Assert.Equal(CausalCurve.Auc(v.Curve!), v.Value, 12);
    }

    [Fact]
    public void Gaussian_kernel_matches_RISE_gkern()
    {
        // Reference: a plain-Python re-implementation of scipy.ndimage.gaussian_filter(delta 11×11, σ = 5)
        // (radius int(4σ + 0.5) = 20, mode 'reflect'): k[5,5] = 0.0088326282, k[0,0] = 0.0077366354,
        // k[0,5] = 0.0082664880; the kernel sums to 1.
        float[] k = CausalCurve.GaussianKernel();
        Assert.Equal(121, k.Length);
        Assert.Equal(0.0088326282, k[5 * 11 + 5], 7);
        Assert.Equal(0.0077366354, k[0], 7);
        Assert.Equal(0.0082664880, k[5], 7);
        Assert.Equal(1.0, k.Sum(v => (double)v), 5);
    }

    [Fact]
    public void Insertion_starts_from_the_blur_and_matches_the_hand_curve()
    {
        var (_, batch) = Setup();
        var v = new InsertionMetric(Opt(("step", "3"))).Evaluate(batch).Single();
        // Blur by hand: B_p = Σ_q k[r_q − r_p + 5, c_q − c_p + 5] · x₀[q] (zero padding: only image pixels q).
        float[] k = CausalCurve.GaussianKernel();
        var blur = new double[6];
        for (int p = 0; p < 6; p++)
            for (int q = 0; q < 6; q++)
                blur[p] += k[(q / 3 - p / 3 + 5) * 11 + (q % 3 - p % 3 + 5)] * X0[q];
        // t0: all blurred; t1: pixels 5, 0, 2 are x, the rest blurred; t2: x (logit 7.5).
        double t0 = blur.Sum();
        double t1 = X0[5] + X0[0] + X0[2] + blur[1] + blur[3] + blur[4];
        Assert.Equal(Sigmoid(t0), v.Curve![0], 5);
        Assert.Equal(Sigmoid(t1), v.Curve[1], 5);
        Assert.Equal(Sigmoid(7.5), v.Curve[2], 5);
    }

    [Fact]
    public void Deletion_blur_substrate_ends_where_insertion_starts()
    {
        var (_, batch) = Setup();
        var del = new DeletionMetric(Opt(("step", "3"), ("substrate", "blur"))).Evaluate(batch).Single();
        var ins = new InsertionMetric(Opt(("step", "3"))).Evaluate(batch).Single();
        // Deleting everything into the blur gives the blurred image, insertion's start; both ends meet at x.
        Assert.Equal(ins.Curve![0], del.Curve![2], 6);
        Assert.Equal(del.Curve[0], ins.Curve[2], 6);
    }

    [Fact]
    public void Curves_do_not_depend_on_batch_size_and_use_n_plus_one_images_per_item()
    {
        var (model, batch) = Setup(items: 3);
        long before = model.ImagesForwarded;
        var reference = new DeletionMetric(Opt(("step", "1"), ("batch-size", "64"))).Evaluate(batch);
        // 3 items × (6 + 1) points, all in one forward call.
        Assert.Equal(21, model.ImagesForwarded - before);
        foreach (string bs in new[] { "1", "4" }) // 4 splits items across forward calls
        {
            var other = new DeletionMetric(Opt(("step", "1"), ("batch-size", bs))).Evaluate(batch);
            for (int i = 0; i < 3; i++) Assert.Equal(reference[i].Curve!, other[i].Curve!);
        }
    }

    [Fact]
    public void Deletion_of_an_all_zero_map_is_flagged_and_finite()
    {
        TestSetup.Torch();
        var model = new ToyClassifier(new float[] { 1, 1, 1, 1, 1, 1 }, 2, 3);
        var batch = Batch(model, new[] { Unit(Item("z", 2, 3, X0)) }, new[] { Zeros(6) });
        var v = new DeletionMetric().Evaluate(batch).Single();
        // All ties: deleted in index order 0, 1, 2 then 3, 4, 5 → remaining x₀[3..5] = 1.5, then 0.
        Assert.True(v.Flagged);
        Assert.Equal(Sigmoid(1.5), v.Curve![1], 5);
        Assert.True(double.IsFinite(v.Value));
    }
}
