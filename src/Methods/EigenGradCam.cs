using GuidedCam.Core;
using static TorchSharp.torch;

namespace GuidedCam.Methods;

/// <summary>
/// EigenGrad-CAM (pytorch-grad-cam eigen_grad_cam.py): Eigen-CAM's first principal component taken
/// on G ⊙ A, so it becomes class-specific; the same sign rule (<see cref="PrincipalProjection.Orient"/>)
/// against Σ_k (G ⊙ A)_k.
/// </summary>
public sealed class EigenGradCam(IReadOnlyDictionary<string, string>? options = null) : CamMethod(options)
{
    public override string Id => "eigengradcam";
    public override string DisplayName => "EigenGrad-CAM (pytorch-grad-cam)";
    public override MethodFamily Family => MethodFamily.Gradient;
    protected override Tensor ComputeRaw(CamContext ctx) => PrincipalProjection.FirstComponentMap(ctx.G * ctx.Activations);
}
