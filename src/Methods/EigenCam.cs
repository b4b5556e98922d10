using GuidedCam.Core;
using static TorchSharp.torch;

namespace GuidedCam.Methods;

/// <summary>
/// Eigen-CAM (Muhammad &amp; Yeasin 2020): the first principal component of the activations,
/// class-agnostic and gradient-free (one forward pass, no backward).
/// </summary>
public sealed class EigenCam(IReadOnlyDictionary<string, string>? options = null) : CamMethod(options)
{
    public override string Id => "eigencam";
    public override string DisplayName => "Eigen-CAM (Muhammad & Yeasin 2020)";
    public override MethodFamily Family => MethodFamily.Activation;
    protected override bool NeedsGradients => false;
    protected override Tensor ComputeRaw(CamContext ctx) => PrincipalProjection.FirstComponentMap(ctx.Activations);
}
