using GuidedCam.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Tests.TestSupport;

/// <summary>Comparisons against reference arrays that report the measured error.</summary>
public static class TensorAssert
{
    /// <summary>Loads a golden .npy as a tensor of its stored shape.</summary>
    public static Tensor Npy(string path)
    {
        var a = GuidedCam.Core.Npy.ReadFloat32(path);
        return torch.tensor(a.Data, a.Shape);
    }

    public static double MaxAbsDiff(Tensor actual, Tensor expected)
    {
        using var scope = torch.NewDisposeScope();
        Assert.Equal(expected.numel(), actual.numel());
        return (actual.detach().cpu().reshape(-1) - expected.cpu().reshape(-1)).abs().max().ToDouble();
    }

    public static double MaxAbs(Tensor t)
    {
        using var scope = torch.NewDisposeScope();
        return t.detach().cpu().abs().max().ToDouble();
    }

    /// <summary>max |actual − expected| ≤ tolerance · max |expected|; returns the relative error.</summary>
    public static double CloseRelative(Tensor actual, Tensor expected, double tolerance, string what)
    {
        double diff = MaxAbsDiff(actual, expected);
        double scale = MaxAbs(expected);
        double rel = diff / Math.Max(scale, 1e-30);
        Assert.True(rel <= tolerance, $"{what}: max|Δ| = {diff:G3}, relative to max|expected| = {scale:G4} that is {rel:G3} > {tolerance:G3}");
        return rel;
    }

    /// <summary>max |actual − expected| ≤ tolerance; returns the error.</summary>
    public static double CloseAbsolute(Tensor actual, Tensor expected, double tolerance, string what)
    {
        double diff = MaxAbsDiff(actual, expected);
        Assert.True(diff <= tolerance, $"{what}: max|Δ| = {diff:G3} > {tolerance:G3}");
        return diff;
    }
}
