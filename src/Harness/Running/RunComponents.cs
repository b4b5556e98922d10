using System.Globalization;
using GuidedCam.Harness.Config;
using GuidedCam.Harness.Datasets;
using GuidedCam.Harness.Models;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Running;

/// <summary>A model ready to run: the classifier, the preprocessing its inputs need and its label space.</summary>
public sealed record RunModel(ComponentEntry Entry, GuidedCam.Core.IClassifier Classifier, Preprocessing Preprocessing, string LabelSpace) : IDisposable
{
    public string Name => Entry.Name;
    public void Dispose() => Classifier.Dispose();
}

/// <summary>
/// Turns config entries into models and datasets (through <see cref="ModelLoader"/> and
/// <see cref="DatasetLoader"/>). Each kind lists the keys it allows; a wrong key or value is an error
/// naming it.
/// </summary>
public static class RunComponents
{
    private static readonly string[] ModelKeys = { "weights", "onnx", "file", "layer", "label-space", "num-classes", "seed", "resize", "crop", "mean", "std", "channel-order", "reshape", "cls-tokens", "grid" };

    public static RunModel CreateModel(ComponentEntry e, Device device)
    {
        Allow(e, ModelKeys);
        var spec = new ModelSpec
        {
            Name = e.Name,
            Arch = e.Id,
            Weights = e.Get("weights"),
            Onnx = e.Get("onnx") ?? e.Get("file"),
            Layer = e.Get("layer"),
            LabelSpace = e.Get("label-space"),
            NumClasses = e.Get("num-classes") is null ? null : IntOpt(e, "num-classes", 0, 1),
            Seed = IntOpt(e, "seed", 0, 0),
            Preprocessing = PreprocessingOf(e),
            Reshape = ReshapeOf(e),
        };
        var loaded = ModelLoader.Load(spec, device);
        return new RunModel(e, loaded.Model, loaded.Preprocessing, loaded.LabelSpace);
    }

    /// <summary>
    /// A model entry from command-line arguments (`explain`, `bench`): an `.onnx` path means arch onnx,
    /// anything else is an arch id (builtin, vgg16, …).
    /// </summary>
    public static ComponentEntry ModelEntryFromCli(string model, string? weights = null, string? layer = null, string? reshape = null)
    {
        var opts = new Dictionary<string, string>();
        if (weights != null) opts["weights"] = weights;
        if (layer != null) opts["layer"] = layer;
        if (reshape != null) opts["reshape"] = reshape;
        if (!model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) return new ComponentEntry(model, model, opts, 0);
        opts["onnx"] = model;
        return new ComponentEntry(ModelLoader.OnnxArch, Path.GetFileNameWithoutExtension(model), opts, 0);
    }

    /// <summary>The token-layer reshape of a model entry (keys reshape, cls-tokens, grid); null when `reshape` is not given.</summary>
    public static TokenReshape? ReshapeOf(ComponentEntry e)
    {
        if (e.Get("reshape") is not { } kind)
        {
            foreach (var k in new[] { "cls-tokens", "grid" })
                if (e.Get(k) != null) throw new ArgumentException($"'{e.Name}.{k}' needs `reshape: vit`");
            return null;
        }
        return TokenReshape.Parse(kind, e.Get("cls-tokens"), e.Get("grid"), e.Name);
    }

    /// <summary>The target layer of a model entry: its `layer` key, else the model's default.</summary>
    public static string LayerOf(RunModel m) => m.Entry.Get("layer") ?? m.Classifier.DefaultTargetLayer;

    /// <summary>A preprocessing override from the keys resize, crop, mean, std, channel-order; null when none is given.</summary>
    public static Preprocessing? PreprocessingOf(ComponentEntry e)
    {
        string[] keys = { "resize", "crop", "mean", "std", "channel-order" };
        if (!keys.Any(k => e.Get(k) != null)) return null;
        var p = e.Id == BuiltinModel.Arch ? SyntheticDataset.DefaultPreprocessing
            : TorchVisionModels.IsArchitecture(e.Id) ? TorchVisionModels.DefaultPreprocessing(e.Id) : Preprocessing.ImageNet224;
        if (e.Get("resize") is { } r)
        {
            var parts = r.Split('x', ',');
            if (parts.Length == 1 && int.TryParse(parts[0], out int s) && s > 0) p = p with { ResizeShorter = s, ResizeWidth = null, ResizeHeight = null };
            else if (parts.Length == 2 && int.TryParse(parts[0], out int w) && int.TryParse(parts[1], out int h) && w > 0 && h > 0) p = p with { ResizeShorter = null, ResizeWidth = w, ResizeHeight = h };
            else if (r == "none") p = p with { ResizeShorter = null, ResizeWidth = null, ResizeHeight = null };
            else throw new ArgumentException($"'{e.Name}.resize' must be a shorter-side length (256), WxH (224x224) or none, not '{r}'");
        }
        if (e.Get("crop") is { } c)
            p = c == "none" ? p with { Crop = null } : p with { Crop = IntOpt(e, "crop", 0, 1) };
        if (e.Get("mean") is not null) p = p with { Mean = Triple(e, "mean") };
        if (e.Get("std") is not null) p = p with { Std = Triple(e, "std") };
        if (e.Get("channel-order") is { } o)
            p = o is "rgb" or "bgr" ? p with { ChannelOrder = o } : throw new ArgumentException($"'{e.Name}.channel-order' must be rgb or bgr, not '{o}'");
        return p;
    }

    public static IDataset CreateDataset(ComponentEntry e, int seed) => DatasetLoader.Open(DatasetSpecOf(e, seed));

    private static readonly string[] DatasetKeys = { "root", "split", "limit", "sample", "seed", "classes", "label-file", "count", "image-size", "max-pixels" };

    public static DatasetSpec DatasetSpecOf(ComponentEntry e, int runSeed)
    {
        Allow(e, DatasetKeys);
        return new DatasetSpec
        {
            Name = e.Name,
            Kind = e.Id,
            Root = e.Get("root"),
            Split = e.Get("split") ?? "val",
            Limit = e.Get("limit") is null ? null : IntOpt(e, "limit", 0, 1),
            Sample = e.Get("sample") is null ? null : IntOpt(e, "sample", 0, 1),
            Seed = IntOpt(e, "seed", runSeed, 0),
            Classes = e.Get("classes")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            LabelFile = e.Get("label-file"),
            Count = e.Get("count") is null ? null : IntOpt(e, "count", 0, 1),
            ImageSize = e.Get("image-size") is null ? null : IntOpt(e, "image-size", 0, 32),
            MaxPixels = e.Get("max-pixels") is null ? null : IntOpt(e, "max-pixels", 0, 1),
        };
    }

    public static void Allow(ComponentEntry e, params string[] keys)
    {
        foreach (var k in e.Options.Keys)
            if (!keys.Contains(k))
                throw new ArgumentException($"'{e.Name}' ({e.Id}) has no option '{k}' (allowed: {string.Join(", ", keys.Prepend("name"))})");
    }

    public static int IntOpt(ComponentEntry e, string key, int dflt, int min)
    {
        var v = e.Get(key);
        if (v is null) return dflt;
        if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) || i < min)
            throw new ArgumentException($"'{e.Name}.{key}' must be a whole number ≥ {min}, not '{v}'");
        return i;
    }

    private static float[] Triple(ComponentEntry e, string key)
    {
        var parts = e.Get(key)!.Split(',', StringSplitOptions.TrimEntries);
        var values = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
                throw new ArgumentException($"'{e.Name}.{key}' must be a list of three numbers, not '{e.Get(key)}'");
        if (values.Length != 3) throw new ArgumentException($"'{e.Name}.{key}' must be a list of three numbers, not '{e.Get(key)}'");
        if (key == "std" && values.Any(v => v <= 0)) throw new ArgumentException($"'{e.Name}.std' must be positive, not '{e.Get(key)}'");
        return values;
    }
}
