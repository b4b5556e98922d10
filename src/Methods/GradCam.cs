using GuidedCam.Core;
using static TorchSharp.torch;

namespace GuidedCam.Methods;

/// <summary>Grad-CAM (Selvaraju et al. 2017): raw = Σ_k mean_ij(G_k) · A_k.</summary>
public sealed class GradCam(IReadOnlyDictionary<string, string>? options = null) : CamMethod(options)
{
    /// <summary>Also the name of these channel weights in Global-guidance CAM's `weights` option.</summary>
    public const string MethodId = "gradcam";
    public override string Id => MethodId;
    public override string DisplayName => "Grad-CAM (Selvaraju et al. 2017)";
    public override MethodFamily Family => MethodFamily.Gradient;
    protected override Tensor ComputeRaw(CamContext ctx) => WeightedSum(ChannelWeights.GradCam(ctx.G), ctx.Activations);
}
