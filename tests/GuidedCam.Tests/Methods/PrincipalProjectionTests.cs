using GuidedCam.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Tests.Methods;

/// <summary>
/// The Eigen-CAM sign rule (../shared/spec/METHODS.md, row eigencam): the centred channel sum s decides
/// where ‖s‖ &gt; 1e-4·√K·‖X‖_F, otherwise the pixel of largest |map| is made positive. Both branches on
/// constructed activations, and independence from libtorch's thread count.
/// </summary>
public sealed class PrincipalProjectionTests
{
    public PrincipalProjectionTests() => TestSetup.Torch();

    /// <summary>A LayerNorm-like layer: every pixel's K-vector has zero mean, so Σ_k A_k is 0 up to rounding.</summary>
    private static Tensor ConstantChannelSum(long seed)
    {
        var g = new Generator((ulong)seed);
        var a = torch.randn(new long[] { 3, 32, 7, 7 }, generator: g, dtype: ScalarType.Float32);
        return (a - a.mean(new long[] { 1 }, keepdim: true)) / a.std(1, keepdim: true);
    }

    /// <summary>An ordinary post-ReLU layer: non-negative, with a bright blob, so Σ_k A_k varies over pixels.</summary>
    private static Tensor OrdinaryLayer(long seed)
    {
        var g = new Generator((ulong)seed);
        var a = torch.rand(new long[] { 3, 32, 7, 7 }, generator: g, dtype: ScalarType.Float32);
        a[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(1, 3), TensorIndex.Slice(4, 6)] += 2f;
        return a;
    }

    private static (double Ratio, Tensor S) ChannelSum(Tensor a, int sample)
    {
        var x = a[sample].to(ScalarType.Float64).reshape(a.shape[1], -1).t();   // hw × K
        var centred = x - x.mean(new long[] { 0 }, keepdim: true);
        var s = centred.sum(1);
        return (s.norm().item<double>() / (Math.Sqrt(a.shape[1]) * centred.norm().item<double>()), s);
    }

    [Fact]
    public void Constant_channel_sum_makes_the_largest_pixel_positive_whatever_the_sign_of_the_input()
    {
        using var scope = torch.NewDisposeScope();
        var a = ConstantChannelSum(7);
        // The construction puts ‖s‖/(√K‖X‖_F) at rounding level (≈1e-8, far below the 1e-4 threshold).
        for (int i = 0; i < 3; i++) Assert.True(ChannelSum(a, i).Ratio < 1e-6, $"sample {i}: ratio {ChannelSum(a, i).Ratio:G3}");
        var map = PrincipalProjection.FirstComponentMap(a);
        var flipped = PrincipalProjection.FirstComponentMap(-a);
        for (int i = 0; i < 3; i++)
        {
            var flat = map[i].flatten();
            double peak = flat[flat.abs().argmax()].item<double>();
            Assert.True(peak > 0, $"sample {i}: pixel of largest |map| is {peak}");
        }
        // −A has the same principal axis; the rule does not look at the SVD's or the input's sign, so the maps agree.
        Assert.True((map - flipped).abs().max().item<double>() < 1e-9);
    }

    [Fact]
    public void Informative_channel_sum_orients_the_map_with_it()
    {
        using var scope = torch.NewDisposeScope();
        var a = OrdinaryLayer(3);
        var map = PrincipalProjection.FirstComponentMap(a);
        for (int i = 0; i < 3; i++)
        {
            var (ratio, s) = ChannelSum(a, i);
            Assert.True(ratio > 1e-2, $"sample {i}: ratio {ratio:G3} should be well above 1e-4");
            double dot = (map[i].flatten() * s).sum().item<double>();
            Assert.True(dot > 0, $"sample {i}: map·s = {dot}");
        }
        // Negating the activations negates s, so the map must flip with it: the first branch decides, not the peak.
        var negated = PrincipalProjection.FirstComponentMap(-a);
        Assert.True((map + negated).abs().max().item<double>() < 1e-9);
    }

    [Fact]
    public void Peak_ties_go_to_the_first_pixel_in_row_major_order()
    {
        using var scope = torch.NewDisposeScope();
        // Projection (+1, −1, 0, 0) over 4 pixels with s = 0: |map| ties between pixel 0 and 1, pixel 0 wins.
        var projection = torch.tensor(new double[] { -1, 1, 0, 0 }).reshape(1, 4);
        var centred = torch.zeros(1, 4, 2, dtype: ScalarType.Float64);
        var oriented = PrincipalProjection.Orient(projection, centred);
        Assert.Equal(new double[] { 1, -1, 0, 0 }, oriented.data<double>().ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void One_and_two_threads_give_the_same_map(bool constantChannelSum)
    {
        using var scope = torch.NewDisposeScope();
        var a = constantChannelSum ? ConstantChannelSum(11) : OrdinaryLayer(11);
        var one = TestSetup.WithThreads(1, () => PrincipalProjection.FirstComponentMap(a));
        var two = TestSetup.WithThreads(2, () => PrincipalProjection.FirstComponentMap(a));
        // Same sign and the same values up to float64 reduction order (the SVD's kernels may split differently).
        Assert.True((one - two).abs().max().item<double>() < 1e-9);
    }
}
