using GuidedCam.Core;
using GuidedCam.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Tests.Methods;

/// <summary>
/// Methods on <see cref="TinyLinearClassifier"/>, where A and G are known exactly, against maps
/// computed by hand (each expected value's derivation is in the comment next to it).
/// </summary>
public sealed class KnownAnswerTests
{
    // A (one sample, K = 2, 2×2): A_0 = [[1,2],[3,4]], A_1 = [[4,0],[0,0]]. The input repeats each
    // value over a 2×2 block, so avg_pool2d(x, 2) gives A exactly.
    private static readonly float[,,] A = { { { 1, 2 }, { 3, 4 } }, { { 4, 0 }, { 0, 0 } } };

    // W row 0 (class 0) = G for target 0: G_0 = [[1,1],[1,1]], G_1 = [[-2,0],[0,-2]].
    // W row 1 (class 1): G_0 = [[0,0],[0,1]], G_1 = [[1,1],[1,1]].
    private static readonly float[,] W =
    {
        { 1, 1, 1, 1, -2, 0, 0, -2 },
        { 0, 0, 0, 1, 1, 1, 1, 1 },
    };

    private static Tensor Input(float[,,] a)
    {
        int k = a.GetLength(0), h = a.GetLength(1), w = a.GetLength(2);
        var x = new float[k * 2 * h * 2 * w];
        for (int c = 0; c < k; c++)
            for (int i = 0; i < 2 * h; i++)
                for (int j = 0; j < 2 * w; j++)
                    x[(c * 2 * h + i) * 2 * w + j] = a[c, i / 2, j / 2];
        return torch.tensor(x, new long[] { 1, k, 2 * h, 2 * w });
    }

    private static SaliencyResult Run(string id, long target, IReadOnlyDictionary<string, string>? options = null, Tensor? input = null, int seed = 0)
    {
        TestSetup.Torch();
        using var model = new TinyLinearClassifier(W);
        var x = input ?? Input(A);
        return MethodRegistry.BuiltIn.Create(id, options).Explain(new SaliencyRequest
        {
            Model = model, Input = x, Targets = Enumerable.Repeat(target, (int)x.shape[0]).ToArray(), Seed = seed,
        });
    }

    private static void AssertClose(float[] expected, Tensor actual, double tol)
    {
        var got = actual.reshape(-1).data<float>().ToArray();
        Assert.Equal(expected.Length, got.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - got[i]) <= tol, $"element {i}: expected {expected[i]}, got {got[i]}");
    }

    [Fact]
    public void Gradcam_low_res_and_final_map_by_hand()
    {
        using var scope = torch.NewDisposeScope();
        var r = Run("gradcam", 0);
        // w = (mean G_0, mean G_1) = (1, -1); raw = A_0 - A_1 = [[-3,2],[3,4]].
        AssertClose(new float[] { -3, 2, 3, 4 }, r.LowRes!, 1e-6);
        // ReLU → [[0,2],[3,4]], min-max → [[0,.5],[.75,1]]; bilinear ×2 with half-pixel centres gives,
        // per axis, out = (v0, .75v0+.25v1, .25v0+.75v1, v1); rows first then columns:
        // row [0,.5] → [0,.125,.375,.5]; row [.75,1] → [.75,.8125,.9375,1]; then the middle rows
        // .75/.25 and .25/.75 mixes of those. Min 0 and max 1 already, so step 5 changes nothing.
        AssertClose(new float[]
        {
            0f, 0.125f, 0.375f, 0.5f,
            0.1875f, 0.296875f, 0.515625f, 0.625f,
            0.5625f, 0.640625f, 0.796875f, 0.875f,
            0.75f, 0.8125f, 0.9375f, 1f,
        }, r.Maps, 1e-6);
        Assert.Equal(1, r.ForwardPasses);
        Assert.Equal(1, r.BackwardPasses);
    }

    [Fact]
    public void Hirescam_and_layercam_by_hand()
    {
        using var scope = torch.NewDisposeScope();
        // hirescam: Σ_k G_k ⊙ A_k = A_0 + [[-2·4, 0],[0, -2·0]] = [[-7,2],[3,4]].
        AssertClose(new float[] { -7, 2, 3, 4 }, Run("hirescam", 0).LowRes!, 1e-6);
        // layercam: Σ_k relu(G_k) ⊙ A_k = A_0 + 0 = [[1,2],[3,4]].
        AssertClose(new float[] { 1, 2, 3, 4 }, Run("layercam", 0).LowRes!, 1e-6);
        // class 1: hirescam = [[0,0],[0,4]] + A_1 = [[4,0],[0,4]].
        AssertClose(new float[] { 4, 0, 0, 4 }, Run("hirescam", 1).LowRes!, 1e-6);
    }

    [Fact]
    public void Ablationcam_by_hand_with_one_channel_per_rerun()
    {
        using var scope = torch.NewDisposeScope();
        var r = Run("ablationcam", 0, new Dictionary<string, string> { ["batch-size"] = "1" });
        // min(A) = 0 → ablated channels are set to 0. y = Σ G·A = (1+2+3+4) + (-2·4) = 2.
        // y_0 = -8 (channel 0 gone) → w_0 = (2 - (-8))/2 = 5; y_1 = 10 → w_1 = (2 - 10)/2 = -4.
        // raw = 5·A_0 - 4·A_1 = [[5-16, 10],[15, 20]] = [[-11,10],[15,20]].
        AssertClose(new float[] { -11, 10, 15, 20 }, r.LowRes!, 1e-5);
        // 1 forward for A and y, then one prefix run per chunk: K = 2 chunks of 1.
        Assert.Equal(3, r.ForwardPasses);
        Assert.Equal(0, r.BackwardPasses);
    }

    [Fact]
    public void Chunked_methods_do_not_depend_on_batch_size_and_count_their_chunks()
    {
        using var scope = torch.NewDisposeScope();
        // Score-CAM and Ablation-CAM split the K = 2 channels into chunks of `batch-size`; the map must
        // not change, and each chunk is one more network invocation: 1 + ⌈2/1⌉ = 3 or 1 + ⌈2/32⌉ = 2.
        foreach (var id in new[] { "scorecam", "ablationcam" })
        {
            var one = Run(id, 1, new Dictionary<string, string> { ["batch-size"] = "1" });
            var all = Run(id, 1);
            Assert.Equal(3, one.ForwardPasses);
            Assert.Equal(2, all.ForwardPasses);
            Assert.Equal(0, all.BackwardPasses);
            double diff = (one.LowRes! - all.LowRes!).abs().max().item<float>();
            Assert.True(diff <= 1e-5 * all.LowRes!.abs().max().item<float>(), $"{id}: batch-size changed the map by {diff}");
        }
    }

    [Fact]
    public void Ablationcam_min_sets_an_ablated_channel_to_min_minus_1e7()
    {
        using var scope = torch.NewDisposeScope();
        // ablation-value min: A_1 = [[3,-1],[-1,-1]], min(A) = -1 and an ablated channel is set to v = -1 - 1e7 at
        // every pixel. Class 1 (G_0 = [[0,0],[0,1]], G_1 = ones): y = 4 + (3-1-1-1) = 4.
        // y_0 = v + ΣA_1 = -10000001 → w_0 = (4 + 10000001)/4 = 2500001.25;
        // y_1 = 4 + 4v = -40000000 → w_1 = (4 + 40000000)/4 = 10000001.
        // raw(0,0) = w_0·1 + w_1·3 = 32500004.25; raw(1,1) = w_0·4 - w_1 = 4 (all exact in float32 but
        // the last sum, whose spacing at 3.25e7 is 2: hence the 1e-6 relative bound).
        var a = new float[,,] { { { 1, 2 }, { 3, 4 } }, { { 3, -1 }, { -1, -1 } } };
        var r = Run("ablationcam", 1, new Dictionary<string, string> { ["ablation-value"] = "min" }, input: Input(a));
        var raw = r.LowRes!.reshape(-1).data<float>().ToArray();
        Assert.Equal(32500004.25, raw[0], 32500004.25 * 1e-6);
        Assert.Equal(4.0, raw[3], 0.5);
    }

    [Fact]
    public void Ablationcam_zero_sets_an_ablated_channel_to_0_on_a_signed_layer_too()
    {
        using var scope = torch.NewDisposeScope();
        // Default ablation-value zero, same A and class 1 as above: y = 4; y_0 = 0 + ΣA_1 = 0 → w_0 = (4 − 0)/4 = 1;
        // y_1 = 4 + 0 = 4 → w_1 = 0. raw = A_0 = [[1,2],[3,4]], exactly.
        var a = new float[,,] { { { 1, 2 }, { 3, 4 } }, { { 3, -1 }, { -1, -1 } } };
        var raw = Run("ablationcam", 1, input: Input(a)).LowRes!.reshape(-1).data<float>().ToArray();
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, raw);
    }

    [Fact]
    public void Center_baseline_is_the_analytic_gaussian()
    {
        using var scope = torch.NewDisposeScope();
        TestSetup.Torch();
        var r = MethodRegistry.BuiltIn.Create("center").Explain(new SaliencyRequest
        {
            Model = new TinyLinearClassifier(W), Input = torch.zeros(2, 3, 4, 4), Targets = new long[] { 0, 1 },
        });
        // 4×4, σ = 1, centre (1.5, 1.5). Corners d² = 4.5 (the minimum → 0), the four middle pixels
        // d² = 0.5 (the maximum → 1); pixel (0,1) has d² = 2.5, so after min-max
        // (e^-1.25 - e^-2.25)/(e^-0.25 - e^-2.25) = 1/(1 + e).
        var m = r.Maps[1].reshape(-1).data<float>().ToArray();
        Assert.Equal(0.0, m[0], 1e-6);
        Assert.Equal(1.0, m[5], 1e-6);
        Assert.Equal(1.0 / (1.0 + Math.E), m[1], 1e-6);
        Assert.Equal(0, r.ForwardPasses);
        Assert.True(MethodRegistry.BuiltIn.Create("center").IsBaseline);
    }

    [Fact]
    public void Random_baseline_is_deterministic_per_sample_and_seed()
    {
        using var scope = torch.NewDisposeScope();
        var x1 = Input(A);
        var x2 = Input(new float[,,] { { { 0, 1 }, { 5, 2 } }, { { 1, 3 }, { 2, 2 } } });
        var alone = Run("random", 0, input: x1, seed: 7);
        var again = Run("random", 0, input: x1, seed: 7);
        var batched = Run("random", 0, input: torch.cat(new[] { x2, x1 }), seed: 7);
        var otherSeed = Run("random", 0, input: x1, seed: 8);
        // The same image, target and seed give the same weights in any batch position (so bit-equal raw maps).
        Assert.Equal(alone.LowRes!.data<float>().ToArray(), again.LowRes!.data<float>().ToArray());
        Assert.Equal(alone.LowRes!.data<float>().ToArray(), batched.LowRes![1].data<float>().ToArray());
        // Another seed draws other weights: raw = w_0 A_0 + w_1 A_1 changes (w ~ U(-1,1) over 2 channels,
        // so a difference above 1e-3 somewhere is certain unless two draws coincide to 1e-4).
        double diff = (alone.LowRes! - otherSeed.LowRes!).abs().max().item<float>();
        Assert.True(diff > 1e-3, $"seeds 7 and 8 gave the same random map (max difference {diff})");
        // Weights in [-1, 1]: |raw| ≤ Σ_k |A_k| pixel-wise, at most 5 here (pixel (0,0): 1 + 4).
        Assert.True(alone.LowRes!.abs().max().item<float>() <= 5f);
        Assert.Equal(0, alone.BackwardPasses);
        Assert.True(MethodRegistry.BuiltIn.Create("random").IsBaseline);
    }

    [Fact]
    public void Registry_has_the_ten_methods_and_four_baselines()
    {
        // docs/spec/methods.md: ten methods and the sanity baselines random, center, hirescam, gradcam-elementwise.
        string[] ten = { "gradcam", "gradcampp", "xgradcam", "scorecam", "ablationcam", "eigencam", "eigengradcam", "layercam", "fullgrad", "guidedcam" };
        string[] baselines = { "random", "center", "hirescam", "gradcam-elementwise" };
        Assert.Equal(ten.Concat(baselines).OrderBy(s => s), MethodRegistry.BuiltIn.Ids.OrderBy(s => s));
        foreach (var id in ten) Assert.False(MethodRegistry.BuiltIn.Create(id).IsBaseline, id);
        foreach (var id in baselines) Assert.True(MethodRegistry.BuiltIn.Create(id).IsBaseline, id);
        Assert.Equal("32", MethodRegistry.BuiltIn.Create("scorecam").Options["batch-size"]);
        Assert.Equal("32", MethodRegistry.BuiltIn.Create("ablationcam").Options["batch-size"]);
        var e = Assert.Throws<ArgumentException>(() => MethodRegistry.BuiltIn.Create("scorecam", new Dictionary<string, string> { ["batchsize"] = "8" }));
        Assert.Contains("batch-size", e.Message);
        var bad = Assert.Throws<ArgumentException>(() => MethodRegistry.BuiltIn.Create("ablationcam", new Dictionary<string, string> { ["batch-size"] = "0" }));
        Assert.Contains("ablationcam.batch-size", bad.Message);
    }
}
