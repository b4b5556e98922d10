using GuidedCam.Core;
using static TorchSharp.torch;

namespace GuidedCam.Methods;

/// <summary>
/// XGrad-CAM (Fu et al. 2020, Eq. 8): raw = Σ_k w_k A_k with w_k = Σ_ij G·A / (Σ_ij A + 1e-7)
/// (<see cref="ChannelWeights.XGradCam"/>, as pytorch-grad-cam xgrad_cam.py).
/// </summary>
public sealed class XGradCam(IReadOnlyDictionary<string, string>? options = null) : CamMethod(options)
{
    public override string Id => "xgradcam";
    public override string DisplayName => "XGrad-CAM (Fu et al. 2020)";
    public override MethodFamily Family => MethodFamily.Gradient;
    protected override Tensor ComputeRaw(CamContext ctx) =>
        WeightedSum(ChannelWeights.XGradCam(ctx.Activations, ctx.G), ctx.Activations);

    /// <summary>The id as a constant, so Global-guidance CAM's `weights` option can name these channel weights.</summary>
    public const string MethodId = "xgradcam";
}
