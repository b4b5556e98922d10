using System.Globalization;
using GuidedCam.Core;
using GuidedCam.Harness.Datasets;
using GuidedCam.Harness.Models;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Config;

/// <summary>
/// A `models:` entry of a config: the keys it takes (declared once, like a method's options, so
/// unknown keys and bad values are errors naming the key and its line), and turning it into a
/// <see cref="ModelSpec"/> and an opened <see cref="RunModel"/>. Adding a key = one line in
/// <see cref="Keys"/> and one where <see cref="ToSpec"/> reads it.
/// </summary>
public static class ModelEntry
{
    public static IReadOnlyList<OptionSpec> Keys { get; } = new[]
    {
        new OptionSpec("weights", null, "weights file (.pth/.pt state_dict, .safetensors, .dat); absent: seeded random weights"),
        new OptionSpec("onnx", null, "the .onnx file (arch onnx)"),
        new OptionSpec("file", null, "the same as onnx"),
        new OptionSpec("layer", null, "target layer: a module path (features.29, layer4) or an ONNX tensor name; absent: the architecture's default"),
        new OptionSpec("label-space", null, "label space of the outputs (imagenet1k, coco80, voc20, synthetic6); absent: imagenet1k (builtin: synthetic6)"),
        new OptionSpec("num-classes", null, "output classes, a whole number ≥ 1; absent: 1000 for TorchVision, the graph's output for ONNX"),
        new OptionSpec("seed", "0", "seed of the random initialisation when no weights are given"),
        new OptionSpec("resize", null, "shorter-side length (256), WxH (224x224) or none"),
        new OptionSpec("crop", null, "centre crop side in pixels, or none"),
        new OptionSpec("mean", null, "per-channel mean of the normalisation, three numbers"),
        new OptionSpec("std", null, "per-channel standard deviation of the normalisation, three positive numbers"),
        new OptionSpec("channel-order", null, "rgb or bgr", new[] { "rgb", "bgr" }),
        new OptionSpec("reshape", null, "how a token layer's output becomes N×K×h×w (vit)"),
        new OptionSpec("cls-tokens", null, "with reshape: leading class tokens to drop"),
        new OptionSpec("grid", null, "with reshape: the token grid, e.g. 14x14"),
        new OptionSpec("perturb.weights", null, "perturbed copy: σ of the multiplicative N(1, σ) noise on every weight (≥ 0)"),
        new OptionSpec("perturb.input", null, "perturbed copy: σ of the additive N(0, σ) noise on the input (≥ 0)"),
        new OptionSpec("perturb.seed", null, "perturbed copy: seed of the noise (whole number ≥ 0; default 0)"),
        new OptionSpec("perturb.test", null, "perturbed copy: the MetaQuantus test it serves", ModelPerturbation.Tests.ToArray()),
    };

    private static readonly string[] PreprocessingKeys = { "resize", "crop", "mean", "std", "channel-order" };

    /// <summary>The entry's keys with defaults filled in; unknown keys and values outside the allowed ones are errors.</summary>
    public static IReadOnlyDictionary<string, string> Resolve(ComponentEntry e) => OptionResolver.Resolve(e.Name, Keys, e.Options);

    public static ModelSpec ToSpec(ComponentEntry e)
    {
        var o = Resolve(e);
        return new ModelSpec
        {
            Name = e.Name,
            Arch = e.Id,
            Weights = o.GetOrNull("weights"),
            Onnx = o.GetOrNull("onnx") ?? o.GetOrNull("file"),
            Layer = o.GetOrNull("layer"),
            LabelSpace = o.GetOrNull("label-space"),
            NumClasses = o.GetIntOrNull(e.Name, "num-classes", min: 1),
            Seed = o.GetInt(e.Name, "seed", min: 0),
            Preprocessing = PreprocessingOf(e, o),
            Reshape = ReshapeOf(e.Name, o),
            Perturb = PerturbationOf(e.Name, o),
        };
    }

    /// <summary>The `perturb:` mapping (keys perturb.weights, .input, .seed, .test); null when absent.</summary>
    private static ModelPerturbation? PerturbationOf(string owner, IReadOnlyDictionary<string, string> o)
    {
        if (!o.Keys.Any(k => k.StartsWith("perturb.", StringComparison.Ordinal))) return null;
        double Sigma(string key)
        {
            if (o.GetOrNull(key) is not { } text) return 0;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && v >= 0) return v;
            throw OptionResolver.Error(key, $"'{owner}.{key}' must be a number ≥ 0 (a standard deviation), not '{text}'");
        }
        var p = new ModelPerturbation(Sigma("perturb.weights"), Sigma("perturb.input"), o.ContainsKey("perturb.seed") ? o.GetInt(owner, "perturb.seed", min: 0) : 0,
            o.GetOrNull("perturb.test") ?? "");
        if (p.Weights == 0 && p.Input == 0)
            throw OptionResolver.Error(o.ContainsKey("perturb.weights") ? "perturb.weights" : "perturb.input", $"'{owner}.perturb' needs weights or input noise above 0");
        return p;
    }

    /// <summary>Loads the model an entry names and fixes the layer the run taps (the entry's `layer`, else the model's default).</summary>
    public static RunModel Open(ComponentEntry e, Device device)
    {
        var spec = ToSpec(e);
        var loaded = ModelLoader.Load(spec, device);
        return new RunModel(spec, loaded.Model, loaded.Preprocessing, loaded.LabelSpace, spec.Layer ?? loaded.Model.DefaultTargetLayer);
    }

    /// <summary>
    /// A model entry from command-line arguments (`explain`, `bench`): an `.onnx` path means arch onnx,
    /// anything else is an arch id (builtin, vgg16, …).
    /// </summary>
    public static ComponentEntry FromCommandLine(string model, string? weights = null, string? layer = null, string? reshape = null)
    {
        var opts = new Dictionary<string, string>();
        if (weights != null) opts["weights"] = weights;
        if (layer != null) opts["layer"] = layer;
        if (reshape != null) opts["reshape"] = reshape;
        if (!model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) return new ComponentEntry(model, model, opts, 0);
        opts["onnx"] = model;
        return new ComponentEntry(ModelLoader.OnnxArch, Path.GetFileNameWithoutExtension(model), opts, 0);
    }

    /// <summary>The token-layer reshape (keys reshape, cls-tokens, grid); null when `reshape` is not given.</summary>
    private static TokenReshape? ReshapeOf(string owner, IReadOnlyDictionary<string, string> o)
    {
        if (o.GetOrNull("reshape") is not { } kind)
        {
            foreach (var k in new[] { "cls-tokens", "grid" })
                if (o.ContainsKey(k)) throw OptionResolver.Error(k, $"'{owner}.{k}' needs `reshape: vit`");
            return null;
        }
        return TokenReshape.Parse(kind, o.GetOrNull("cls-tokens"), o.GetOrNull("grid"), owner);
    }

    /// <summary>A preprocessing override from the keys resize, crop, mean, std, channel-order; null when none is given.</summary>
    private static Preprocessing? PreprocessingOf(ComponentEntry e, IReadOnlyDictionary<string, string> o)
    {
        if (!PreprocessingKeys.Any(o.ContainsKey)) return null;
        var p = e.Id == BuiltinModel.Arch ? SyntheticDataset.DefaultPreprocessing : Preprocessing.ImageNet224;
        if (o.GetOrNull("resize") is { } r)
        {
            var parts = r.Split('x', ',');
            if (parts.Length == 1 && OptionResolver.TryParseWholeNumber(parts[0], 1, out int s)) p = p with { ResizeShorter = s, ResizeWidth = null, ResizeHeight = null };
            else if (parts.Length == 2 && OptionResolver.TryParseWholeNumber(parts[0], 1, out int w) && OptionResolver.TryParseWholeNumber(parts[1], 1, out int h))
                p = p with { ResizeShorter = null, ResizeWidth = w, ResizeHeight = h };
            else if (r == "none") p = p with { ResizeShorter = null, ResizeWidth = null, ResizeHeight = null };
            else throw OptionResolver.Error("resize", $"'{e.Name}.resize' must be a shorter-side length (256), WxH (224x224) or none, not '{r}'");
        }
        if (o.GetOrNull("crop") is { } c)
            p = c == "none" ? p with { Crop = null } : p with { Crop = o.GetInt(e.Name, "crop", min: 1) };
        if (o.ContainsKey("mean")) p = p with { Mean = Triple(e.Name, o, "mean", positive: false) };
        if (o.ContainsKey("std")) p = p with { Std = Triple(e.Name, o, "std", positive: true) };
        if (o.GetOrNull("channel-order") is { } order) p = p with { ChannelOrder = order };
        return p;
    }

    private static float[] Triple(string owner, IReadOnlyDictionary<string, string> o, string key, bool positive)
    {
        string text = o[key];
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
                throw OptionResolver.Error(key, $"'{owner}.{key}' must be a list of three numbers, not '{text}'");
        if (values.Length != 3) throw OptionResolver.Error(key, $"'{owner}.{key}' must be a list of three numbers, not '{text}'");
        if (positive && values.Any(v => v <= 0)) throw OptionResolver.Error(key, $"'{owner}.{key}' must be positive, not '{text}'");
        return values;
    }
}
