using GuidedCam.Core;
using GuidedCam.Harness.Datasets;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Models;

/// <summary>
/// TorchVision architectures (TorchVision 0.107.0 for TorchSharp) with weights as they are distributed:
/// `.pth`/`.pt` — a PyTorch state_dict (torch.save(model.state_dict())), read with TorchSharp.PyBridge
/// load_py; `.safetensors` — read with load_safetensors; `.dat` — TorchSharp's own Module.save format.
/// TorchSharp's module tree uses PyTorch's names, so `features.29`, `layer4`… are the same paths as in
/// torchvision. Without a weights file the architecture gets a seeded random init and a warning.
/// </summary>
public static class TorchVisionModels
{
    /// <summary>
    /// Every classifier TorchVision 0.107.0 builds, with its default target layer. The layers follow
    /// pytorch-grad-cam's README ("Chosing the target layer"): ResNet `layer4[-1]` — we name `layer4`, whose
    /// output is that block's output; MobileNet `features[-1]`. For VGG and AlexNet the README says
    /// `features[-1]`, the last max-pool; docs/spec/methods.md takes the ReLU just before it instead (the last conv
    /// block's output at twice the resolution; never the conv itself: the ReLU is in place, so a capture at
    /// the conv would see post-ReLU activations with pre-ReLU gradients). GoogLeNet and Inception v3 are not
    /// in that list; their last inception block (`inception5b`, `Mixed_7c`) is the usual choice (it is what
    /// the other CNNs' rule, the last block before global pooling, gives).
    /// </summary>
    private static readonly Dictionary<string, (Func<int, nn.Module<Tensor, Tensor>> Build, string Layer)> Table = new()
    {
        ["resnet18"] = (n => torchvision.models.resnet18(num_classes: n), "layer4"),
        ["resnet34"] = (n => torchvision.models.resnet34(num_classes: n), "layer4"),
        ["resnet50"] = (n => torchvision.models.resnet50(num_classes: n), "layer4"),
        ["resnet101"] = (n => torchvision.models.resnet101(num_classes: n), "layer4"),
        ["resnet152"] = (n => torchvision.models.resnet152(num_classes: n), "layer4"),
        // VGG `features`: conv+ReLU per conv (conv+BN+ReLU with _bn) and five max-pools; the last ReLU is second to last.
        ["vgg11"] = (n => torchvision.models.vgg11(num_classes: n), "features.19"),
        ["vgg11_bn"] = (n => torchvision.models.vgg11_bn(num_classes: n), "features.27"),
        ["vgg13"] = (n => torchvision.models.vgg13(num_classes: n), "features.23"),
        ["vgg13_bn"] = (n => torchvision.models.vgg13_bn(num_classes: n), "features.33"),
        ["vgg16"] = (n => torchvision.models.vgg16(num_classes: n), "features.29"),
        ["vgg16_bn"] = (n => torchvision.models.vgg16_bn(num_classes: n), "features.42"),
        ["vgg19"] = (n => torchvision.models.vgg19(num_classes: n), "features.35"),
        ["vgg19_bn"] = (n => torchvision.models.vgg19_bn(num_classes: n), "features.51"),
        ["alexnet"] = (n => torchvision.models.alexnet(num_classes: n), "features.11"),
        ["googlenet"] = (n => torchvision.models.googlenet(num_classes: n), "inception5b"),
        ["inception_v3"] = (n => torchvision.models.inception_v3(num_classes: n), "Mixed_7c"),
        ["mobilenet_v2"] = (n => torchvision.models.mobilenet_v2(num_classes: n), "features.18"),
        // TorchVision 0.107.0 builds MobileNet v3 only with ImageNet's 1000 classes.
        ["mobilenet_v3_small"] = (n => n == 1000 ? torchvision.models.mobilenet_v3_small() : throw Only1000("mobilenet_v3_small", n), "features.12"),
        ["mobilenet_v3_large"] = (n => n == 1000 ? torchvision.models.mobilenet_v3_large() : throw Only1000("mobilenet_v3_large", n), "features.16"),
    };

    private static ArgumentException Only1000(string arch, int classes) =>
        new($"{arch}: TorchSharp's TorchVision 0.107.0 builds it with 1000 classes only, not {classes} (leave `num-classes` out)");

    /// <summary>
    /// Preprocessing other than ImageNet224 (resize 256, crop 224): Inception v3 was trained at 299 and
    /// torchvision's weights transform resizes to 342 then crops 299.
    /// </summary>
    public static Preprocessing DefaultPreprocessing(string arch) =>
        arch == "inception_v3" ? Preprocessing.ImageNet224 with { ResizeShorter = 342, Crop = 299 } : Preprocessing.ImageNet224;

    /// <summary>Weight file extensions and what reads them.</summary>
    public static IReadOnlyList<string> WeightExtensions { get; } = [".pth", ".pt", ".safetensors", ".dat"];

    public static IReadOnlyCollection<string> Architectures => Table.Keys;

    public static bool IsArchitecture(string arch) => Table.ContainsKey(arch);

    public static string DefaultTargetLayer(string arch) => Entry(arch).Layer;

    /// <summary>
    /// Builds <paramref name="arch"/> with <paramref name="numClasses"/> outputs, loads <paramref name="weightsPath"/>
    /// (null = random init from <paramref name="seed"/>, reported through <paramref name="warn"/>), freezes it and
    /// wraps it for tapping. <paramref name="targetLayer"/> overrides the architecture's default target layer.
    /// </summary>
    public static ModuleClassifier Create(string arch, string? weightsPath, Device device, int numClasses = 1000,
        string labelSpace = "imagenet1k", string? targetLayer = null, string? name = null, int seed = 0, Action<string>? warn = null)
    {
        var entry = Entry(arch);
        string? path = weightsPath is null ? null : Path.GetFullPath(weightsPath);
        if (path != null)
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"weights file for {arch} not found: {path}", path);
            string ext = Path.GetExtension(path).ToLowerInvariant();
            if (!WeightExtensions.Contains(ext))
                throw new ArgumentException($"weights file {path}: extension '{ext}' is not one of {string.Join(", ", WeightExtensions)}");
        }

        nn.Module<Tensor, Tensor> module;
        if (path is null)
        {
            // Same seed → same weights: TorchSharp's torch.manual_seed(0); resnet18() was seen to reproduce
            // PyTorch's init bit for bit (golden/README.md).
            torch.manual_seed(seed);
            module = entry.Build(numClasses);
            warn?.Invoke($"model '{name ?? arch}': no weights file given, {arch} has random weights (seed {seed}); its explanations are meaningless as explanations");
        }
        else
        {
            module = entry.Build(numClasses);
            try
            {
                switch (Path.GetExtension(path).ToLowerInvariant())
                {
                    case ".safetensors": module.load_safetensors(path, strict: true); break;
                    case ".dat": module.load(path, strict: true); break;
                    default: module.load_py(path, strict: true); break;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                module.Dispose();
                throw new InvalidDataException(
                    $"weights file {path}: cannot load it into {arch} with {numClasses} classes ({e.Message.Split('\n')[0].Trim()}). " +
                    "Expected a plain state_dict with torchvision's parameter names.", e);
            }
        }
        string layer = targetLayer ?? entry.Layer;
        var names = module.named_modules().Select(t => t.name).Where(n => n.Length > 0).ToList();
        if (!names.Contains(layer))
        {
            module.Dispose();
            throw new ArgumentException($"model '{name ?? arch}' ({arch}) has no layer '{layer}'. Valid layer names: {ClassifierExtensions.LayerList(names)}");
        }
        return new TorchVisionClassifier(name ?? arch, module, numClasses, labelSpace, layer, device);
    }

    private static (Func<int, nn.Module<Tensor, Tensor>> Build, string Layer) Entry(string arch) =>
        Table.TryGetValue(arch, out var e) ? e
            : throw new ArgumentException($"unknown TorchVision architecture '{arch}' (allowed: {string.Join(", ", Table.Keys)})");
}
