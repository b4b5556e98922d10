using GuidedCam.Core;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Models;

/// <summary>
/// A TorchVision model. FullGrad's bias layers leave out the auxiliary classifiers (Inception v3's
/// `AuxLogits`, GoogLeNet's `aux1`/`aux2`): they run only in training mode, so in eval their batch norms
/// never see the input and have no gradient to weigh (torchvision's eval forward returns the main logits only).
/// </summary>
public sealed class TorchVisionClassifier : ModuleClassifier, IClassifier
{
    private static readonly string[] AuxiliaryHeads = ["AuxLogits", "aux1", "aux2"];

    public TorchVisionClassifier(string name, nn.Module<Tensor, Tensor> module, int numClasses, string labelSpace, string defaultTargetLayer, Device? device = null)
        : base(name, module, numClasses, labelSpace, defaultTargetLayer, device)
    {
    }

    /// <summary>Re-implements <see cref="IClassifier.BiasLayers"/> so every caller through the interface gets the filtered list.</summary>
    public new IReadOnlyList<BiasLayer> BiasLayers() =>
        base.BiasLayers().Where(b => !AuxiliaryHeads.Any(h => b.Layer == h || b.Layer.StartsWith(h + ".", StringComparison.Ordinal))).ToList();
}
