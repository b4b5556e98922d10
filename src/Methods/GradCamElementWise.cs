using GuidedCam.Core;
using static TorchSharp.torch;

namespace GuidedCam.Methods;

/// <summary>
/// Element-wise Grad-CAM, a sanity baseline: like <see cref="HiResCam"/> but each product is
/// rectified before the channel sum, raw = Σ_k max(G_k ⊙ A_k, 0) (pytorch-grad-cam grad_cam_elementwise.py).
/// </summary>
public sealed class GradCamElementWise(IReadOnlyDictionary<string, string>? options = null) : CamMethod(options)
{
    public override string Id => "gradcam-elementwise";
    public override string DisplayName => "Element-wise Grad-CAM (pytorch-grad-cam)";
    public override MethodFamily Family => MethodFamily.Gradient;
    public override bool IsBaseline => true;
    protected override Tensor ComputeRaw(CamContext ctx) => nn.functional.relu(ctx.G * ctx.Activations).sum(1);
}
