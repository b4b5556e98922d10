using GuidedCam.Metrics;
using TorchSharp;

namespace GuidedCam.Tests.Metrics;

/// <summary>Spearman's ρ and SSIM of the randomisation test on analytic and hand-computed cases.</summary>
public class MapSimilarityTests
{
    [Fact]
    public void Spearman_of_a_map_with_itself_is_one_and_with_reversed_ranks_minus_one()
    {
        float[] a = { 0.1f, 0.7f, 0.3f, 0.9f, 0.5f };
        float[] reversed = a.Select(v => 1 - v).ToArray(); // a strictly decreasing function reverses every rank
        Assert.Equal(1.0, MapSimilarity.Spearman(a, a, out bool u1), 12);
        Assert.Equal(-1.0, MapSimilarity.Spearman(a, reversed, out bool u2), 12);
        Assert.False(u1 || u2);
    }

    [Fact]
    public void Spearman_small_case_by_hand()
    {
        // Ranks (1,2,3,4) and (1,3,2,4): Σd² = 0 + 1 + 1 + 0 = 2, ρ = 1 − 6·2/(4·(16 − 1)) = 0.8.
        Assert.Equal(0.8, MapSimilarity.Spearman(new[] { 1f, 2f, 3f, 4f }, new[] { 10f, 30f, 20f, 40f }, out _), 12);
    }

    [Fact]
    public void Ties_share_their_average_rank()
    {
        // 3 appears twice at sorted places 3 and 4: both get 3.5 (scipy.stats.rankdata 'average').
        Assert.Equal(new[] { 3.5, 1.0, 3.5, 2.0 }, MapSimilarity.Ranks(new[] { 3f, 1f, 3f, 2f }));
        // With ties, ρ is the Pearson correlation of the average ranks: (1, 2.5, 2.5, 4) against (1, 2, 3, 4):
        // deviations (−1.5, 0, 0, 1.5) and (−1.5, −0.5, 0.5, 1.5): Σ = 4.5, √(4.5·5) = 4.7434 → ρ = 0.948683.
        Assert.Equal(4.5 / Math.Sqrt(4.5 * 5), MapSimilarity.Spearman(new[] { 1f, 2f, 2f, 3f }, new[] { 1f, 2f, 3f, 4f }, out _), 12);
    }

    [Fact]
    public void Constant_maps_have_no_rank_correlation_and_are_flagged()
    {
        float[] flat = { 0f, 0f, 0f, 0f }, varying = { 0f, 1f, 2f, 3f };
        Assert.Equal(0.0, MapSimilarity.Spearman(flat, varying, out bool one));
        Assert.Equal(1.0, MapSimilarity.Spearman(flat, flat, out bool both));
        Assert.True(one && both);
    }

    [Fact]
    public void Ssim_of_a_map_with_itself_is_one()
    {
        TestSetup.Torch();
        using var scope = torch.NewDisposeScope();
        var a = torch.rand(new long[] { 2, 12, 10 }, generator: new torch.Generator(3));
        var s = MapSimilarity.Ssim(a, a);
        Assert.All(s, v => Assert.Equal(1.0, v, 12));
    }

    [Fact]
    public void Ssim_hand_cases_on_one_window()
    {
        TestSetup.Torch();
        using var scope = torch.NewDisposeScope();
        // Constant 7×7 maps 0.5 and 0.6 (one window): variances and covariance are 0, so only the luminance
        // term is left: (2·0.5·0.6 + C1)/(0.5² + 0.6² + C1) with C1 = 0.01² = 0.6001/0.6101.
        var x = torch.full(new long[] { 1, 7, 7 }, 0.5, dtype: torch.ScalarType.Float32);
        var y = torch.full(new long[] { 1, 7, 7 }, 0.6, dtype: torch.ScalarType.Float32);
        Assert.Equal(0.6001 / 0.6101, MapSimilarity.Ssim(x, y)[0], 6);

        // 7×7 checkerboard (25 ones) against its complement: μx = 25/49, μy = 24/49, sample variances
        // (Σ(x−μ)²/48) both 25/98, covariance −25/98; C1 = 1e-4, C2 = 9e-4 (K1 = 0.01, K2 = 0.03, L = 1):
        // SSIM = (2μxμy + C1)(2σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2)) = −0.99564867 (by hand, Python floats).
        var board = Enumerable.Range(0, 49).Select(i => (i / 7 + i % 7) % 2 == 0 ? 1f : 0f).ToArray();
        var b = torch.tensor(board, new long[] { 1, 7, 7 });
        double mx = 25.0 / 49, my = 24.0 / 49, v = 25.0 / 98, c1 = 1e-4, c2 = 9e-4;
        double expected = (2 * mx * my + c1) * (-2 * v + c2) / ((mx * mx + my * my + c1) * (2 * v + c2));
        Assert.Equal(-0.99564867, expected, 7);
        Assert.Equal(expected, MapSimilarity.Ssim(b, 1 - b)[0], 6);
    }
}
