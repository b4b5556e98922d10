using GuidedCam.Core;
using GuidedCam.Harness.Datasets;
using GuidedCam.Harness.Models;
using GuidedCam.Methods;
using GuidedCam.Metrics;

namespace GuidedCam.Harness.Config;

/// <summary>One model × dataset cell: its items, target layer, the network input size and the layer's channel count K (from one item).</summary>
/// <summary><paramref name="Reexplanations"/>: per metric of the plan (same order), how many times per unit it runs the method again.</summary>
public sealed record PlanCell(string Model, string Dataset, int Items, string Layer, int InputHeight, int InputWidth, int Channels, IReadOnlyList<int>? Reexplanations = null)
{
    /// <summary>Items the probe could not load before it found one that loads (the run skips them too, with the same reason).</summary>
    public IReadOnlyList<string> UnreadableItems { get; init; } = Array.Empty<string>();
    /// <summary>Number of classes the model scores (the length of a logits row).</summary>
    public int ModelClasses { get; init; }
    /// <summary>Rank of the target layer's output (4 for N×K×h×w feature maps).</summary>
    public int LayerRank { get; init; } = 4;
}

/// <summary>
/// What a config will do, checked: the methods and metrics built from their options, and — when models
/// were loaded — the loaded models and opened datasets themselves, so that a run executes exactly what was
/// validated without loading a model or scanning a dataset again. Disposing the plan frees the models and
/// whatever the metrics hold (model randomisation keeps its randomised copies until then).
/// </summary>
public sealed record Plan(IReadOnlyList<PlanCell> Cells, IReadOnlyList<ISaliencyMethod> Methods, IReadOnlyList<IMetric> Metrics) : IDisposable
{
    public IReadOnlyList<RunModel> Models { get; init; } = Array.Empty<RunModel>();
    public IReadOnlyList<(ComponentEntry Entry, IDataset Dataset)> Datasets { get; init; } = Array.Empty<(ComponentEntry, IDataset)>();

    public void Dispose()
    {
        foreach (var m in Models) m.Dispose();
        foreach (var metric in Metrics.OfType<IDisposable>()) metric.Dispose();
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
        errors.AddRange(DuplicateVariants(cfg, "methods", cfg.Methods, e => methodCatalog.Create(e.Id, e.Options).Options));
        if (cfg.Methods.Count > 0 && cfg.Methods.All(e => e.Id != cfg.Reference) && (cfg.Reference != MethodRegistry.Reference || cfg.ReferenceLine > 1))
            errors.Add($"{cfg.SourcePath}:{cfg.ReferenceLine}: reference: '{cfg.Reference}' is not one of the config's methods ({string.Join(", ", cfg.Methods.Select(e => e.Id).Distinct())})");
        errors.AddRange(DuplicateVariants(cfg, "metrics", cfg.Metrics, e => metricCatalog.Create(e.Id, e.Options).Options));
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
                var probed = new List<PlanCell>();
                foreach (var (me, metric) in metricList)
                    if (metric.Unsupported(m.Classifier) is { } why)
                        errors.Add($"{Where(me)}: metrics: {why}");
                foreach (var (de, d) in datasets)
                {
                    var cell = Probe(m, d) with { Reexplanations = metricList.Select(x => x.Metric.Reexplanations(m.Classifier)).ToArray() };
                    cells.Add(cell);
                    probed.Add(cell);
                    // The run maps every item's classes into the model's label space (the units are
                    // stored with their ground-truth targets): a missing map or a class past the
                    // model's last logit would stop the run mid-way, so both are config errors here.
                    if (LabelProblem(d, m, cell) is { } problem)
                        errors.Add($"{Where(de)}: datasets: '{d.Name}' with model '{m.Name}' (line {e.Line}): {problem}");
                }
                models.Add(m);
                foreach (var method in methodList)
                    if (Unmet(method.Needs, m, probed) is { } why)
                        errors.Add($"{Where(e)}: models: method {method.Id} {why}");
            }
            catch (Exception ex) when (IsInputError(ex))
            {
                m?.Dispose();
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
    private static string? Unmet(MethodNeeds needs, RunModel m, IReadOnlyList<PlanCell> probed)
    {
        if (needs.HasFlag(MethodNeeds.SpatialLayer) && probed.FirstOrDefault(p => p.LayerRank != 4) is { } flat)
            return $"needs an N×K×h×w target layer; layer '{m.Layer}' gives a {flat.LayerRank}-d output (choose a convolutional layer with `layer:`)";
        return null;
    }

    /// <summary>
    /// Input size, channels at the target layer and the model's class count, from one forward pass on
    /// the dataset's first item that loads. Items that do not load are skipped here as the run skips
    /// them (with their reason), so one bad image never fails the whole config.
    /// </summary>
    private static PlanCell Probe(RunModel m, IDataset d)
    {
        string layer = m.Layer;
        var unreadable = new List<string>();
        foreach (string id in d.ItemIds)
        {
            DatasetItem item;
            try { item = d.Load(id, m.Preprocessing); }
            catch (ItemLoadException e)
            {
                unreadable.Add(e.Message);
                continue;
            }
            int h = item.Geometry.InputHeight, w = item.Geometry.InputWidth;
            using var scope = TorchSharp.torch.NewDisposeScope();
            var x = TorchSharp.torch.tensor(item.Input, new long[] { 1, 3, h, w }, device: m.Classifier.Device);
            var cap = LayerCapture.Capture(m.Classifier, x, new long[] { 0 }, layer, withGradients: false);
            if (cap.Activations.dim() == 3)
                throw new ArgumentException($"model '{m.Name}': target layer '{layer}' gives a 3-d output ({string.Join("×", cap.Activations.shape)}), CAM methods need N×K×h×w; " +
                    "it is a token layer: add `reshape: vit` to the model (drops the class token, square patch grid; `cls-tokens` and `grid` change that)");
            int k = cap.Activations.dim() > 1 ? (int)cap.Activations.shape[1] : 1;
            int classes;
            using (TorchSharp.torch.no_grad()) classes = (int)m.Classifier.Forward(x).shape[^1];
            return new PlanCell(m.Name, d.Name, d.ItemIds.Count, layer, h, w, k) { UnreadableItems = unreadable, ModelClasses = classes, LayerRank = (int)cap.Activations.dim() };
        }
        return new PlanCell(m.Name, d.Name, d.ItemIds.Count, layer, 0, 0, 0) { UnreadableItems = unreadable };
    }

    /// <summary>Why the dataset's ground-truth classes cannot become targets of the model (null when they can).</summary>
    private static string? LabelProblem(IDataset d, RunModel m, PlanCell cell)
    {
        LabelMap map;
        try { map = LabelSpaces.Resolve(d.LabelSpace, d.ClassNames, m.LabelSpace); }
        catch (Exception e) when (IsInputError(e)) { return $"the run maps the dataset's classes into the model's label space: {e.Message}"; }
        if (cell.ModelClasses <= 0) return null; // no item loaded; the run skips them all
        for (int c = 0; c < d.ClassNames.Count; c++)
            if (map.Targets(c).Where(t => t >= cell.ModelClasses).Select(t => (int?)t).FirstOrDefault() is int bad)
                return $"dataset class {c} ('{d.ClassNames[c]}') maps to model class {bad} in label space '{m.LabelSpace}', but the model scores only {cell.ModelClasses} classes; " +
                    "set the model's label-space/num-classes to what it was trained on";
        return null;
    }

    /// <summary>
    /// Two entries that resolve to the same id and options (defaults filled in) are one variant twice:
    /// their results would share journal keys and the second would never be computed. Both lines are named.
    /// </summary>
    private static IEnumerable<string> DuplicateVariants(ExperimentConfig cfg, string kind, IReadOnlyList<ComponentEntry> entries, Func<ComponentEntry, IReadOnlyDictionary<string, string>> options)
    {
        var seen = new Dictionary<string, ComponentEntry>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            string key;
            try { key = e.Id + "|" + OptionResolver.Canonical(options(e)); }
            catch (ArgumentException) { continue; } // reported above with its own message
            if (seen.TryGetValue(key, out var first))
                yield return $"{cfg.SourcePath}:{e.Line}: {kind}: '{e.Id}' on line {e.Line} is the same variant as on line {first.Line} (same options once defaults are filled in); list each variant once";
            else seen[key] = e;
        }
    }

    /// <summary>Errors caused by what the user wrote or pointed at (as opposed to bugs).</summary>
    public static bool IsInputError(Exception ex) =>
        ex is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException or FormatException or NotSupportedException
            or DatasetLayoutException or ItemLoadException;
}
