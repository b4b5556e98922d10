using GuidedCam.Harness.Datasets;
using GuidedCam.Harness.Models.Onnx;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Models;

/// <summary>
/// Turns a <see cref="ModelSpec"/> into a <see cref="LoadedModel"/>: TorchVision architectures
/// (<see cref="TorchVisionModels"/>), ONNX graphs (<see cref="OnnxClassifier"/>) and the project's
/// built-in models registered in <see cref="Builtins"/>.
/// </summary>
public static class ModelLoader
{
    public const string OnnxArch = "onnx";
    public const string DefaultLabelSpace = "imagenet1k";

    /// <summary>Extension point: built-in architectures (e.g. `builtin`, the synthetic CNN) by arch id.</summary>
    public static Dictionary<string, Func<ModelSpec, Device, LoadedModel>> Builtins { get; } = new(StringComparer.Ordinal)
    {
        [BuiltinModel.Arch] = (spec, device) => new LoadedModel(
            BuiltinModel.Load(spec.Weights, device, spec.Name, spec.Layer),
            spec.Preprocessing ?? SyntheticDataset.DefaultPreprocessing,
            spec.LabelSpace ?? "synthetic6"),
    };

    /// <summary>Where warnings go besides <see cref="LoadedModel.Warnings"/>; standard error by default.</summary>
    public static Action<string> Warn { get; set; } = message => Console.Error.WriteLine($"warning: {message}");

    /// <summary>Every arch id <see cref="Load"/> accepts.</summary>
    public static IReadOnlyList<string> Architectures =>
        Builtins.Keys.Concat(TorchVisionModels.Architectures).Append(OnnxArch).Distinct().ToList();

    public static LoadedModel Load(ModelSpec spec, Device device)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (string.IsNullOrWhiteSpace(spec.Arch))
            throw new ArgumentException($"model '{spec.Name}': `arch` is missing (allowed: {string.Join(", ", Architectures)})");
        LoadedModel loaded;
        if (Builtins.TryGetValue(spec.Arch, out var builtin)) loaded = builtin(spec, device);
        else if (TorchVisionModels.IsArchitecture(spec.Arch)) loaded = LoadTorchVision(spec, device);
        else if (spec.Arch == OnnxArch) loaded = LoadOnnx(spec, device);
        else throw new ArgumentException($"model '{spec.Name}': unknown arch '{spec.Arch}' (allowed: {string.Join(", ", Architectures)})");
        if (spec.Perturb is { } perturb) loaded = loaded with { Model = ModelNoise.Apply(loaded.Model, perturb) };
        return spec.Reshape is null ? loaded : loaded with { Model = new ReshapingClassifier(loaded.Model, spec.Reshape) };
    }

    private static LoadedModel LoadTorchVision(ModelSpec spec, Device device)
    {
        if (spec.Onnx != null)
            throw new ArgumentException($"model '{spec.Name}': `onnx` is only for arch onnx; {spec.Arch} takes its weights file in `weights`");
        var warnings = new List<string>();
        string labelSpace = spec.LabelSpace ?? DefaultLabelSpace;
        var model = TorchVisionModels.Create(spec.Arch, spec.Weights, device, spec.NumClasses ?? 1000, labelSpace, spec.Layer, spec.Name, spec.Seed,
            w => { warnings.Add(w); Warn(w); });
        return new LoadedModel(model, spec.Preprocessing ?? TorchVisionModels.DefaultPreprocessing(spec.Arch), labelSpace) { Warnings = warnings };
    }

    private static LoadedModel LoadOnnx(ModelSpec spec, Device device)
    {
        if (spec.Onnx is null)
            throw new ArgumentException($"model '{spec.Name}': arch onnx needs the model file in `onnx`" + (spec.Weights != null ? " (`weights` is for TorchVision architectures)" : ""));
        string labelSpace = spec.LabelSpace ?? DefaultLabelSpace;
        var model = new OnnxClassifier(spec.Onnx, spec.Layer, labelSpace, spec.NumClasses, spec.Name, device);
        return new LoadedModel(model, spec.Preprocessing ?? Preprocessing.ImageNet224, labelSpace);
    }
}
