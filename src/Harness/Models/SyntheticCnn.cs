using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Models;

/// <summary>
/// The built-in model: a small all-convolutional CNN for the synthetic shapes (64×64 input, 6
/// classes, ~60k parameters). Global average pooling before the classifier keeps the last
/// convolutional block (`features.13`, the ReLU after the fourth conv, 64×16×16) spatially faithful,
/// so CAM methods have something to localise. Module names follow torchvision (`features.N`,
/// `classifier`) so target-layer paths read the same as for VGG.
/// </summary>
public sealed class SyntheticCnn : nn.Module<Tensor, Tensor>
{
    public const string DefaultLayer = "features.13";

    private readonly Sequential features;
    private readonly AdaptiveAvgPool2d pool;
    private readonly Linear classifier;

    public SyntheticCnn(int numClasses = 6) : base(nameof(SyntheticCnn))
    {
        features = nn.Sequential(
            ("0", nn.Conv2d(3, 16, 3, padding: 1, bias: false)), ("1", nn.BatchNorm2d(16)), ("2", nn.ReLU()),
            ("3", nn.MaxPool2d(2)),
            ("4", nn.Conv2d(16, 32, 3, padding: 1, bias: false)), ("5", nn.BatchNorm2d(32)), ("6", nn.ReLU()),
            ("7", nn.MaxPool2d(2)),
            ("8", nn.Conv2d(32, 64, 3, padding: 1, bias: false)), ("9", nn.BatchNorm2d(64)), ("10", nn.ReLU()),
            ("11", nn.Conv2d(64, 64, 3, padding: 1, bias: false)), ("12", nn.BatchNorm2d(64)), ("13", nn.ReLU()));
        pool = nn.AdaptiveAvgPool2d(1);
        classifier = nn.Linear(64, numClasses);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var f = features.call(x);
        var p = pool.call(f).flatten(1);
        return scope.MoveToOuter(classifier.call(p));
    }
}
