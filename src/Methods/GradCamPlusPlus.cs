using GuidedCam.Core;
using static TorchSharp.torch;

namespace GuidedCam.Methods;

/// <summary>
/// Grad-CAM++ (Chattopadhyay et al. 2018): raw = Σ_k w_k A_k with the closed-form α weights of
/// <see cref="ChannelWeights.GradCamPlusPlus"/> (pytorch-grad-cam grad_cam_plusplus.py, eps 1e-6).
/// </summary>
public sealed class GradCamPlusPlus(IReadOnlyDictionary<string, string>? options = null) : CamMethod(options)
{
    public override string Id => "gradcampp";
    public override string DisplayName => "Grad-CAM++ (Chattopadhyay et al. 2018)";
    public override MethodFamily Family => MethodFamily.Gradient;
    protected override Tensor ComputeRaw(CamContext ctx) =>
        WeightedSum(ChannelWeights.GradCamPlusPlus(ctx.Activations, ctx.G), ctx.Activations);

    /// <summary>The id as a constant, so Global-guidance CAM's `weights` option can name these channel weights.</summary>
    public const string MethodId = "gradcampp";
}
