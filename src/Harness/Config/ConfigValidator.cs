using GuidedCam.Core;
using GuidedCam.Harness.Datasets;
using GuidedCam.Harness.Models;
using GuidedCam.Methods;
using GuidedCam.Metrics;

namespace GuidedCam.Harness.Config;

/// <summary>One model × dataset cell: its items, target layer, the network input size and the layer's channel count K (from one item).</summary>
public sealed record PlanCell(string Model, string Dataset, int Items, string Layer, int InputHeight, int InputWidth, int Channels);

/// <summary>
/// What a config will do, checked: the methods and metrics built from their options, and — when models
/// were loaded — the loaded models and opened datasets themselves, so that a run executes exactly what was
/// validated without loading a model or scanning a dataset again. Disposing the plan frees the models.
/// </summary>
public sealed record Plan(IReadOnlyList<PlanCell> Cells, IReadOnlyList<ISaliencyMethod> Methods, IReadOnlyList<IMetric> Metrics) : IDisposable
{
    public IReadOnlyList<RunModel> Models { get; init; } = Array.Empty<RunModel>();
    public IReadOnlyList<(ComponentEntry Entry, IDataset Dataset)> Datasets { get; init; } = Array.Empty<(ComponentEntry, IDataset)>();

    public void Dispose()
    {
        foreach (var m in Models) m.Dispose();
    }
}

/// <summary>
/// Checks everything a config names — methods and metrics with their options, model archs, weight
/// files and target layers, dataset layouts, the device — and lists every problem with its YAML line
/// before any work starts. Returns the plan (items per model × dataset) for `validate`.
/// </summary>
public static class ConfigValidator
{
    /// <param name="methods">Where method ids are looked up; the built-in methods when null.</param>
    /// <param name="metrics">Where metric ids are looked up; the built-in metrics when null.</param>
    public static Plan Validate(ExperimentConfig cfg, bool loadModels = true, MethodCatalog? methods = null, MetricCatalog? metrics = null)
    {
        var methodCatalog = methods ?? MethodRegistry.BuiltIn;
        var metricCatalog = metrics ?? MetricRegistry.BuiltIn;
        var errors = new List<string>();
        string Where(ComponentEntry e, Exception? ex = null) => $"{cfg.SourcePath}:{e.LineOf(ex is null ? null : OptionResolver.KeyOf(ex))}";
        var methodList = new List<ISaliencyMethod>();
        foreach (var e in cfg.Methods)
        {
            try { methodList.Add(methodCatalog.Create(e.Id, e.Options)); }
            catch (ArgumentException ex) { errors.Add($"{Where(e, ex)}: methods: {ex.Message}"); }
        }
        var metricList = new List<(ComponentEntry Entry, IMetric Metric)>();
        foreach (var e in cfg.Metrics)
        {
            try { metricList.Add((e, metricCatalog.Create(e.Id, e.Options))); }
            catch (ArgumentException ex) { errors.Add($"{Where(e, ex)}: metrics: {ex.Message}"); }
        }
        try { TorchRuntime.ResolveDevice(cfg.Device); }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException) { errors.Add($"{cfg.SourcePath}: device: {ex.Message}"); }

        var datasets = new List<(ComponentEntry e, IDataset d)>();
        foreach (var e in cfg.Datasets)
        {
            try { datasets.Add((e, DatasetEntry.Open(e, cfg.Seed))); }
            catch (Exception ex) when (IsInputError(ex)) { errors.Add($"{Where(e, ex)}: datasets: {ex.Message}"); }
        }
        foreach (var (e, metric) in metricList)
            foreach (var (_, d) in datasets)
                if (Unmet(metric.Requirements, d) is { } why)
                    errors.Add($"{Where(e)}: metrics: {metric.Id} {why}");
        var cells = new List<PlanCell>();
        var models = new List<RunModel>();
        // Loaded once on the run's device and kept in the plan: `run` executes this plan.
        var device = errors.Count == 0 && loadModels ? TorchRuntime.ResolveDevice(cfg.Device) : TorchSharp.torch.CPU;
        foreach (var e in cfg.Models)
        {
            if (!loadModels) continue;
            RunModel? m = null;
            try
            {
                m = ModelEntry.Open(e, device);
                var probed = datasets.Select(t => Probe(m, t.d)).ToList();
                cells.AddRange(probed.Select(p => p.Cell));
                models.Add(m);
                foreach (var method in methodList)
                    if (Unmet(method.Needs, m, probed) is { } why)
                        errors.Add($"{Where(e)}: models: method {method.Id} {why}");
            }
            catch (Exception ex) when (IsInputError(ex))
            {
                m?.Dispose();
                models.Remove(m!);
                errors.Add($"{Where(e, ex)}: models: {ex.Message}");
            }
        }
        if (errors.Count > 0)
        {
            foreach (var m in models) m.Dispose();
            throw new ConfigException(errors);
        }
        return new Plan(cells, methodList, metricList.Select(t => t.Metric).ToList()) { Models = models, Datasets = datasets };
    }

    /// <summary>Why a dataset cannot serve a metric's requirements, or null when it can.</summary>
    private static string? Unmet(MetricRequirements needs, IDataset d)
    {
        if (needs.HasFlag(MetricRequirements.SingleLabelDataset) && !d.SingleLabel)
            return $"needs one label per image; dataset '{d.Name}' is multi-label";
        if (needs.HasFlag(MetricRequirements.GroundTruthBoxes) && !d.HasBoxes)
            return $"needs ground-truth boxes; dataset '{d.Name}' has none";
        return null;
    }

    /// <summary>Why a model cannot serve a method's needs, or null when it can.</summary>
    private static string? Unmet(MethodNeeds needs, RunModel m, IReadOnlyList<(PlanCell Cell, int LayerRank)> probed)
    {
        if (needs.HasFlag(MethodNeeds.SpatialLayer) && probed.FirstOrDefault(p => p.LayerRank != 4) is { Cell: not null } flat)
            return $"needs an N×K×h×w target layer; layer '{m.Layer}' gives a {flat.LayerRank}-d output (choose a convolutional layer with `layer:`)";
        return null;
    }

    /// <summary>Input size and channels at the target layer (and the rank of its output), from one forward pass on the dataset's first item.</summary>
    private static (PlanCell Cell, int LayerRank) Probe(RunModel m, IDataset d)
    {
        if (d.ItemIds.Count == 0) return (new PlanCell(m.Name, d.Name, 0, m.Layer, 0, 0, 0), 4);
        var item = d.Load(d.ItemIds[0], m.Preprocessing);
        int h = item.Geometry.InputHeight, w = item.Geometry.InputWidth;
        using var scope = TorchSharp.torch.NewDisposeScope();
        var x = TorchSharp.torch.tensor(item.Input, new long[] { 1, 3, h, w }).to(m.Classifier.Device);
        var cap = LayerCapture.Capture(m.Classifier, x, new long[] { 0 }, m.Layer, withGradients: false);
        int k = cap.Activations.dim() > 1 ? (int)cap.Activations.shape[1] : 1;
        return (new PlanCell(m.Name, d.Name, d.ItemIds.Count, m.Layer, h, w, k), (int)cap.Activations.dim());
    }

    /// <summary>Errors caused by what the user wrote or pointed at (as opposed to bugs).</summary>
    public static bool IsInputError(Exception ex) =>
        ex is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException or FormatException or NotSupportedException
            or DatasetLayoutException or ItemLoadException;
}
