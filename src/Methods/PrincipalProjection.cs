using GuidedCam.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Methods;

/// <summary>
/// The projection Eigen-CAM and EigenGrad-CAM share (Muhammad &amp; Yeasin 2020; pytorch-grad-cam
/// utils/svd_on_activations.py get_2d_projection): per sample, X = the K×h×w tensor reshaped to
/// (h·w)×K, each column centred over the pixels, v = first right singular vector of X, map = X·v.
/// </summary>
public static class PrincipalProjection
{
    /// <summary>
    /// Below this ratio ‖s‖ / (√K·‖X‖_F) the centred channel sum s carries no spatial signal and its
    /// sign against the map is rounding noise (../shared/spec/METHODS.md, row eigencam). Measured on
    /// the golden cases: 0.15–0.40 on CNN layers, 1e-8 on the ViT's LayerNorm output.
    /// </summary>
    public const double ChannelSumSignalRatio = 1e-4;

    /// <summary>
    /// N×K×h×w → N×h×w. NaN entries count as 0 (as the reference). Computed in float64: the golden
    /// maps were made with a float32 SVD, and float64 keeps our side of the comparison from adding its
    /// own rounding. The SVD sign is arbitrary; <see cref="Orient"/> fixes it.
    /// </summary>
    public static Tensor FirstComponentMap(Tensor t)
    {
        using var scope = torch.NewDisposeScope();
        long n = t.shape[0], k = t.shape[1], h = t.shape[2], w = t.shape[3];
        var x = torch.nan_to_num(t.to(ScalarType.Float64), 0.0);
        var flat = x.reshape(n, k, h * w).transpose(1, 2);                 // N × hw × K
        var centred = flat - flat.mean(new long[] { 1 }, keepdim: true);
        var (_, _, vh) = torch.linalg.svd(centred, fullMatrices: false);   // vh: N × min(hw,K) × K
        var v = vh.select(1, 0).unsqueeze(-1);                             // N × K × 1
        var projection = centred.matmul(v).squeeze(-1);                    // N × hw
        return scope.MoveToOuter(Orient(projection, centred).reshape(n, h, w));
    }

    /// <summary>
    /// The sign rule of the spec, which no rounding can flip. s = X·1, the centred channel sum (one value
    /// per pixel). Where ‖s‖ &gt; 1e-4·√K·‖X‖_F the map is flipped so that map·s ≥ 0 (the reference's
    /// intent: the map agrees with Σ_k A_k). Otherwise s is constant up to rounding (a LayerNorm output
    /// with γ ≈ 1, β ≈ 0 sums to a constant over channels) and its sign would change with the thread
    /// count or the CPU's kernels, so the map is flipped so that its pixel of largest |map| is positive;
    /// of equal |map| the first in row-major order counts (argmax returns the first maximum).
    /// <paramref name="projection"/> N × hw, <paramref name="centred"/> N × hw × K.
    /// </summary>
    public static Tensor Orient(Tensor projection, Tensor centred)
    {
        using var scope = torch.NewDisposeScope();
        long k = centred.shape[2];
        var s = centred.sum(2);                                            // N × hw
        var sNorm = s.norm(1, keepdim: true);                              // N × 1
        var xNorm = centred.flatten(1).norm(1, keepdim: true);             // N × 1
        var informative = sNorm > xNorm * (ChannelSumSignalRatio * Math.Sqrt(k));
        var dot = (projection * s).sum(1, keepdim: true);
        var peak = projection.gather(1, projection.abs().argmax(1, keepdim: true));
        var negative = torch.where(informative, dot < 0, peak < 0);
        var sign = torch.where(negative, torch.full_like(dot, -1.0), torch.ones_like(dot));
        return scope.MoveToOuter(projection * sign);
    }
}
