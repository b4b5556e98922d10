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
    /// N×K×h×w → N×h×w. NaN entries count as 0 (as the reference). The SVD sign is arbitrary, so
    /// each map is flipped to correlate non-negatively with Σ_k t_k (docs/spec/methods.md sign rule). Since X·v
    /// has zero mean over pixels, the sign of its dot product with the centred channel sum is the sign
    /// of the Pearson correlation. Computed in float64: the golden maps were made with a float32 SVD,
    /// and float64 keeps our side of the comparison from adding its own rounding.
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
        var channelSum = x.sum(1).reshape(n, h * w);
        var reference = channelSum - channelSum.mean(new long[] { 1 }, keepdim: true);
        var dot = (projection * reference).sum(1, keepdim: true);
        var sign = torch.where(dot < 0, torch.full_like(dot, -1.0), torch.ones_like(dot));
        return scope.MoveToOuter((projection * sign).reshape(n, h, w));
    }
}
