using GuidedCam.Core;
using static TorchSharp.torch;

namespace GuidedCam.Methods;

/// <summary>
/// The paper's method (Fahim, Saqib, Siam, Jung, "Rethinking Gradient Weight's Influence over
/// Saliency Map Estimation", Sensors 2022, 22(17) 6516): the usual weighted aggregation
/// B = ReLU(Σ_k w_k A_k) rectified element-wise by a global guidance map built from A ⊙ G:
/// P = Σ_k A_k ⊙ G_k, M = minmax(ReLU(P)) (option `guidance`), raw = M ⊙ B.
/// One forward and one backward pass, like Grad-CAM.
/// </summary>
public sealed class GlobalGuidanceCam(IReadOnlyDictionary<string, string>? options = null) : CamMethod(options)
{
    public override string Id => "guidedcam";
    public override string DisplayName => "Global-guidance CAM (Fahim et al. 2022)";
    public override MethodFamily Family => MethodFamily.Gradient;

    public override IReadOnlyList<OptionSpec> DeclaredOptions { get; } = new[]
    {
        new OptionSpec("guidance", "relu", "how P = Σ_k A_k ⊙ G_k becomes the guidance map M before min-max: relu = max(P, 0); abs = |P|; none = M ≡ 1 (plain weighted aggregation)", new[] { "relu", "abs", "none" }),
        new OptionSpec("weights", GradCam.MethodId, "channel weights of the aggregation B (those of the method of that id)", new[] { GradCam.MethodId, GradCamPlusPlus.MethodId, XGradCam.MethodId }),
    };

    protected override Tensor ComputeRaw(CamContext ctx)
    {
        var a = ctx.Activations;
        var g = ctx.G;
        var w = Options["weights"] switch
        {
            GradCamPlusPlus.MethodId => ChannelWeights.GradCamPlusPlus(a, g),
            XGradCam.MethodId => ChannelWeights.XGradCam(a, g),
            _ => ChannelWeights.GradCam(g),
        };
        var b = nn.functional.relu(WeightedSum(w, a));
        if (Options["guidance"] == "none") return b;
        var p = (a * g).sum(1);
        var m = Options["guidance"] == "abs" ? p.abs() : nn.functional.relu(p);
        return SaliencyPostProcessing.MinMax(m) * b;
    }
}
