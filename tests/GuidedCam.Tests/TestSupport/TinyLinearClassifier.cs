using GuidedCam.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Tests.TestSupport;

/// <summary>
/// A classifier small enough to compute by hand: layer "feat" is A = avg_pool2d(x, 2) (N×K×h×w from
/// N×K×2h×2w), then logits = flatten(A) · Wᵀ. So ∂logit_c/∂A = W_c reshaped to K×h×w exactly, and
/// everything after the layer is linear. The tap on "feat" may return a larger batch (Ablation-CAM):
/// the head runs on whatever the tap hands it.
/// </summary>
public sealed class TinyLinearClassifier : IClassifier
{
    private readonly Tensor _weights; // C × (K·h·w)

    public TinyLinearClassifier(float[,] weights)
    {
        _weights = torch.tensor(weights).DetachFromDisposeScope();
    }

    public string Name => "tiny-linear";
    public int NumClasses => (int)_weights.shape[0];
    public string LabelSpace => "test";
    public string DefaultTargetLayer => "feat";
    public IReadOnlyList<string> LayerNames { get; } = new[] { "feat" };
    public Device Device => torch.CPU;
    public IReadOnlyList<BiasLayer> BiasLayers() => Array.Empty<BiasLayer>();

    public Tensor Forward(Tensor input, IReadOnlyList<LayerTap>? taps = null)
    {
        foreach (var t in taps ?? Array.Empty<LayerTap>()) this.RequireLayer(t.Layer);
        using var scope = torch.NewDisposeScope();
        var a = nn.functional.avg_pool2d(input, 2);
        foreach (var t in taps ?? Array.Empty<LayerTap>()) a = t.OnOutput(a) ?? a;
        return scope.MoveToOuter(a.flatten(1).matmul(_weights.t()));
    }

    public void Dispose() => _weights.Dispose();
}
