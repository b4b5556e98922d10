using GuidedCam.Core;
using static TorchSharp.torch;

namespace GuidedCam.Methods;

/// <summary>
/// Layer-CAM (Jiang et al. 2021, Eq. 4): every location weighted by its own positive gradient,
/// raw = Σ_k max(G_k, 0) ⊙ A_k (pytorch-grad-cam layer_cam.py).
/// </summary>
public sealed class LayerCam(IReadOnlyDictionary<string, string>? options = null) : CamMethod(options)
{
    public override string Id => "layercam";
    public override string DisplayName => "Layer-CAM (Jiang et al. 2021)";
    public override MethodFamily Family => MethodFamily.Gradient;
    protected override Tensor ComputeRaw(CamContext ctx) =>
        (nn.functional.relu(ctx.G) * ctx.Activations).sum(1);
}
