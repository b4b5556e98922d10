using GuidedCam.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Methods;

/// <summary>Per-channel weights shared by several methods (N×K from A and G, both N×K×h×w).</summary>
public static class ChannelWeights
{
    /// <summary>Grad-CAM: w_k = mean_ij G_kij (Selvaraju et al. 2017, Eq. 1).</summary>
    public static Tensor GradCam(Tensor g) => g.mean(new long[] { 2, 3 });

    /// <summary>
    /// Grad-CAM++ (Chattopadhyay et al. 2018, Eq. 19 with the exponential closed form of the
    /// reference): α = G²/(2G² + S·G³ + 1e-6) with S_k = Σ_ab A_kab, α = 0 where G = 0;
    /// w_k = Σ_ij α·ReLU(G). Epsilon as pytorch-grad-cam grad_cam_plusplus.py.
    /// </summary>
    public static Tensor GradCamPlusPlus(Tensor a, Tensor g)
    {
        var g2 = g.pow(2);
        var g3 = g2 * g;
        var sumA = a.sum(new long[] { 2, 3 }, keepdim: true);
        var alpha = g2 / (2 * g2 + sumA * g3 + 1e-6);
        alpha = torch.where(g != 0, alpha, torch.zeros_like(alpha));
        return (alpha * nn.functional.relu(g)).sum(new long[] { 2, 3 });
    }

    /// <summary>XGrad-CAM (Fu et al. 2020, Eq. 8): w_k = Σ_ij G·A / (Σ_ij A + 1e-7).</summary>
    public static Tensor XGradCam(Tensor a, Tensor g)
    {
        var sumA = a.sum(new long[] { 2, 3 });
        return (g * a).sum(new long[] { 2, 3 }) / (sumA + 1e-7);
    }
}
