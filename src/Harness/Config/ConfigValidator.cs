using GuidedCam.Core;
using GuidedCam.Harness.Running;
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
    public IReadOnlyList<(ComponentEntry Entry, Datasets.IDataset Dataset)> Datasets { get; init; } = Array.Empty<(ComponentEntry, Datasets.IDataset)>();

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
    public static Plan Validate(ExperimentConfig cfg, bool loadModels = true)
    {
        var errors = new List<string>();
        string Where(ComponentEntry e) => $"{cfg.SourcePath}:{e.Line}";
        var methods = new List<ISaliencyMethod>();
        foreach (var e in cfg.Methods)
        {
            try { methods.Add(MethodRegistry.Create(e.Id, e.Options)); }
            catch (ArgumentException ex) { errors.Add($"{Where(e)}: methods: {ex.Message}"); }
        }
        var metrics = new List<IMetric>();
        foreach (var e in cfg.Metrics)
        {
            try { metrics.Add(MetricRegistry.Create(e.Id, e.Options)); }
            catch (ArgumentException ex) { errors.Add($"{Where(e)}: metrics: {ex.Message}"); }
        }
        try { TorchRuntime.ResolveDevice(cfg.Device); }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException) { errors.Add($"{cfg.SourcePath}: device: {ex.Message}"); }

        var datasets = new List<(ComponentEntry e, Datasets.IDataset d)>();
        foreach (var e in cfg.Datasets)
        {
            try { datasets.Add((e, RunComponents.CreateDataset(e, cfg.Seed))); }
            catch (Exception ex) when (IsInputError(ex)) { errors.Add($"{Where(e)}: datasets: {ex.Message}"); }
        }
        // METRICS.md §7: loc-top1 is the ILSVRC protocol (one label per image); multi-label datasets report only loc-gt-known.
        foreach (var m in cfg.Metrics.Where(m => m.Id == "loc-top1"))
            foreach (var (e, d) in datasets.Where(t => t.e.Id is "coco" or "voc"))
                errors.Add($"{Where(m)}: metrics: loc-top1 needs one label per image; dataset '{d.Name}' ({e.Id}) is multi-label — use loc-gt-known there");
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
                m = RunComponents.CreateModel(e, device);
                foreach (var (_, d) in datasets)
                    cells.Add(Probe(m, d));
                models.Add(m);
            }
            catch (Exception ex) when (IsInputError(ex))
            {
                m?.Dispose();
                errors.Add($"{Where(e)}: models: {ex.Message}");
            }
        }
        if (errors.Count > 0)
        {
            foreach (var m in models) m.Dispose();
            throw new ConfigException(errors);
        }
        return new Plan(cells, methods, metrics) { Models = models, Datasets = datasets };
    }

    /// <summary>Input size and channels at the target layer, from one forward pass on the dataset's first item.</summary>
    private static PlanCell Probe(RunModel m, Datasets.IDataset d)
    {
        string layer = RunComponents.LayerOf(m);
        if (d.ItemIds.Count == 0) return new PlanCell(m.Name, d.Name, 0, layer, 0, 0, 0);
        var item = d.Load(d.ItemIds[0], m.Preprocessing);
        int h = item.Geometry.InputHeight, w = item.Geometry.InputWidth;
        using var scope = TorchSharp.torch.NewDisposeScope();
        var x = TorchSharp.torch.tensor(item.Input, new long[] { 1, 3, h, w }).to(m.Classifier.Device);
        var cap = LayerCapture.Capture(m.Classifier, x, new long[] { 0 }, layer, withGradients: false);
        int k = cap.Activations.dim() > 1 ? (int)cap.Activations.shape[1] : 1;
        return new PlanCell(m.Name, d.Name, d.ItemIds.Count, layer, h, w, k);
    }

    /// <summary>Errors caused by what the user wrote or pointed at (as opposed to bugs).</summary>
    public static bool IsInputError(Exception ex) =>
        ex is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException or FormatException or NotSupportedException
            or Datasets.DatasetLayoutException or Datasets.ItemLoadException;
}
