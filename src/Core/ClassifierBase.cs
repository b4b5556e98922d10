using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Core;

/// <summary>
/// What a classifier that owns its network states about itself (the descriptive members of
/// <see cref="IClassifier"/>), held once for the TorchSharp-module and ONNX classifiers. Set in the
/// derived constructor; a randomised copy takes them from the trained model under a new name.
/// </summary>
public abstract class ClassifierBase
{
    protected ClassifierBase() { }

    /// <summary>The description of <paramref name="trained"/> under <paramref name="name"/> (a copy with other weights).</summary>
    protected ClassifierBase(IClassifier trained, string name)
    {
        Name = name;
        NumClasses = trained.NumClasses;
        LabelSpace = trained.LabelSpace;
        DefaultTargetLayer = trained.DefaultTargetLayer;
        LayerNames = trained.LayerNames;
        Device = trained.Device;
    }

    public string Name { get; protected init; } = "";
    public int NumClasses { get; protected init; }
    public string LabelSpace { get; protected init; } = "";
    public string DefaultTargetLayer { get; protected init; } = "";
    public IReadOnlyList<string> LayerNames { get; protected init; } = [];
    public Device Device { get; protected init; } = torch.CPU;
}
