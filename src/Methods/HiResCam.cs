using GuidedCam.Core;
using static TorchSharp.torch;

namespace GuidedCam.Methods;

/// <summary>
/// HiResCAM (Draelos &amp; Carin 2020), a sanity baseline here: the gradient multiplies the
/// activations element-wise instead of being averaged first, raw = Σ_k G_k ⊙ A_k
/// (pytorch-grad-cam hirescam.py).
/// </summary>
public sealed class HiResCam(IReadOnlyDictionary<string, string>? options = null) : CamMethod(options)
{
    public override string Id => "hirescam";
    public override string DisplayName => "HiResCAM (Draelos & Carin 2020)";
    public override MethodFamily Family => MethodFamily.Gradient;
    public override bool IsBaseline => true;
    protected override Tensor ComputeRaw(CamContext ctx) => (ctx.G * ctx.Activations).sum(1);
}
