using GuidedCam.Core;
using static TorchSharp.torch;

namespace GuidedCam.Methods;

/// <summary>
/// Grad-CAM++ (Chattopadhyay et al. 2018): raw = Σ_k w_k A_k with the closed-form α weights of
/// <see cref="ChannelWeights.GradCamPlusPlus"/> (pytorch-grad-cam grad_cam_plusplus.py, eps 1e-6).
/// </summary>
public sealed class GradCamPlusPlus(IReadOnlyDictionary<string, string>? options = null) : CamMethod(options)
{
    /// <summary>Also the name of these channel weights in Global-guidance CAM's `weights` option.</summary>
    public const string MethodId = "gradcampp";
    public override string Id => MethodId;
    public override string DisplayName => "Grad-CAM++ (Chattopadhyay et al. 2018)";
    public override MethodFamily Family => MethodFamily.Gradient;
    protected override Tensor ComputeRaw(CamContext ctx) =>
        WeightedSum(ChannelWeights.GradCamPlusPlus(ctx.Activations, ctx.G), ctx.Activations);
}
