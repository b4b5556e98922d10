using GuidedCam.Core;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace GuidedCam.Tests.TestSupport;

/// <summary>
/// The resnet18-seed0-eagle golden case, loaded once for the whole test class: TorchVision's ResNet-18
/// in TorchSharp with the PyTorch 1.13 state dict read by PyBridge load_py, target layer layer4.
/// </summary>
public sealed class ResNet18GoldenFixture : IDisposable
{
    public ResNet18GoldenFixture()
    {
        TestSetup.Torch();
        Case = GoldenCase.Load(SharedPaths.Require("golden", "resnet18-seed0-eagle"));
        var net = torchvision.models.resnet18(num_classes: 1000);
        net.load_py(Path.Combine(Case.Folder, "resnet18_seed0.pth"));
        Model = new ModuleClassifier("resnet18", net, 1000, "imagenet1k", "layer4");
        Memoised = new MemoisingClassifier(Model);
    }

    public GoldenCase Case { get; }
    public ModuleClassifier Model { get; }
    /// <summary>The model behind a memoising decorator (see <see cref="MemoisingClassifier"/>).</summary>
    public MemoisingClassifier Memoised { get; }

    public void Dispose()
    {
        Memoised.Dispose();
        Model.Dispose();
    }
}
