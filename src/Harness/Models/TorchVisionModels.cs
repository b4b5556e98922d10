using GuidedCam.Core;
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
    private static readonly Dictionary<string, (Func<int, nn.Module<Tensor, Tensor>> Build, string Layer)> Table = new()
    {
        // Default target layers: the last conv block's output (docs/spec/methods.md "Target layers"). For VGG it is
        // the ReLU after the last conv (features.29 / features.35), never the conv itself: the ReLU is in
        // place, so a capture at the conv would see post-ReLU activations with pre-ReLU gradients.
        ["vgg16"] = (n => torchvision.models.vgg16(num_classes: n), "features.29"),
        ["vgg19"] = (n => torchvision.models.vgg19(num_classes: n), "features.35"),
        ["resnet18"] = (n => torchvision.models.resnet18(num_classes: n), "layer4"),
        ["resnet50"] = (n => torchvision.models.resnet50(num_classes: n), "layer4"),
        ["mobilenet_v2"] = (n => torchvision.models.mobilenet_v2(num_classes: n), "features.18"),
    };

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
        return new ModuleClassifier(name ?? arch, module, numClasses, labelSpace, layer, device);
    }

    private static (Func<int, nn.Module<Tensor, Tensor>> Build, string Layer) Entry(string arch) =>
        Table.TryGetValue(arch, out var e) ? e
            : throw new ArgumentException($"unknown TorchVision architecture '{arch}' (allowed: {string.Join(", ", Table.Keys)})");
}
