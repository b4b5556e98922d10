using System.Security.Cryptography;
using GuidedCam.Harness.Config;
using GuidedCam.Harness.Datasets;
using GuidedCam.Harness.Models;
using GuidedCam.Harness.Results;
using GuidedCam.Methods;
using GuidedCam.Metrics;

namespace GuidedCam.Harness.Running;

/// <summary>
/// The identities cells are filed under (<see cref="ComponentIdentity"/>). A model is what decides its
/// outputs: architecture, the SHA-256 of its weights or ONNX file (for `builtin` the shipped file), the
/// resolved target layer, the resolved preprocessing, label space, class count and init seed — not its
/// name or path. A dataset is what decides an item's content and labels: kind, split, the label file's
/// name and, for generated data, the seed and image size — not its root folder (the same data on another
/// machine is the same dataset) and not the selection (limit, sample, classes, count), which only says
/// which items a config asks for: growing a sample computes only the new items.
/// </summary>
public static class Identities
{
    /// <summary>
    /// The model's identity. A `forward-batch-size` other than the default is part of it: the forwards'
    /// shape decides their float rounding (docs/spec/determinism.md), so cells made with another chunk
    /// size are kept apart instead of mixed; the default leaves the identity as it always was.
    /// </summary>
    public static ComponentIdentity Model(RunModel model, string layer, int forwardBatchSize = ExperimentConfig.DefaultForwardBatchSize)
    {
        var spec = model.Spec;
        string? file = spec.Weights ?? spec.Onnx ?? (spec.Arch == BuiltinModel.Arch ? BuiltinModel.DefaultWeightsPath : null);
        var lines = new List<string>
        {
            $"arch={spec.Arch}",
            $"file-sha256={(file is null ? "none" : FileSha256(file))}",
            $"layer={layer}",
            $"preprocessing={model.Preprocessing.Describe()}",
            $"label-space={model.LabelSpace}",
            $"classes={model.Classifier.NumClasses}",
            $"seed={spec.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
        };
        if (forwardBatchSize != ExperimentConfig.DefaultForwardBatchSize)
            lines.Add($"forward-batch-size={forwardBatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        // A perturbed copy is another model: its cells live beside the original's (whose identity has no such line).
        if (spec.Perturb is { } p) lines.Add($"perturb={p.Describe()}");
        return ComponentIdentity.Of(model.Name, string.Join('\n', lines));
    }

    /// <summary>What a perturbed copy is a copy of (the identity of its entry without `perturb:`); null for a model as loaded.</summary>
    public static ViewPerturbation? Perturbation(RunModel model, string layer, int forwardBatchSize = ExperimentConfig.DefaultForwardBatchSize) =>
        model.Spec.Perturb is { } p
            ? new ViewPerturbation(Model(model with { Spec = model.Spec with { Perturb = null } }, layer, forwardBatchSize).Key, p.Weights, p.Input, p.Seed, p.Test)
            : null;

    private static readonly string[] SelectionKeys = { "root", "limit", "sample", "classes", "count" };

    public static ComponentIdentity Dataset(ComponentEntry e, IDataset dataset, int runSeed)
    {
        var spec = DatasetEntry.ToSpec(e, runSeed);
        var lines = new List<string> { $"kind={e.Id}", $"split={(dataset is SyntheticDataset s ? s.Split : spec.Split)}" };
        if (spec.LabelFile is { } label) lines.Add($"label-file={Path.GetFileName(label)}");
        // A generated dataset's items are functions of its seed and size; a read one's seed only draws the sample.
        if (dataset is SyntheticDataset synthetic) lines.Add($"seed={spec.Seed}\nimage-size={synthetic.ImageSize}");
        foreach (var (k, v) in e.Options.Where(kv => !SelectionKeys.Contains(kv.Key) && kv.Key is not ("seed" or "split" or "label-file" or "image-size")).OrderBy(kv => kv.Key, StringComparer.Ordinal))
            lines.Add($"{k}={v}");
        return ComponentIdentity.Of(dataset.Name, string.Join('\n', lines));
    }

    /// <summary>A method's cells and maps key: id, canonical options and, for methods that draw random numbers, the run seed.</summary>
    public static string MethodKey(ISaliencyMethod method, int runSeed) =>
        JournalCell.MethodKeyOf(method.Id, ResultRecord.CanonicalOptions(method.Options), method.UsesSeed ? runSeed : null);

    public static string MetricKey(IMetric metric) => JournalCell.MetricKeyOf(metric.Id, ResultRecord.CanonicalOptions(metric.Options));

    private static readonly Dictionary<(string, long, DateTime), string> HashCache = new();

    /// <summary>SHA-256 of a file, cached per (path, size, mtime) within the process.</summary>
    public static string FileSha256(string path)
    {
        var info = new FileInfo(Path.GetFullPath(path));
        if (!info.Exists) throw new FileNotFoundException($"model file not found: {info.FullName}", info.FullName);
        var key = (info.FullName, info.Length, info.LastWriteTimeUtc);
        lock (HashCache)
            if (HashCache.TryGetValue(key, out var cached)) return cached;
        using var stream = info.OpenRead();
        string hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        lock (HashCache) HashCache[key] = hash;
        return hash;
    }
}
