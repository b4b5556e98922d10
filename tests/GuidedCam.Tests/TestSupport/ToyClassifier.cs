using GuidedCam.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Tests.TestSupport;

/// <summary>
/// A two-class classifier whose probabilities are computable by hand: logit₀ = Σ_p w_p · x[0, p]
/// (a weighted sum of channel 0 of the normalised input), logit₁ = 0, so p₀ = σ(logit₀) and
/// p₁ = σ(−logit₀). Channels 1 and 2 are ignored. Counts its forward calls and the images they carried.
/// </summary>
public sealed class ToyClassifier(float[] weights, int height, int width) : IClassifier
{
    public int ForwardCalls { get; private set; }
    public long ImagesForwarded { get; private set; }

    public static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));

    public string Name => "toy";
    public int NumClasses => 2;
    public string LabelSpace => "toy2";
    public string DefaultTargetLayer => "sum";
    public IReadOnlyList<string> LayerNames => new[] { "sum" };
    public Device Device => torch.CPU;

    public Tensor Forward(Tensor input, IReadOnlyList<LayerTap>? taps = null)
    {
        ForwardCalls++;
        ImagesForwarded += input.shape[0];
        using var scope = torch.NewDisposeScope();
        var w = torch.tensor(weights, new long[] { 1, height, width });
        var logit0 = (input.select(1, 0) * w).sum(new long[] { 1, 2 });
        var logits = torch.stack(new[] { logit0, torch.zeros_like(logit0) }, 1);
        return scope.MoveToOuter(logits);
    }

    public IReadOnlyList<BiasLayer> BiasLayers() => Array.Empty<BiasLayer>();

    public void Dispose() { }
}
