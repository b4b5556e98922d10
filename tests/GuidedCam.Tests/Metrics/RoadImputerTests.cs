using GuidedCam.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Tests.Metrics;

/// <summary>
/// The ROAD imputer against analytic answers and against the reference's linear system solved directly
/// (dense Gaussian elimination here, scipy's spsolve in pytorch-grad-cam), and the percentile rule.
/// </summary>
public class RoadImputerTests
{
    private static readonly (int Dr, int Dc, double W)[] Neighbours =
    {
        (-1, -1, 1.0 / 12), (-1, 0, 1.0 / 6), (-1, 1, 1.0 / 12), (0, -1, 1.0 / 6),
        (0, 1, 1.0 / 6), (1, -1, 1.0 / 12), (1, 0, 1.0 / 6), (1, 1, 1.0 / 12),
    };

    private static (float[] Imputed, ImputationStats Stats) Impute(float[] image, bool[] removed, int channels, int h, int w)
    {
        TestSetup.Torch();
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(image, new long[] { 1, channels, h, w });
        var m = torch.tensor(removed, new long[] { 1, 1, h, w });
        var (imputed, stats) = NoisyLinearImputer.Impute(x, m);
        return (imputed.data<float>().ToArray(), stats);
    }

    /// <summary>
    /// The reference's system (pytorch-grad-cam metrics/road.py setup_sparse_system) for one channel,
    /// assembled the same way — diagonal −(1 − weights of the neighbours outside the image), +w for a
    /// removed neighbour, −w·x for a kept one on the right — and solved by Gaussian elimination with
    /// partial pivoting.
    /// </summary>
    private static double[] DirectSolve(float[] channel, bool[] removed, int h, int w)
    {
        var index = new int[h * w];
        var vars = new List<int>();
        for (int i = 0; i < h * w; i++)
        {
            index[i] = removed[i] ? vars.Count : -1;
            if (removed[i]) vars.Add(i);
        }
        int n = vars.Count;
        var a = new double[n, n + 1];
        for (int e = 0; e < n; e++)
        {
            int r = vars[e] / w, c = vars[e] % w;
            double diagonal = 1;
            foreach (var (dr, dc, wt) in Neighbours)
            {
                int rr = r + dr, cc = c + dc;
                if (rr < 0 || cc < 0 || rr >= h || cc >= w) { diagonal -= wt; continue; }
                int q = rr * w + cc;
                if (removed[q]) a[e, index[q]] = wt;
                else a[e, n] -= wt * channel[q];
            }
            a[e, e] = -diagonal;
        }
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int row = col + 1; row < n; row++) if (Math.Abs(a[row, col]) > Math.Abs(a[pivot, col])) pivot = row;
            for (int k = 0; k <= n; k++) (a[col, k], a[pivot, k]) = (a[pivot, k], a[col, k]);
            for (int row = 0; row < n; row++)
            {
                if (row == col || a[row, col] == 0) continue;
                double f = a[row, col] / a[col, col];
                for (int k = col; k <= n; k++) a[row, k] -= f * a[col, k];
            }
        }
        var full = channel.Select(v => (double)v).ToArray();
        for (int e = 0; e < n; e++) full[vars[e]] = a[e, n] / a[e, e];
        return full;
    }

    [Fact]
    public void Matches_the_reference_system_solved_directly_with_border_pixels_removed()
    {
        const int h = 11, w = 13, channels = 3;
        var rng = new Random(7);
        var image = Enumerable.Range(0, channels * h * w).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        // 60 % removed at random, corners and whole border stretches included.
        var removed = Enumerable.Range(0, h * w).Select(i => rng.NextDouble() < 0.6 || i < w || i % w == 0).ToArray();
        var (imputed, stats) = Impute(image, removed, channels, h, w);
        Assert.True(stats.Converged.Single());
        double worst = 0;
        for (int c = 0; c < channels; c++)
        {
            var direct = DirectSolve(image[(c * h * w)..((c + 1) * h * w)], removed, h, w);
            for (int i = 0; i < h * w; i++) worst = Math.Max(worst, Math.Abs(imputed[c * h * w + i] - direct[i]));
        }
        // Relative residual 1e-6 on a 143-pixel grid (condition number ~ 10²): the float32 output's rounding dominates.
        Assert.True(worst < 1e-5, $"max |Δ| from the direct solve {worst:E2}");
    }

    [Fact]
    public void A_linear_ramp_is_imputed_exactly()
    {
        // Interior pixels only: with all 8 neighbours present the weighted mean of a linear function
        // a·r + b·c + d is its value (the weights are symmetric), so the ramp solves the system.
        const int h = 12, w = 10;
        var image = new float[3 * h * w];
        for (int ch = 0; ch < 3; ch++)
            for (int r = 0; r < h; r++)
                for (int c = 0; c < w; c++)
                    image[(ch * h + r) * w + c] = 0.25f * r - 0.5f * c + ch;
        var removed = new bool[h * w];
        for (int r = 2; r < 10; r++) for (int c = 1; c < 8; c++) removed[r * w + c] = !(r == 5 && c == 4);
        var (imputed, _) = Impute(image.Select((v, i) => removed[i % (h * w)] ? 99f : v).ToArray(), removed, 3, h, w);
        for (int i = 0; i < image.Length; i++) Assert.Equal(image[i], imputed[i], 4);
    }

    [Fact]
    public void A_constant_stays_constant_even_at_the_border()
    {
        // A constant is the weighted mean of any subset of its neighbours, border or not.
        const int h = 9, w = 7;
        var removed = Enumerable.Range(0, h * w).Select(i => i % 5 != 0).ToArray();
        var image = Enumerable.Range(0, 3 * h * w).Select(i => removed[i % (h * w)] ? -3f : 1.5f).ToArray();
        var (imputed, _) = Impute(image, removed, 3, h, w);
        Assert.All(imputed, v => Assert.Equal(1.5, v, 5));
    }

    [Fact]
    public void Nothing_kept_gives_zero_as_the_reference_solve()
    {
        // All pixels removed: b = 0 and the reference's solver returns u = 0 (golden eigencam MoRF at p ≤ 60).
        var (imputed, stats) = Impute(Enumerable.Repeat(2f, 3 * 16).ToArray(), Enumerable.Repeat(true, 16).ToArray(), 3, 4, 4);
        Assert.All(imputed, v => Assert.Equal(0f, v));
        Assert.Equal(0, stats.Iterations);
    }

    [Fact]
    public void Threshold_is_NumPy_linear_percentile_and_MoRF_keeps_strictly_below()
    {
        // numpy.percentile([0, 1, 2, 3, 4], 30) = 1.2; ([0, 1, 2, 3], 50) = 1.5; ([5, 5, 5], 40) = 5.
        Assert.Equal(1.2, LinearPercentile.Of(new[] { 0f, 1, 2, 3, 4 }, 30), 12);
        Assert.Equal(1.5, LinearPercentile.Of(new[] { 0f, 1, 2, 3 }, 50), 12);
        Assert.Equal(5.0, LinearPercentile.Of(new[] { 5f, 5, 5 }, 40), 12);
        TestSetup.Torch();
        var map = new[] { 0f, 0.25f, 0.5f, 0.75f, 1f };
        // p = 50: threshold 0.5; MoRF keeps 0, 0.25 (strictly below) and removes 0.5, 0.75, 1.
        // LeRF: 1 − map = 1, 0.75, 0.5, 0.25, 0 → threshold 0.5, removes the first three pixels.
        var morf = RoadCurves.Threshold(map, 50, leastRelevantFirst: false);
        var lerf = RoadCurves.Threshold(map, 50, leastRelevantFirst: true);
        using var mask = RoadCurves.RemovedMask(torch.tensor(map.Concat(map).ToArray(), new long[] { 2, 1, 5 }), new[] { morf, lerf }, new[] { false, true });
        var removed = mask.data<bool>().ToArray();
        Assert.Equal(new[] { false, false, true, true, true, true, true, true, false, false }, removed);
    }
}
