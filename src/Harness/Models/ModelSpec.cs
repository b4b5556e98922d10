using GuidedCam.Harness.Datasets;

namespace GuidedCam.Harness.Models;

/// <summary>
/// One model of a run, as a config names it. <see cref="Arch"/> is `builtin` (the project's synthetic
/// CNN), a TorchVision architecture (<see cref="TorchVisionModels.Architectures"/>: resnet18…152, vgg11…19 with
/// and without _bn, alexnet, googlenet, inception_v3, mobilenet_v2, mobilenet_v3_small/large) or `onnx`.
/// </summary>
public sealed record ModelSpec
{
    /// <summary>Name in results and reports.</summary>
    public required string Name { get; init; }
    public required string Arch { get; init; }
    /// <summary>Weights for a TorchVision architecture: .pth/.pt (PyTorch state_dict), .safetensors or .dat; null = seeded random init.</summary>
    public string? Weights { get; init; }
    /// <summary>The .onnx file when <see cref="Arch"/> is `onnx`.</summary>
    public string? Onnx { get; init; }
    /// <summary>Default target layer: a module path (`features.29`, `layer4`) or an ONNX tensor name; null = the architecture's default.</summary>
    public string? Layer { get; init; }
    /// <summary>Label space id; null = imagenet1k for TorchVision and ONNX models.</summary>
    public string? LabelSpace { get; init; }
    /// <summary>Overrides the architecture's preprocessing (ImageNet224 for TorchVision and ONNX models).</summary>
    public Preprocessing? Preprocessing { get; init; }
    /// <summary>Output classes; null = 1000 for TorchVision, the graph's output size for ONNX.</summary>
    public int? NumClasses { get; init; }
    /// <summary>How the target layer's tokens become feature maps (transformers); null = the layer is already N×C×h×w.</summary>
    public TokenReshape? Reshape { get; init; }
    /// <summary>Seed of the random init when no weights are given.</summary>
    public int Seed { get; init; }
    /// <summary>Noise on the weights and the input making this a perturbed copy (MetaQuantus); null = the model as loaded.</summary>
    public ModelPerturbation? Perturb { get; init; }
}
