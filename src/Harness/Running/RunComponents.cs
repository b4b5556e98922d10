using GuidedCam.Core;
using GuidedCam.Harness.Config;
using GuidedCam.Harness.Datasets;
using GuidedCam.Harness.Models;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Running;

/// <summary>A model ready to run: the classifier, the preprocessing its inputs need and its label space.</summary>
public sealed record RunModel(ComponentEntry Entry, IClassifier Classifier, Preprocessing Preprocessing, string LabelSpace) : IDisposable
{
    public string Name => Entry.Name;
    public void Dispose() => Classifier.Dispose();
}

/// <summary>Builds models and datasets from config entries. Each kind lists its allowed options.</summary>
public static class RunComponents
{
    public static RunModel CreateModel(ComponentEntry e, Device device)
    {
        switch (e.Id)
        {
            case BuiltinModel.Arch:
                Allow(e, "weights", "layer");
                var m = BuiltinModel.Load(e.Get("weights"), device, e.Name);
                return new RunModel(e, WithLayer(m, e), SyntheticDataset.DefaultPreprocessing, "synthetic6");
            default:
                throw new ArgumentException($"unknown model arch '{e.Id}' (allowed: {BuiltinModel.Arch})");
        }
    }

    public static IDataset CreateDataset(ComponentEntry e, int seed)
    {
        switch (e.Id)
        {
            case "synthetic":
                Allow(e, "count", "image-size", "split", "seed");
                return new SyntheticDataset(e.Name, IntOpt(e, "count", 200, 1), IntOpt(e, "seed", seed, 0), e.Get("split") ?? "test", IntOpt(e, "image-size", 64, 32));
            default:
                throw new ArgumentException($"unknown dataset kind '{e.Id}' (allowed: synthetic)");
        }
    }

    /// <summary>The target layer a model entry asks for, checked against the model's layers.</summary>
    private static IClassifier WithLayer(IClassifier model, ComponentEntry e)
    {
        if (e.Get("layer") is { } layer) model.RequireLayer(layer);
        return model;
    }

    public static string LayerOf(RunModel m) => m.Entry.Get("layer") ?? m.Classifier.DefaultTargetLayer;

    public static void Allow(ComponentEntry e, params string[] keys)
    {
        foreach (var k in e.Options.Keys)
            if (!keys.Contains(k))
                throw new ArgumentException($"'{e.Id}' has no option '{k}' (allowed: {string.Join(", ", keys.Prepend("name"))})");
    }

    public static int IntOpt(ComponentEntry e, string key, int dflt, int min)
    {
        var v = e.Get(key);
        if (v is null) return dflt;
        if (!int.TryParse(v, out int i) || i < min) throw new ArgumentException($"'{e.Id}.{key}' must be a whole number ≥ {min}, not '{v}'");
        return i;
    }
}
