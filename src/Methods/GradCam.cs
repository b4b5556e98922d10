using GuidedCam.Core;
using static TorchSharp.torch;

namespace GuidedCam.Methods;

/// <summary>Grad-CAM (Selvaraju et al. 2017): raw = Σ_k mean_ij(G_k) · A_k.</summary>
public sealed class GradCam(IReadOnlyDictionary<string, string>? options = null) : CamMethod(options)
{
    public override string Id => "gradcam";
    public override string DisplayName => "Grad-CAM (Selvaraju et al. 2017)";
    public override MethodFamily Family => MethodFamily.Gradient;
    protected override Tensor ComputeRaw(CamContext ctx) => WeightedSum(ChannelWeights.GradCam(ctx.G), ctx.Activations);

    /// <summary>The id as a constant, so Global-guidance CAM's `weights` option can name these channel weights.</summary>
    public const string MethodId = "gradcam";
}
