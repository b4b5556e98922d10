using GuidedCam.Core;
using GuidedCam.Harness.Datasets;
using GuidedCam.Harness.Models;
using GuidedCam.Methods;
using GuidedCam.Metrics;

namespace GuidedCam.Harness.Config;

/// <summary>One model × dataset cell: its items, target layer, the network input size and the layer's channel count K (from one item).</summary>
public sealed record PlanCell(string Model, string Dataset, int Items, string Layer, int InputHeight, int InputWidth, int Channels);

/// <summary>What a config will do, printed by `guidedcam validate` before any work.</summary>
public sealed record Plan(IReadOnlyList<PlanCell> Cells, IReadOnlyList<ISaliencyMethod> Methods, IReadOnlyList<IMetric> Metrics);

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
        var methodList = new List<(ComponentEntry e, ISaliencyMethod m)>();
        foreach (var e in cfg.Methods)
        {
            try { methodList.Add((e, methodCatalog.Create(e.Id, e.Options))); }
            catch (ArgumentException ex) { errors.Add($"{Where(e, ex)}: methods: {ex.Message}"); }
        }
        var metricList = new List<(ComponentEntry e, IMetric m)>();
        foreach (var e in cfg.Metrics)
        {
            try { metricList.Add((e, metricCatalog.Create(e.Id, e.Options))); }
            catch (ArgumentException ex) { errors.Add($"{Where(e, ex)}: metrics: {ex.Message}"); }
        }
        try { TorchRuntime.ResolveDevice(cfg.Device); }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException) { errors.Add($"{cfg.SourcePath}: device: {ex.Message}"); }

        var datasets = new List<IDataset>();
        foreach (var e in cfg.Datasets)
        {
            try { datasets.Add(DatasetEntry.Open(e, cfg.Seed)); }
            catch (Exception ex) when (IsInputError(ex)) { errors.Add($"{Where(e, ex)}: datasets: {ex.Message}"); }
        }
        foreach (var (e, metric) in metricList)
            foreach (var d in datasets)
                if (Unmet(metric.Requirements, d) is { } why)
                    errors.Add($"{Where(e)}: metrics: {metric.Id} {why}");
        var cells = new List<PlanCell>();
        foreach (var e in cfg.Models)
        {
            if (!loadModels) continue;
            try
            {
                using var m = ModelEntry.Open(e, TorchSharp.torch.CPU);
                var probed = datasets.Select(d => Probe(m, d)).ToList();
                cells.AddRange(probed.Select(p => p.Cell));
                foreach (var (me, method) in methodList)
                    if (Unmet(method.Needs, m, probed) is { } why)
                        errors.Add($"{Where(e)}: models: method {method.Id} (line {me.Line}) {why}");
            }
            catch (Exception ex) when (IsInputError(ex)) { errors.Add($"{Where(e, ex)}: models: {ex.Message}"); }
        }
        if (errors.Count > 0) throw new ConfigException(errors);
        return new Plan(cells, methodList.Select(t => t.m).ToList(), metricList.Select(t => t.m).ToList());
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

    /// <summary>Input size and channels at the target layer (and the layer output's rank), from one forward pass on the dataset's first item.</summary>
    private static (PlanCell Cell, int LayerRank) Probe(RunModel m, IDataset d)
    {
        if (d.ItemIds.Count == 0) return (new PlanCell(m.Name, d.Name, 0, m.Layer, 0, 0, 0), 4);
        var item = d.Load(d.ItemIds[0], m.Preprocessing);
        int h = item.Geometry.InputHeight, w = item.Geometry.InputWidth;
        using var scope = TorchSharp.torch.NewDisposeScope();
        var x = TorchSharp.torch.tensor(item.Input, new long[] { 1, 3, h, w });
        var cap = LayerCapture.Capture(m.Classifier, x, new long[] { 0 }, m.Layer, withGradients: false);
        int k = cap.Activations.dim() > 1 ? (int)cap.Activations.shape[1] : 1;
        return (new PlanCell(m.Name, d.Name, d.ItemIds.Count, m.Layer, h, w, k), (int)cap.Activations.dim());
    }

    /// <summary>Errors caused by what the user wrote or pointed at (as opposed to bugs).</summary>
    public static bool IsInputError(Exception ex) =>
        ex is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException or FormatException or NotSupportedException
            or DatasetLayoutException or ItemLoadException;
}
